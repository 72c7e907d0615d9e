// The capture step of the VM's sidecar: what `pilot-agent istio-iptables` (install), `pilot-agent
// istio-clean-iptables` (≤ 1.23 clean-up) and `pilot-agent istio-iptables --cleanup-only` (1.24+) do when
// istio-start.sh runs them as root. The rules come from lab/istio/proxy/capture for the release; the options from the
// environment istio-start.sh exported (sidecar.env, cluster.env), the ENVOY_USER's uid and /etc/resolv.conf, as
// istio-iptables reads them. Output imitates the release: 1.8's printf dump, the `Writing following contents to rules
// file:` temp file and each command echoed; current releases log in Istio's format. Rules are APPENDED with
// `iptables-restore --noflush`, so rules already there (Docker's PREROUTING DNAT) stay in front.
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { vmCaptureOptions } from "../proxy/capture/options.js";
import { buildCaptureRules, cleanupArgv, restoreText, type CaptureOptions } from "../proxy/capture/rules.js";
import { formatIstioLine, istioTimestamp } from "../proxy/log.js";
import { dataPlaneProfile, type DataPlaneProfile } from "../proxy/release.js";

/** Which subcommand ran. */
export type IptablesAction = "install" | "cleanup";

/** istio-iptables' fallback uid when ENVOY_USER does not exist (constants.DefaultProxyUID). */
export const DEFAULT_PROXY_UID = "1337";

/** What the step needs from its surroundings (the VM's files and environment). */
export interface IptablesStepInput {
  /** The release the package belongs to ("1.8.1"). */
  istioVersion: string;
  action: IptablesAction;
  /** The process environment (istio-start.sh's exports). */
  env: Readonly<Record<string, string | undefined>>;
  /** Text of /etc/passwd (to find ENVOY_USER's uid). */
  passwd: string;
  /** Text of /etc/resolv.conf. */
  resolvConf: string;
  /** Writes to the program's stdout. */
  print: (text: string) => void;
}

/** Parses the subcommand and flags the launcher passes (`istio-iptables [--cleanup-only]`, `istio-clean-iptables`);
 * throws a cobra-like error for anything else. */
export const parseIptablesArgs = (argv: readonly string[]): IptablesAction => {
  const [command, ...flags] = argv;
  if (command === "istio-clean-iptables" && flags.length === 0) return "cleanup";
  if (command === "istio-iptables") {
    const unknown = flags.find((f) => f !== "--cleanup-only");
    if (unknown) throw new Error(`unknown flag: ${unknown}`);
    return flags.includes("--cleanup-only") ? "cleanup" : "install";
  }
  throw new Error(`unknown command "${command ?? ""}" for "pilot-agent"`);
};

/** The uid of `user` in a passwd text, or istio-iptables' default when the user does not exist. */
export const proxyUidOf = (passwd: string, user: string): string => {
  for (const line of passwd.split("\n")) {
    const [name, , uid] = line.split(":");
    if (name === user && uid !== undefined) return uid;
  }
  return DEFAULT_PROXY_UID;
};

/** Capture options as istio-iptables derives them on the VM: PROXY_UID (viper's env for -u) or ENVOY_USER's uid, and
 * PROXY_GID defaulting to that same number. */
export const stepCaptureOptions = (input: Pick<IptablesStepInput, "env" | "passwd" | "resolvConf">): CaptureOptions => {
  const uid = input.env["PROXY_UID"] || proxyUidOf(input.passwd, input.env["ENVOY_USER"] || "istio-proxy");
  const gid = input.env["PROXY_GID"];
  return { ...vmCaptureOptions({ env: input.env, proxyUid: uid, resolvConf: input.resolvConf }), ...(gid ? { proxyGid: gid } : {}) };
};

/** Runs one command with stdout passed through (istio-iptables hands its children its own stdout); stderr too unless
 * quiet. Resolves with the exit code. */
const execute = (argv: readonly string[], print: (text: string) => void, { quiet = false, input }: { quiet?: boolean; input?: string } = {}): Promise<number> =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", quiet ? "ignore" : "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => print(chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.once("error", () => resolve(127));
    child.once("close", (code) => resolve(code ?? 1));
    child.stdin?.on("error", () => undefined); // a program that exits without reading its input
    if (input !== undefined) child.stdin?.end(input);
  });

/** ioutil.TempFile's name: the pattern followed by a random number. */
const tempName = (pattern: string): string => path.join(tmpdir(), `${pattern}${randomInt(1_000_000_000, 4_000_000_000)}`);

const nanos = (): string => `${BigInt(Date.now()) * 1_000_000n + BigInt(randomInt(0, 1_000_000))}`;

