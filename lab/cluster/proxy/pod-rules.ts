// Programs kube-proxy's rules into one pod's network namespace. Deviation from a real cluster (where kube-proxy
// programs the node): the lab has no node network between pods, so each pod namespace gets the rules, jumped to from
// OUTPUT. The jump is kept LAST in nat OUTPUT, so in-pod capture (Istio's ISTIO_OUTPUT) still sees the ClusterIP,
// as it does on a real node where the node's rules apply after the pod's.
import { inNetns } from "../../net/ip.js";
import { restoreInput, type ServicePortRule } from "./rules.js";

const JUMP = ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"];

const listRules = async (netns: string, table: string, chain: string): Promise<string[]> =>
  (await inNetns(netns, ["iptables", "-w", "5", "-t", table, "-S", chain])).stdout.split("\n").filter((l) => l.startsWith("-A "));

const isJump = (rule: string) => /-j KUBE-SERVICES$/.test(rule);

/** Keeps exactly one jump to KUBE-SERVICES, as the last rule of `chain`. */
const ensureJumpLast = async (netns: string, table: string, chain: string): Promise<void> => {
  const rules = await listRules(netns, table, chain);
  const jumps = rules.filter(isJump);
  if (jumps.length === 1 && isJump(rules[rules.length - 1] ?? "")) return;
  for (let i = 0; i < jumps.length; i++) await inNetns(netns, ["iptables", "-w", "5", "-t", table, "-D", chain, ...JUMP], { allowFailure: true });
  await inNetns(netns, ["iptables", "-w", "5", "-t", table, "-A", chain, ...JUMP]);
};

/** Makes the KUBE-* chains of `netns` match `rules` and hooks them into OUTPUT. */
export const programPodNetns = async (netns: string, rules: ServicePortRule[]): Promise<void> => {
  const saved = (await inNetns(netns, ["iptables-save", "-t", "nat"])).stdout;
  const existing = [...saved.matchAll(/^:(KUBE-(?:SVC|SEP)-[A-Z0-9]+) /gm)].map((m) => m[1]!);
  await inNetns(netns, ["iptables-restore", "-w", "5", "--noflush"], { input: restoreInput(rules, existing) });
  await ensureJumpLast(netns, "nat", "OUTPUT");
  await ensureJumpLast(netns, "filter", "OUTPUT");
};
