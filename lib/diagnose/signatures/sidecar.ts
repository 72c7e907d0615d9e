// The sidecar on the VM: package not installed yet (folders, user and unit missing), service stopped or not enabled.
import { findAny, findLine, or } from "../evidence.js";
import type { Signature, SignatureInput } from "../types.js";

/** The states that `systemctl is-active istio` and `systemctl is-enabled istio` printed, one line each in command order (also when one command runs both). */
export const unitStates = (input: SignatureInput): { active?: string; enabled?: string } => {
  const command = input.result?.command ?? "";
  const verbs = [...command.matchAll(/systemctl\b[^;&|]*?\b(is-active|is-enabled)\b[^;&|]*?\bistio\b/g)].map((m) => m[1]!);
  const lines = (input.result?.stdout ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  const states: { active?: string; enabled?: string } = {};
  verbs.forEach((verb, i) => {
    const line = lines[i];
    if (line !== undefined) states[verb === "is-active" ? "active" : "enabled"] = line;
  });
  return states;
};

/** Files and the istio-proxy user that only the package creates are missing. */
const packageMissing: Signature = {
  id: "pacote-do-sidecar-ausente",
  specificity: 95,
  detect: (input) => {
    const hit = findAny(input.text, [
      /cannot create regular file '(\/var\/lib\/istio\/[^']*|\/etc\/istio\/[^']*)': No such file or directory/,
      /chown: invalid user: ['‘"]istio-proxy['’"]/,
      /chown: cannot access '(\/var\/lib\/istio[^']*|\/etc\/istio[^']*)': No such file or directory/,
      /Unit istio\.service (?:not found|could not be found)/,
      /package '?istio-sidecar'? is not installed/,
    ]);
    if (!hit) return undefined;
    const url = or(input.context.sidecarUrl, "https://storage.googleapis.com/istio-release/releases/<versão>/deb/istio-sidecar.deb");
    return {
      cause: "o pacote do sidecar (istio-sidecar.deb) não está instalado na VM: é ele que cria /var/lib/istio/envoy, /etc/istio/config, o usuário istio-proxy e o serviço istio",
      fix: `instale o pacote na VM (\`curl -LO ${url}\` e \`sudo dpkg -i istio-sidecar.deb\`) e repita este passo`,
      evidence: hit.line,
    };
  },
};

/** The sidecar is not running: admin port closed or systemd says inactive/failed. */
const notRunning: Signature = {
  id: "sidecar-parado",
  specificity: 85,
  detect: (input) => {
    const hit = findAny(input.text, [/Failed to connect to (?:localhost|127\.0\.0\.1) port 15000/, /Active: (inactive|failed) /]);
    const command = input.result?.command ?? "";
    const state = unitStates(input).active;
    const isActive = state !== undefined && /^(inactive|failed|activating|deactivating)$/.test(state);
    if (!hit && !isActive) return undefined;
    return {
      cause: `o sidecar (serviço istio) não está rodando na VM${isActive ? ` (estado: ${state})` : ""}`,
      fix: "inicie com `sudo systemctl start istio`; se ele parar de novo, veja o motivo em `sudo systemctl status istio` e nos logs /var/log/istio/istio.err.log e /var/log/istio/istio.log",
      evidence: hit?.line ?? `${command} → ${state}`,
    };
  },
};

/** The unit is not enabled: it will not start after a reboot. */
const notEnabled: Signature = {
  id: "sidecar-nao-habilitado",
  specificity: 85,
  detect: (input) => {
    const command = input.result?.command ?? "";
    const state = unitStates(input).enabled;
    if (!state || !/^(disabled|masked|static|indirect)$/.test(state)) return undefined;
    return {
      cause: `o serviço istio não está habilitado (estado: ${state}): ele não volta sozinho depois de reiniciar a VM`,
      fix: state === "masked" ? "rode `sudo systemctl unmask istio` e `sudo systemctl enable istio`" : "rode `sudo systemctl enable istio`",
      evidence: `${command} → ${state}`,
    };
  },
};

/** A sidecar log line that the agent was killed or Envoy exited. */
const envoyExited: Signature = {
  id: "envoy-terminou",
  specificity: 60,
  detect: (input) => {
    const hit = findLine(input.text, /(?:Epoch \d+ exited with error|envoy exited with error|exiting due to error): (.*)/i);
    return hit && {
      cause: `o Envoy da VM terminou com erro (${hit.match[1]})`,
      fix: "veja as linhas anteriores do /var/log/istio/istio.log e /var/log/istio/istio.err.log; o systemd reinicia o serviço a cada 10 s",
      evidence: hit.line,
    };
  },
};

/** Sidecar signatures. */
export const SIDECAR_SIGNATURES: readonly Signature[] = [packageMissing, notRunning, notEnabled, envoyExited];
