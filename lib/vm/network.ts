// Connectivity seen from the VM, for troubleshooting: ping a host, probe a TCP port (`nc -vz host port`, as the course
// suggests with telnet/netcat).
import { InputError } from "../errors.js";
import { isDnsName, isIpAddress } from "../params/validate.js";
import type { CommandResult } from "../run/result.js";
import type { VmShell } from "./shell.js";

/** Checks a host name or IP given to a probe. */
const probeHost = (host: string): string => {
  if (typeof host !== "string" || !(isIpAddress(host) || isDnsName(host))) {
    throw new InputError(`"${host}" não é um endereço IP nem um nome DNS válido`, "passe o endereço do destino, por exemplo 10.240.0.115 ou istiod.istio-system.svc");
  }
  return host;
};

/** Checks a whole number in a range. */
const integerIn = ({ value, min, max, what }: { value: number; min: number; max: number; what: string }): number => {
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${what}: ${value} está fora do intervalo ${min}–${max}`, `use um inteiro entre ${min} e ${max}`);
  return value;
};

/** Result of pingFromVm. */
export interface PingProbe {
  host: string;
  /** At least one reply arrived. */
  reachable: boolean;
  transmitted: number;
  received: number;
  planned: boolean;
  result: CommandResult;
}

/** Pings `host` from the VM (`ping -c COUNT -W TIMEOUT host`); never throws for an unreachable host. */
export const pingFromVm = async (shell: VmShell, { host, count = 3, timeoutSeconds = 2 }: { host: string; count?: number; timeoutSeconds?: number }): Promise<PingProbe> => {
  const target = probeHost(host);
  integerIn({ value: count, min: 1, max: 100, what: "ping.count" });
  integerIn({ value: timeoutSeconds, min: 1, max: 60, what: "ping.timeoutSeconds" });
  const result = await shell.ssh({ argv: ["ping", "-c", String(count), "-W", String(timeoutSeconds), target], nothrow: true, timeoutMs: (count * (timeoutSeconds + 1) + 30) * 1000 });
  shell.raiseIfNotAnswered(result);
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(result.stdout);
  const transmitted = m ? Number(m[1]) : 0;
  const received = m ? Number(m[2]) : 0;
  return { host: target, reachable: !result.planned && received > 0, transmitted, received, planned: result.planned, result };
};

/** Why a TCP probe did not connect. */
export type TcpProbeReason = "open" | "refused" | "timeout" | "no-route" | "dns" | "unknown";

/** Result of tcpProbe. */
export interface TcpProbe {
  host: string;
  port: number;
  open: boolean;
  reason: TcpProbeReason;
  planned: boolean;
  result: CommandResult;
}

/** Opens (and closes) a TCP connection from the VM with netcat (`nc -vz -w T host port`); never throws for a closed port. */
export const tcpProbe = async (shell: VmShell, { host, port, timeoutSeconds = 5 }: { host: string; port: number; timeoutSeconds?: number }): Promise<TcpProbe> => {
  const target = probeHost(host);
  integerIn({ value: port, min: 1, max: 65535, what: "tcpProbe.port" });
  integerIn({ value: timeoutSeconds, min: 1, max: 120, what: "tcpProbe.timeoutSeconds" });
  const result = await shell.ssh({ argv: ["nc", "-vz", "-w", String(timeoutSeconds), target, String(port)], nothrow: true, timeoutMs: (timeoutSeconds + 30) * 1000 });
  shell.raiseIfNotAnswered(result);
  const said = `${result.stdout}\n${result.stderr}`;
  const reason: TcpProbeReason = result.planned
    ? "unknown"
    : result.exitCode === 0
      ? "open"
      : /Connection refused/i.test(said)
        ? "refused"
        : /timed out|Operation now in progress/i.test(said)
          ? "timeout"
          : /No route to host|Network is unreachable|Host is unreachable/i.test(said)
            ? "no-route"
            : /getaddrinfo|Name or service not known|Temporary failure in name resolution|No address associated/i.test(said)
              ? "dns"
              : "unknown";
  return { host: target, port, open: reason === "open", reason, planned: result.planned, result };
};
