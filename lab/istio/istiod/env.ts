// istiod's command line and environment, read like pilot-discovery does: the `discovery` flags of the Deployment's
// args and the features of its env (Go's strconv.ParseBool and time.ParseDuration rules), with per-release defaults.
import type { IstiodProfile } from "./release.js";

/** The parsed `discovery` command line. */
export interface DiscoveryArgs {
  logAsJson: boolean;
  domain: string;
  /** Every flag as given (for the FLAG: lines). */
  flags: Array<[string, string]>;
}

/** Thrown for a bad command line (pilot-discovery exits 255 with cobra's message). */
export class DiscoveryUsageError extends Error {
  override name = "DiscoveryUsageError";
}

const BOOL_FLAGS = new Set(["log_as_json", "keepaliveMaxServerConnectionAge-enabled"]);

/** Parses `discovery [--flag=value | --flag value | --bool]…`. */
export const parseDiscoveryArgs = (argv: readonly string[]): DiscoveryArgs => {
  const [command, ...rest] = argv;
  if (command !== "discovery") throw new DiscoveryUsageError(`Error: unknown command "${command ?? ""}" for "pilot-discovery"`);
  const flags: Array<[string, string]> = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("--")) throw new DiscoveryUsageError(`Error: unknown command "${arg}" for "pilot-discovery discovery"`);
    const eq = arg.indexOf("=");
    if (eq > 0) flags.push([arg.slice(2, eq), arg.slice(eq + 1)]);
    else if (BOOL_FLAGS.has(arg.slice(2)) || rest[i + 1] === undefined || rest[i + 1]!.startsWith("--")) flags.push([arg.slice(2), "true"]);
    else flags.push([arg.slice(2), rest[++i]!]);
  }
  const get = (name: string) => flags.filter(([k]) => k === name).pop()?.[1];
  return { logAsJson: get("log_as_json") === "true", domain: get("domain") ?? "cluster.local", flags };
};

/** Go's strconv.ParseBool; undefined for anything else. */
export const parseGoBool = (value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
};

/** Go's time.ParseDuration (ns, us, µs, ms, s, m, h; sums like 1m30s) in milliseconds; undefined when invalid. */
export const parseGoDuration = (value: string | undefined): number | undefined => {
  if (value === undefined || value === "") return undefined;
  if (value === "0") return 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === value.length ? total : undefined;
};

/** The features istiod runs with. */
export interface IstiodFeatures {
  autoRegistration: boolean;
  healthChecks: boolean;
  gracePeriodMs: number;
  clusterId: string;
  podName: string;
  podNamespace: string;
  jwtPolicy: string;
}

/** Reads the features from the environment with the release's defaults. */
export const istiodFeatures = (profile: IstiodProfile, env: NodeJS.ProcessEnv): IstiodFeatures => ({
  autoRegistration: parseGoBool(env["PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION"]) ?? profile.autoRegistrationDefault,
  healthChecks: profile.healthChecks === "absent" ? false : parseGoBool(env["PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS"]) ?? profile.healthChecks === "on",
  gracePeriodMs: parseGoDuration(env["PILOT_WORKLOAD_ENTRY_GRACE_PERIOD"]) ?? 10_000,
  clusterId: env["CLUSTER_ID"] || "Kubernetes",
  podName: env["POD_NAME"] || "istiod",
  podNamespace: env["POD_NAMESPACE"] || "istio-system",
  jwtPolicy: env["JWT_POLICY"] || "third-party-jwt",
});