/** 1.8's printf dump of the environment and the computed variables. */
const dump18 = (o: CaptureOptions, env: IptablesStepInput["env"]): string => {
  const e = (k: string) => `${k}=${env[k] ?? ""}\n`;
  return [
    "Environment:\n------------\n",
    ...["ENVOY_PORT", "INBOUND_CAPTURE_PORT", "ISTIO_INBOUND_INTERCEPTION_MODE", "ISTIO_INBOUND_TPROXY_MARK", "ISTIO_INBOUND_TPROXY_ROUTE_TABLE", "ISTIO_INBOUND_PORTS", "ISTIO_OUTBOUND_PORTS", "ISTIO_LOCAL_EXCLUDE_PORTS", "ISTIO_SERVICE_CIDR", "ISTIO_SERVICE_EXCLUDE_CIDR"].map(e),
    "\nVariables:\n----------\n",
    `PROXY_PORT=${o.proxyPort ?? 15001}\nPROXY_INBOUND_CAPTURE_PORT=${o.inboundCapturePort ?? 15006}\nPROXY_TUNNEL_PORT=${o.inboundTunnelPort ?? 15008}\n`,
    `PROXY_UID=${o.proxyUid}\nPROXY_GID=${o.proxyGid ?? o.proxyUid}\nINBOUND_INTERCEPTION_MODE=${env["ISTIO_INBOUND_INTERCEPTION_MODE"] ?? ""}\n`,
    `INBOUND_TPROXY_MARK=${env["ISTIO_INBOUND_TPROXY_MARK"] || "1337"}\nINBOUND_TPROXY_ROUTE_TABLE=${env["ISTIO_INBOUND_TPROXY_ROUTE_TABLE"] || "133"}\n`,
    `INBOUND_PORTS_INCLUDE=${o.inboundPorts}\nINBOUND_PORTS_EXCLUDE=${o.localExcludePorts ?? ""}\n`,
    `OUTBOUND_IP_RANGES_INCLUDE=${o.outboundIpRangesInclude ?? ""}\nOUTBOUND_IP_RANGES_EXCLUDE=${o.outboundIpRangesExclude ?? ""}\n`,
    `OUTBOUND_PORTS_INCLUDE=${o.outboundPortsInclude ?? ""}\nOUTBOUND_PORTS_EXCLUDE=${o.outboundPortsExclude ?? ""}\n`,
    "KUBEVIRT_INTERFACES=\nENABLE_INBOUND_IPV6=false\n\n",
  ].join("");
};

/** Current releases' `Istio iptables environment:` and `Istio config:` log entries. */
const dumpCurrent = (o: CaptureOptions, env: IptablesStepInput["env"], cleanupOnly: boolean): string[] => {
  const e = (k: string) => `${k}=${env[k] ?? ""}\n`;
  const environment = ["ENVOY_PORT", "INBOUND_CAPTURE_PORT", "ISTIO_INBOUND_INTERCEPTION_MODE", "ISTIO_INBOUND_TPROXY_ROUTE_TABLE", "ISTIO_INBOUND_PORTS", "ISTIO_OUTBOUND_PORTS", "ISTIO_LOCAL_EXCLUDE_PORTS", "ISTIO_EXCLUDE_INTERFACES", "ISTIO_SERVICE_CIDR", "ISTIO_SERVICE_EXCLUDE_CIDR", "ISTIO_META_DNS_CAPTURE", "INVALID_DROP"].map(e).join("");
  const config = [
    `PROXY_PORT=${o.proxyPort ?? 15001}`,
    `PROXY_INBOUND_CAPTURE_PORT=${o.inboundCapturePort ?? 15006}`,
    `PROXY_TUNNEL_PORT=${o.inboundTunnelPort ?? 15008}`,
    `PROXY_UID=${o.proxyUid}`,
    `PROXY_GID=${o.proxyGid ?? o.proxyUid}`,
    `INBOUND_INTERCEPTION_MODE=${env["ISTIO_INBOUND_INTERCEPTION_MODE"] || "REDIRECT"}`,
    `INBOUND_TPROXY_MARK=1337`,
    `INBOUND_TPROXY_ROUTE_TABLE=${env["ISTIO_INBOUND_TPROXY_ROUTE_TABLE"] || "133"}`,
    `INBOUND_PORTS_INCLUDE=${o.inboundPorts}`,
    `INBOUND_PORTS_EXCLUDE=${o.localExcludePorts ?? ""}`,
    "OUTBOUND_OWNER_GROUPS_INCLUDE=*",
    "OUTBOUND_OWNER_GROUPS_EXCLUDE=",
    `OUTBOUND_IP_RANGES_INCLUDE=${o.outboundIpRangesInclude ?? ""}`,
    `OUTBOUND_IP_RANGES_EXCLUDE=${o.outboundIpRangesExclude ?? ""}`,
    `OUTBOUND_PORTS_INCLUDE=${o.outboundPortsInclude ?? ""}`,
    `OUTBOUND_PORTS_EXCLUDE=${o.outboundPortsExclude ?? ""}`,
    "KUBE_VIRT_INTERFACES=",
    "ENABLE_INBOUND_IPV6=false",
    "DUAL_STACK=false",
    `DNS_CAPTURE=${Boolean(o.redirectDns)}`,
    "DROP_INVALID=false",
    `CAPTURE_ALL_DNS=${Boolean(o.captureAllDns)}`,
    `DNS_SERVERS=[${(o.dnsServers ?? []).join(" ")}],[]`,
    "NETWORK_NAMESPACE=",
    "CNI_MODE=false",
    "EXCLUDE_INTERFACES=",
    "RECONCILE=true",
    `CLEANUP_ONLY=${cleanupOnly}`,
    "FORCE_APPLY=false",
    "NATIVE_NFTABLES=false",
    "FORCE_IPTABLES_BINARY=",
  ].join("\n");
  return [`Istio iptables environment:\n${environment}`, `Istio config:\n${config}\n`];
};

