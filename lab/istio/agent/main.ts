// pilot-agent, the program of the proxyv2 image in pods and of the VM's sidecar package:
//
//   pilot-agent [--istio-version V] proxy [sidecar|router] [--domain D] [other flags of the injector/charts]
//   pilot-agent [--istio-version V] istio-iptables [flags]      (istio-init; istio-start.sh on a VM)
//   pilot-agent [--istio-version V] istio-clean-iptables
//   pilot-agent [--istio-version V] version
//
// The release it imitates comes from --istio-version (the image's entrypoint), else from the version the bundle was
// built for (lab/istio/agent/bundle.ts), else LAB_ISTIO_VERSION. Logs go to stdout in Istio's format.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IstioLogger } from "../proxy/log.js";
import { runProxyAgent } from "./agent.js";
import { AgentConfigError } from "./config.js";
import { runCleanIptables, runIstioIptables } from "./iptables.js";
import { agentProfile } from "./release.js";

declare const __LAB_ISTIO_VERSION__: string | undefined;

/** The version baked into a bundle (esbuild `define`), if any. */
const builtInVersion = (): string | undefined => (typeof __LAB_ISTIO_VERSION__ === "string" ? __LAB_ISTIO_VERSION__ : undefined);

/** Flags of `proxy` that take a value when written as `--flag value`. */
const VALUE_FLAGS = new Set(["domain", "serviceCluster", "proxyLogLevel", "proxyComponentLogLevel", "log_output_level", "concurrency", "stsPort", "templateFile", "outlierLogPath", "trust-domain", "meshConfig", "addon"]);

/** Parses `proxy` arguments: the role word and --domain (other flags are accepted and ignored). */
export const parseProxyArgs = (args: readonly string[]): { mode: "sidecar" | "router"; domain?: string; addon?: string; accessLog: boolean } => {
  let mode: "sidecar" | "router" = "sidecar";
  let domain: string | undefined;
  let addon: string | undefined;
  let accessLog = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "sidecar" || a === "router") mode = a;
    else if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s) as [string, string | undefined];
      const value = inline ?? (VALUE_FLAGS.has(name) ? args[++i] : undefined);
      if (name === "domain") domain = value;
      if (name === "addon") addon = value;
      if (name === "lab-access-log") accessLog = true;
    }
  }
  return { mode, domain, addon, accessLog };
};

/** Runs pilot-agent; resolves with the exit status. */
export const runPilotAgent = async (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const args = [...argv];
  const at = args.indexOf("--istio-version");
  let version = builtInVersion() ?? env["LAB_ISTIO_VERSION"];
  if (at >= 0) {
    version = args[at + 1];
    args.splice(at, 2);
  }
  if (!version) {
    process.stderr.write("pilot-agent: the Istio release is unknown: pass --istio-version or build the bundle for a release\n");
    return 2;
  }
  const profile = agentProfile(version);
  const [command, ...rest] = args;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (command) {
    case "istio-iptables":
      return runIstioIptables({ istioVersion: version, argv: rest, env, out });
    case "istio-clean-iptables":
      return runCleanIptables({ istioVersion: version, env });
    case "version":
      out(profile.versionLine.replace(/^Version /, ""));
      return 0;
    case "proxy": {
      const parsed = parseProxyArgs(rest);
      const stopSignal = new Promise<void>((resolve) => {
        process.once("SIGTERM", () => resolve());
        process.once("SIGINT", () => resolve());
      });
      const log = new IstioLogger();
      try {
        return await runProxyAgent({ profile, mode: parsed.mode, env, log, domain: parsed.domain, addonPath: parsed.addon, stopSignal, accessLog: parsed.accessLog });
      } catch (error) {
        if (error instanceof AgentConfigError) {
          log.error("", error.message);
          return 1;
        }
        throw error;
      }
    }
    default:
      process.stderr.write(`Error: unknown command "${command ?? ""}" for "pilot-agent"\nRun 'pilot-agent --help' for usage.\n`);
      return 1;
  }
};

const isMain = (() => {
  const entry = process.argv[1];
  if (!entry) return false;
  const here = fileURLToPath(import.meta.url);
  return path.resolve(entry) === here || (typeof __LAB_ISTIO_VERSION__ === "string");
})();

if (isMain) {
  runPilotAgent(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
