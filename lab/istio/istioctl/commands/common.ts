// What every command shares: the root's persistent flags (--kubeconfig/-c, --context, -i/--istioNamespace,
// -n/--namespace and istioctl's logging flags), the connection to the cluster from them, and the release's facts.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type RunContext } from "../cli/command.js";
import type { FlagDef } from "../cli/flags.js";
import { KubeApiError, KubeClient } from "../kube/client.js";

/** The root command's persistent flags. */
export const rootFlags = (facts: ReleaseFacts, env: NodeJS.ProcessEnv): FlagDef[] => [
  { name: "kubeconfig", shorthand: "c", type: "string", usage: "Kubernetes configuration file" },
  { name: "context", type: "string", usage: "The name of the kubeconfig context to use" },
  { name: "istioNamespace", shorthand: "i", type: "string", default: env["ISTIOCTL_ISTIONAMESPACE"] || "istio-system", usage: "Istio system namespace" },
  { name: "namespace", shorthand: "n", type: "string", usage: "Config namespace" },
  ...(facts.version.minor >= 21 ? [{ name: "vklog", type: "int" as const, usage: "number for the log level verbosity. Like -v flag. ex: --vklog=9" }] : []),
  { name: "log_as_json", type: "bool", usage: "Whether to format output as JSON or in plain console-friendly format", hidden: true },
  { name: "log_caller", type: "string", usage: "Comma-separated list of scopes for which to include caller information", hidden: true },
  { name: "log_output_level", type: "string", default: "default:info", usage: "Comma-separated minimum per-scope logging level of messages to output", hidden: true },
  { name: "log_rotate", type: "string", usage: "The path for the optional rotating log file", hidden: true },
  { name: "log_rotate_max_age", type: "int", default: 30, usage: "The maximum age in days of a log file beyond which the file is rotated (0 indicates no limit)", hidden: true },
  { name: "log_rotate_max_backups", type: "int", default: 1000, usage: "The maximum number of log file backups to keep before older files are deleted (0 indicates no limit)", hidden: true },
  { name: "log_rotate_max_size", type: "int", default: 104857600, usage: "The maximum size in megabytes of a log file beyond which the file is rotated", hidden: true },
  { name: "log_stacktrace_level", type: "string", default: "default:none", usage: "Comma-separated minimum per-scope logging level at which stack traces are captured", hidden: true },
  { name: "log_target", type: "stringSlice", default: ["stdout"], usage: "The set of paths where to output the log", hidden: true },
];

/** A connection to the cluster from --kubeconfig/--context (and KUBECONFIG); CommandError with client-go's text. */
export const connect = async (ctx: RunContext): Promise<KubeClient> => {
  try {
    return await KubeClient.connect({ kubeconfig: ctx.flags.string("kubeconfig") || undefined, context: ctx.flags.string("context") || undefined });
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(error.message);
    throw error;
  }
};

/** The --revision flag of control-plane commands (`-r` on current releases). */
export const revisionFlag = (facts: ReleaseFacts): FlagDef => ({ name: "revision", ...(facts.revisionShorthand ? { shorthand: "r" } : {}), type: "string", usage: "Control plane revision" });