/** The 1.8 flow: dump, clean-up or `iptables-restore --noflush <temp file>` (IPv4, then an empty IPv6 file), then
 * `iptables-save`, every command echoed as `cmd args`. */
const run18 = async (profile: DataPlaneProfile, input: IptablesStepInput, options: CaptureOptions): Promise<number> => {
  const { print } = input;
  const rules = buildCaptureRules(profile, options);
  if (input.action === "cleanup") {
    for (const argv of cleanupArgv(profile, rules)) {
      print(`${argv.join(" ")}\n`);
      await execute(argv, print, { quiet: true });
    }
    return 0;
  }
  print(dump18(options, input.env));
  for (const [binary, pattern, data] of [
    ["iptables-restore", `iptables-rules-${nanos()}.txt`, restoreText(rules)],
    ["ip6tables-restore", `ip6tables-rules-${nanos()}.txt`, ""],
  ] as const) {
    const file = tempName(pattern);
    await writeFile(file, data, { mode: 0o600 });
    try {
      print(`Writing following contents to rules file:  ${file}\n${data}\n`);
      print(`${binary} --noflush ${file}\n`);
      const code = await execute([binary, "--noflush", file], print);
      if (code !== 0) {
        print(`panic: exit status ${code}\n`);
        return 2;
      }
    } finally {
      await rm(file, { force: true });
    }
  }
  print("iptables-save \n");
  await execute(["iptables-save"], print);
  return 0;
};

/** The current flow (capture/run.go): log the configuration, clean up (--cleanup-only) or apply with
 * `iptables-restore --noflush` from stdin, then log the final state. */
const runCurrent = async (profile: DataPlaneProfile, input: IptablesStepInput, options: CaptureOptions): Promise<number> => {
  const info = (message: string) => input.print(`${formatIstioLine({ time: istioTimestamp(), level: "info", scope: "", message })}\n`);
  const rules = buildCaptureRules(profile, options);
  for (const entry of dumpCurrent(options, input.env, input.action === "cleanup")) info(entry);
  let code = 0;
  if (input.action === "cleanup") {
    info("Performing cleanup of existing iptables");
    for (const argv of cleanupArgv(profile, rules)) await execute(argv, () => {}, { quiet: true });
  } else {
    const data = restoreText(rules);
    info("Applying iptables chains and rules");
    info(`Running iptables restore with: iptables-restore and the following input:\n${data.trim()}`);
    code = await execute(["iptables-restore", "--noflush"], () => {}, { input: data });
    if (code !== 0) {
      input.print(`${formatIstioLine({ time: istioTimestamp(), level: "error", scope: "", message: `exit status ${code}` })}\n`);
      code = 1;
    }
  }
  let state = "";
  await execute(["iptables-save"], (text) => (state += text), { quiet: true });
  info(`Final iptables state (IPv4):\n${state}`);
  return code;
};

/** Runs the step; resolves with the exit status istio-start.sh sees (it runs under `set -e`). */
export const runIptablesStep = async (input: IptablesStepInput): Promise<number> => {
  const profile = dataPlaneProfile(input.istioVersion);
  const options = stepCaptureOptions(input);
  return profile.captureGeneration === "1.8" ? run18(profile, input, options) : runCurrent(profile, input, options);
};
