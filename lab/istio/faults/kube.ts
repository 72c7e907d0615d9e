// kubectl for the Istio faults: the lab's real kubectl with the instance's kubeconfig, as an operator would use it.
import path from "node:path";
import { host, type HostCommandResult } from "../../net/ip.js";
import type { LabContext } from "../../cli/context.js";

/** Runs `kubectl --kubeconfig <instance kubeconfig> <args>`; throws on failure unless allowFailure. */
export const kubectl = (ctx: Pick<LabContext, "paths">, args: readonly string[], options: { allowFailure?: boolean; input?: string } = {}): Promise<HostCommandResult> =>
  host([path.join(ctx.paths.toolsBin, "kubectl"), "--kubeconfig", ctx.paths.kubeconfig, ...args], options);

/** kubectl `-o json` parsed; undefined when the object does not exist (or the cluster does not answer). */
export const kubectlJson = async <T = Record<string, unknown>>(ctx: Pick<LabContext, "paths">, args: readonly string[]): Promise<T | undefined> => {
  const r = await kubectl(ctx, [...args, "-o", "json"], { allowFailure: true });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as T) : undefined;
};
