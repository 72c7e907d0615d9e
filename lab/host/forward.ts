// When the host's br_netfilter sends bridged frames through the root namespace's iptables FORWARD chain and that
// chain's policy is not ACCEPT (Docker on the host sets DROP), traffic between the lab's namespaces on the lab bridge
// would be dropped: the lab then adds one narrow ACCEPT for its own bridge, and removes it on `down`.
import { readFile } from "node:fs/promises";
import { host } from "../net/ip.js";
import type { LabNetPlan } from "../net/plan.js";

/** The rule's spec (after the chain name). */
export const forwardRuleSpec = (plan: LabNetPlan): string[] => [
  "-i", plan.bridge, "-o", plan.bridge, "-m", "comment", "--comment", `${plan.prefix} lab bridge`, "-j", "ACCEPT",
];

/** True when bridged IPv4 frames traverse iptables (br_netfilter loaded with bridge-nf-call-iptables=1). */
export const bridgedTrafficHitsIptables = async (): Promise<boolean> => {
  try {
    return (await readFile("/proc/sys/net/bridge/bridge-nf-call-iptables", "utf8")).trim() === "1";
  } catch {
    return false;
  }
};

/** The root namespace's FORWARD policy (`ACCEPT`, `DROP`…). */
export const forwardPolicy = async (): Promise<string> => {
  const rules = (await host(["iptables", "-S", "FORWARD"])).stdout;
  return /^-P FORWARD (\S+)/m.exec(rules)?.[1] ?? "ACCEPT";
};

/** True when the lab's ACCEPT rule is present. */
export const hasForwardRule = async (plan: LabNetPlan): Promise<boolean> =>
  (await host(["iptables", "-C", "FORWARD", ...forwardRuleSpec(plan)], { allowFailure: true })).exitCode === 0;

/** Adds the ACCEPT rule when it is needed (and absent); returns true when the rule is in place afterwards. */
export const ensureForwardAccept = async (plan: LabNetPlan): Promise<boolean> => {
  if (await hasForwardRule(plan)) return true;
  if (!(await bridgedTrafficHitsIptables()) || (await forwardPolicy()) === "ACCEPT") return false;
  await host(["iptables", "-I", "FORWARD", "1", ...forwardRuleSpec(plan)]);
  return true;
};

/** Removes the rule (every copy); returns true when one was removed. */
export const removeForwardAccept = async (plan: LabNetPlan): Promise<boolean> => {
  let removed = false;
  while ((await host(["iptables", "-D", "FORWARD", ...forwardRuleSpec(plan)], { allowFailure: true })).exitCode === 0) removed = true;
  return removed;
};
