// `pilot-agent istio-iptables` (the istio-init container's command and istio-start.sh's step on a VM) and
// `pilot-agent istio-clean-iptables`: flags, or their environment variables (viper's AutomaticEnv: ISTIO_INBOUND_PORTS,
// ISTIO_SERVICE_CIDR, …, as cluster.env exports them), turned into the release's capture rules (lab/istio/proxy/capture)
// and installed in the current network namespace with iptables-restore --noflush, printing what istio-iptables prints.
import { readFileSync } from "node:fs";
import { host } from "../../net/ip.js";
import { applyCapture, cleanCapture, type CaptureRunner } from "../proxy/capture/apply.js";
import { resolvConfNameservers } from "../proxy/capture/options.js";
import type { CaptureOptions } from "../proxy/capture/rules.js";
import { dataPlaneProfile } from "../proxy/release.js";

/** Flag names (long and short) → viper keys. */
const FLAGS: Record<string, string> = {
  p: "envoy-port",
  z: "inbound-capture-port",
  e: "inbound-tunnel-port",
  u: "proxy-uid",
  g: "proxy-gid",
  m: "istio-inbound-interception-mode",
  b: "istio-inbound-ports",
  d: "istio-local-exclude-ports",
  i: "istio-service-cidr",
  x: "istio-service-exclude-cidr",
  q: "istio-outbound-ports",
  o: "istio-local-outbound-ports-exclude",
  k: "kube-virt-interfaces",
  c: "istio-exclude-interfaces",
  t: "istio-inbound-tproxy-mark",
  r: "istio-inbound-tproxy-route-table",
};
const BOOLS = new Set(["dry-run", "n", "skip-rule-apply", "run-validation", "restore-format", "f", "redirect-dns", "capture-all-dns", "cleanup-only", "force-apply"]);

/** Thrown for an unknown flag (cobra's message, exit 1). */
export class IptablesUsageError extends Error {
  override name = "IptablesUsageError";
}

