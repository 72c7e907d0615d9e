// Is the VM's sidecar healthy, judging by its log? Only the latest start counts (the log is appended to across
// restarts; pilot-agent opens each start with its "Version 1.x.y-…" line). The certificate must have reached Envoy in
// that start, and the ADS connection to istiod must be up at the end of the log
// (1.8: "connecting to upstream XDS server" with no failure after it; 1.9+: "connected to upstream XDS server"), and
// no error line may follow it. A disconnection followed by a reconnection is normal; warnings are tolerated, and
// so is the first start's "cannot load key pair, using token instead".
import { InputError } from "../../errors.js";
import { parseIstioLog, type IstioLogEntry } from "../../parse/istio-log.js";
import { parseIstioVersion } from "../../params/validate.js";
import type { Expectation, Verdict } from "../expectation.js";
import { textFrom } from "./received.js";

/** Log lines that mark the connection to istiod, by version. */
export const xdsMarkers = (minor: number): { connected: RegExp; lost: RegExp; certificate: RegExp } =>
  minor <= 8
    ? {
        connected: /connecting to upstream XDS server/,
        lost: /failed to create upstream grpc client|disconnected from XDS server/,
        certificate: /pushed key\/cert pair to proxy/,
      }
    : {
        connected: /connected to upstream XDS server/,
        lost: /StreamAggregatedResources gRPC config stream (?:to \S+ )?closed(?: since \d+s ago)?: (?!0,)|failed to connect to upstream|upstream terminated with unexpected error/,
        certificate: /generated new workload certificate|SDS: PUSH request for .*resource:default|pushed key\/cert pair to proxy/,
      };

/** pilot-agent's first line of each start (after its FLAG lines): `Version 1.8.1-<sha>-Clean`. */
export const AGENT_START = /^Version \d+\.\d+\.\d+\S*$/;

/** Error lines that are normal on a first start. */
export const TOLERATED_ERRORS: readonly RegExp[] = [/using token instead/, /cannot load key pair/];

/** Expects a healthy sidecar log for this Istio version ("1.8.1"). */
export const sidecarLogHealthy = (options: { version: string; tolerate?: readonly RegExp[] }): Expectation<unknown> => {
  const version = parseIstioVersion(options.version);
  if (!version) throw new InputError(`sidecarLogHealthy: versão do Istio inválida "${options.version}"`, "passe a versão no formato 1.MINOR.PATCH (ISTIO_VERSION)", "version");
  const markers = xdsMarkers(version.minor);
  const tolerated = [...TOLERATED_ERRORS, ...(options.tolerate ?? [])];
  const expected =
    "o certificado entregue ao Envoy neste início do sidecar, " +
    `a conexão ADS com o istiod ativa no fim do log (linha "${version.minor <= 8 ? "connecting to upstream XDS server" : "connected to upstream XDS server"}" sem falha depois) ` +
    "e nenhuma linha de erro depois dela";
  return {
    kind: "sidecar-log",
    expected,
    spec: { version: version.text },
    evaluate: (received): Verdict => {
      const all = parseIstioLog(textFrom(received)).filter((e) => e.format !== "other");
      const lastStart = findLastIndex(all, (e) => AGENT_START.test(e.message.trim()));
      const earlierStarts = all.filter((e) => AGENT_START.test(e.message.trim())).length - (lastStart === -1 ? 0 : 1);
      const entries = lastStart === -1 ? all : all.slice(lastStart);
      const isError = (e: IstioLogEntry) => (e.severity === "error" || e.severity === "fatal") && !tolerated.some((t) => t.test(e.message));
      const lastConnected = findLastIndex(entries, (e) => markers.connected.test(e.message));
      const lastLost = findLastIndex(entries, (e) => markers.lost.test(e.message));
      const errorsAfter = entries.filter((e, i) => i > lastConnected && isError(e));
      const earlierErrors = entries.filter((e, i) => i <= lastConnected && isError(e));
      const connected = lastConnected !== -1 && lastLost < lastConnected;
      const certificate = entries.some((e) => markers.certificate.test(e.message));
      const ready = entries.some((e) => /Envoy proxy is ready/.test(e.message));
      const shownLines = [
        ...(lastConnected !== -1 ? [entries[lastConnected]!] : []),
        ...(lastLost > lastConnected ? [entries[lastLost]!] : []),
        // The latest errors say what is wrong now (when it never connected, these are all the log's errors, and the
        // log may still hold an earlier start's errors first).
        ...errorsAfter.slice(-5),
        // without a certificate, the errors that kept it away (they may come before the connection line)
        ...(certificate ? [] : earlierErrors.slice(-3)),
      ];
      const received_ = [
        ...(earlierStarts > 0 ? [`último início do sidecar: ${entries[0]!.raw.split("\n")[0]} (${earlierStarts} início(s) anterior(es) no log, ignorados)`] : []),
        `conexão ADS: ${connected ? "ativa" : lastConnected === -1 ? "nenhuma linha de conexão no log" : "perdida depois da última conexão"}`,
        `certificado entregue ao Envoy: ${certificate ? "sim" : "não visto"}; Envoy pronto: ${ready ? "sim" : "não visto"}`,
        `erros depois da conexão: ${errorsAfter.length}${earlierErrors.length ? ` (antes dela: ${earlierErrors.length}${certificate ? ", já superados" : ""})` : ""}`,
        ...[...new Set(shownLines)].sort((a, b) => a.line - b.line).map((e) => e.raw.split("\n")[0]!),
      ].join("\n");
      const data = { connected, certificate, ready, errorsAfterConnection: errorsAfter.length, resolvedErrors: earlierErrors.length, entries: entries.length, earlierStarts };
      if (entries.length === 0) return { ok: false, expected, received: "(log vazio ou sem linhas do istio-agent)", detail: "o log não tem linhas do sidecar: ele já foi iniciado?", data };
      if (!connected) {
        return { ok: false, expected, received: received_, detail: lastConnected === -1 ? "o sidecar nunca abriu a conexão ADS com o istiod" : "a última conexão ADS com o istiod caiu e não voltou", data };
      }
      if (errorsAfter.length) return { ok: false, expected, received: received_, detail: `há ${errorsAfter.length} linha(s) de erro depois da conexão`, data };
      // A stream opened with the istio-token alone may still be refused a moment later: without a certificate the
      // sidecar cannot work, whatever the last line says.
      if (!certificate) return { ok: false, expected, received: received_, detail: "o sidecar ainda não recebeu o certificado neste início: sem ele o Envoy não recebe configuração nem fala mTLS", data };
      return { ok: true, expected, received: received_, data };
    },
  };
};

const findLastIndex = <T>(items: readonly T[], predicate: (item: T) => boolean): number => {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
};
