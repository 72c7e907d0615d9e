// The sidecar proxy process (what pilot-agent starts as "envoy"). Run it as the proxy's uid (1337 in pods, istio-proxy
// on a VM) inside the workload's network namespace:
//
//   node main.js --istio-version 1.8.1 [--snapshot FILE] [--dns-namespace NS [--dns-domain D] [--resolv-conf FILE]]
//                [--access-log] [--addon FILE]
//
// Configuration: --snapshot FILE (JSON ProxyConfig) is read at start (a missing file means "no configuration yet", as
// before istiod answers) and again on SIGHUP; a parent started with an IPC
// channel can send {type:"snapshot", config} and gets {type:"applied", version} or {type:"rejected", error}. Logs go to
// stdout in Istio's format. SIGTERM/SIGINT or POST /quitquitquit stop it (exit 0).
import { readFile } from "node:fs/promises";
import { SidecarProxy, type SidecarProxyOptions } from "./proxy.js";
import { parseProxyArgs, type ProxyArgs } from "./command.js";

const readSnapshot = async (file: string): Promise<unknown> => JSON.parse(await readFile(file, "utf8")) as unknown;

/** The snapshot at start: undefined when the file does not exist yet. */
const initialSnapshot = async (file: string | undefined): Promise<unknown> => {
  if (!file) return undefined;
  try {
    return await readSnapshot(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

/** Runs the proxy until it is told to stop; resolves with the exit status. */
export const runProxyProcess = async (argv: readonly string[]): Promise<number> => {
  let args: ProxyArgs;
  try {
    args = parseProxyArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const options: SidecarProxyOptions = {
    istioVersion: args.istioVersion,
    accessLog: args.accessLog,
    addonPath: args.addon,
    dns: args.dnsNamespace ? { namespace: args.dnsNamespace, domain: args.dnsDomain, resolvConfPath: args.resolvConf } : undefined,
  };
  let proxy: SidecarProxy;
  try {
    const config = await initialSnapshot(args.snapshot);
    proxy = await SidecarProxy.start({ ...options, config: config as SidecarProxyOptions["config"] });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  const done = new Promise<number>((resolve) => {
    const stop = () => void proxy.stop().then(() => resolve(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    proxy.onQuit(stop);
    process.on("disconnect", stop);
  });
  process.on("SIGHUP", () => {
    if (!args.snapshot) return;
    void readSnapshot(args.snapshot)
      .then((c) => proxy.update(c))
      .catch(() => undefined); // already logged by update() for invalid snapshots
  });
  if (process.send) {
    process.on("message", (message: unknown) => {
      const m = message as { type?: string; config?: unknown };
      if (m?.type !== "snapshot") return;
      proxy.update(m.config).then(
        (r) => process.send?.({ type: "applied", version: r.version }),
        (error: Error) => process.send?.({ type: "rejected", error: error.message }),
      );
    });
    process.send({ type: "started" });
  }
  const code = await done;
  if (process.connected) process.disconnect();
  return code;
};

process.exitCode = await runProxyProcess(process.argv.slice(2));