/** Parses istio-iptables' flags into viper keys (booleans as "true"). */
export const parseIptablesFlags = (argv: readonly string[]): Map<string, string> => {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new IptablesUsageError(`Error: unknown command "${arg}" for "istio-iptables"`);
    const name = m[1]!;
    if (name.startsWith("log_") || name === "log_as_json") {
      if (m[2] === undefined && name !== "log_as_json" && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) i++;
      continue;
    }
    const key = FLAGS[name] ?? name;
    if (BOOLS.has(name) || BOOLS.has(key)) {
      out.set(key === "n" ? "dry-run" : key, m[2] ?? "true");
      continue;
    }
    if (!Object.values(FLAGS).includes(key) && !FLAGS[name]) throw new IptablesUsageError(`Error: unknown flag: ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new IptablesUsageError(`Error: flag needs an argument: ${arg}`);
    out.set(key, value);
  }
  return out;
};

/** The uid of a user from /etc/passwd (undefined when unknown). */
const uidOf = (user: string): string | undefined => {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.split(":")[0] === user);
    return line?.split(":")[2];
  } catch {
    return undefined;
  }
};

/** Flags win over environment variables (key with dashes as underscores, upper-cased). */
export const captureOptionsFrom = (flags: Map<string, string>, env: NodeJS.ProcessEnv, resolvConf: string): CaptureOptions => {
  const get = (key: string): string | undefined => flags.get(key) ?? env[key.toUpperCase().replaceAll("-", "_")];
  const proxyUid = get("proxy-uid") || uidOf(env["ENVOY_USER"] || "istio-proxy") || "1337";
  return {
    proxyUid,
    proxyGid: get("proxy-gid") || proxyUid,
    inboundPorts: get("istio-inbound-ports") ?? "",
    localExcludePorts: get("istio-local-exclude-ports") ?? "",
    outboundIpRangesInclude: get("istio-service-cidr") ?? "",
    outboundIpRangesExclude: get("istio-service-exclude-cidr") ?? "",
    outboundPortsInclude: get("istio-outbound-ports") ?? "",
    outboundPortsExclude: get("istio-local-outbound-ports-exclude") ?? "",
    redirectDns: (flags.get("redirect-dns") ?? env["ISTIO_META_DNS_CAPTURE"] ?? "").toLowerCase() === "true",
    captureAllDns: (flags.get("capture-all-dns") ?? env["CAPTURE_ALL_DNS"] ?? "").toLowerCase() === "true",
    dnsServers: resolvConfNameservers(resolvConf),
    proxyPort: Number(get("envoy-port") || 15001),
    inboundCapturePort: Number(get("inbound-capture-port") || 15006),
    inboundTunnelPort: Number(get("inbound-tunnel-port") || 15008),
  };
};

/** Runs argv in the current network namespace. */
const localRunner: CaptureRunner = (argv, options) => host(argv, options);

/** `pilot-agent istio-iptables [flags]`; resolves with the exit status. */
export const runIstioIptables = async ({ istioVersion, argv, env, out }: { istioVersion: string; argv: readonly string[]; env: NodeJS.ProcessEnv; out: (line: string) => void }): Promise<number> => {
  let flags: Map<string, string>;
  try {
    flags = parseIptablesFlags(argv);
  } catch (error) {
    out((error as Error).message);
    return 1;
  }
  let resolvConf = "";
  try {
    resolvConf = readFileSync("/etc/resolv.conf", "utf8");
  } catch {
    // no resolvers: DNS capture captures nothing (1.9+)
  }
  const options = captureOptionsFrom(flags, env, resolvConf);
  const profile = dataPlaneProfile(istioVersion);
  out("Variables:");
  out("----------");
  out(`PROXY_PORT=${options.proxyPort}`);
  out(`PROXY_INBOUND_CAPTURE_PORT=${options.inboundCapturePort}`);
  out(`PROXY_TUNNEL_PORT=${options.inboundTunnelPort}`);
  out(`PROXY_UID=${options.proxyUid}`);
  out(`PROXY_GID=${options.proxyGid}`);
  out(`INBOUND_INTERCEPTION_MODE=${flags.get("istio-inbound-interception-mode") ?? env["ISTIO_INBOUND_INTERCEPTION_MODE"] ?? ""}`);
  out(`INBOUND_PORTS_INCLUDE=${options.inboundPorts}`);
  out(`INBOUND_PORTS_EXCLUDE=${options.localExcludePorts}`);
  out(`OUTBOUND_IP_RANGES_INCLUDE=${options.outboundIpRangesInclude}`);
  out(`OUTBOUND_IP_RANGES_EXCLUDE=${options.outboundIpRangesExclude}`);
  out(`OUTBOUND_PORTS_INCLUDE=${options.outboundPortsInclude}`);
  out(`OUTBOUND_PORTS_EXCLUDE=${options.outboundPortsExclude}`);
  out(`DNS_CAPTURE=${options.redirectDns}`);
  out("");
  if (flags.get("dry-run") === "true" || flags.get("skip-rule-apply") === "true") return 0;
  try {
    if (flags.get("cleanup-only") === "true") {
      await cleanCapture({ profile, options, run: localRunner });
      return 0;
    }
    const applied = await applyCapture({ profile, options, run: localRunner });
    const file = `/tmp/iptables-rules-${process.hrtime.bigint()}.txt`;
    out(`Writing following contents to rules file:  ${file}`);
    out(applied.restoreInput);
    out(`iptables-restore --noflush ${file}`);
    out((await localRunner(["iptables-save"], { allowFailure: true })).stdout.trimEnd());
    return 0;
  } catch (error) {
    out(`error\t${(error as Error).message}`);
    return 1;
  }
};

/** `pilot-agent istio-clean-iptables`: removes Istio's chains (the release's clean-up commands, errors ignored). */
export const runCleanIptables = async ({ istioVersion, env }: { istioVersion: string; env: NodeJS.ProcessEnv }): Promise<number> => {
  const profile = dataPlaneProfile(istioVersion);
  await cleanCapture({ profile, options: captureOptionsFrom(new Map(), env, ""), run: localRunner });
  return 0;
};
