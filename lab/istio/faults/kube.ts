// kubectl for the Istio faults: the lab's real kubectl with the instance's kubeconfig, as an operator would use it.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { host, type HostCommandResult } from "../../net/ip.js";
import type { LabContext } from "../../cli/context.js";

/** Runs `kubectl --kubeconfig <instance kubeconfig> <args>`; throws on failure unless allowFailure. */
export const kubectl = (ctx: Pick<LabContext, "paths">, args: readonly string[], options: { allowFailure?: boolean; input?: string } = {}): Promise<HostCommandResult> =>
  host([path.join(ctx.paths.toolsBin, "kubectl"), "--kubeconfig", ctx.paths.kubeconfig, ...args], options);

/** kubectl `-o json` parsed; undefined when the object does not exist. Any other failure (the cluster not answering,
 * a type it does not serve) is retried twice, then thrown with kubectl's message: a fault must never report that it
 * applied or cleared something it could not even read. */
export const kubectlJson = async <T = Record<string, unknown>>(ctx: Pick<LabContext, "paths">, args: readonly string[]): Promise<T | undefined> => {
  let last: HostCommandResult | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt) await sleep(1000);
    last = await kubectl(ctx, [...args, "-o", "json"], { allowFailure: true });
    if (last.exitCode === 0) return JSON.parse(last.stdout) as T;
    if (/\(NotFound\)/.test(last.stderr)) return undefined;
  }
  throw new Error(`kubectl ${args.join(" ")} falhou (código ${last!.exitCode}): ${last!.stderr.trim()}`);
};
