// The proxy process's command line, both ways: argv for whoever starts it (the pilot-agent stand-in) and the parser
// main.ts uses.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The proxy's command-line options. */
export interface ProxyArgs {
  /** Istio release to imitate ("1.8.1"). */
  istioVersion: string;
  /** JSON ProxyConfig file (read at start when present, again on SIGHUP). */
  snapshot?: string;
  /** POD_NAMESPACE; enables the DNS proxy on :15053. */
  dnsNamespace?: string;
  /** Proxy DNS domain (default svc.cluster.local). */
  dnsDomain?: string;
  /** resolv.conf to read upstream servers and search domains from (default /etc/resolv.conf). */
  resolvConf?: string;
  /** Write Envoy access log lines to stdout. */
  accessLog: boolean;
  /** The origdst .node file (default: $LAB_ORIGDST_ADDON or the lab cache). */
  addon?: string;
}

/** Thrown for a bad command line (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

const VALUE_FLAGS: Record<string, Exclude<keyof ProxyArgs, "accessLog">> = {
  "--istio-version": "istioVersion",
  "--snapshot": "snapshot",
  "--dns-namespace": "dnsNamespace",
  "--dns-domain": "dnsDomain",
  "--resolv-conf": "resolvConf",
  "--addon": "addon",
};

/** Parses argv (without node and the script). */
export const parseProxyArgs = (argv: readonly string[]): ProxyArgs => {
  const out: Partial<ProxyArgs> & { accessLog: boolean } = { accessLog: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--access-log") {
      out.accessLog = true;
      continue;
    }
    const key = VALUE_FLAGS[arg];
    if (!key) throw new UsageError(`unknown argument ${arg}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    out[key] = value;
  }
  if (!out.istioVersion) throw new UsageError("--istio-version is required (for example 1.8.1)");
  return out as ProxyArgs;
};

/** The compiled entry point (dist/lab/istio/proxy/main.js next to this module). */
export const proxyMainPath = (): string => path.join(path.dirname(fileURLToPath(import.meta.url)), "main.js");

/** argv that starts the proxy: [node, main.js, flags…]. Run it as the proxy's uid in the workload's network namespace. */
export const proxyArgv = (args: ProxyArgs, { node = process.execPath, main = proxyMainPath() }: { node?: string; main?: string } = {}): string[] => {
  const argv = [node, main, "--istio-version", args.istioVersion];
  for (const [flag, key] of Object.entries(VALUE_FLAGS)) {
    const value = args[key];
    if (key !== "istioVersion" && value !== undefined) argv.push(flag, value);
  }
  if (args.accessLog) argv.push("--access-log");
  return argv;
};
