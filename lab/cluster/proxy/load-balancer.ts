// The lab's cloud load balancer data path: a LoadBalancer Service's external IP (status.loadBalancer.ingress, from
// the plan's /24, allocated by the API side's controller) answers on the lab LAN, so the VM and the host reach the
// Service like through a cloud LB. One network namespace `<prefix>-lb` on the bridge holds every such IP; nat
// PREROUTING DNATs IP:port to a ready endpoint (random, like kube-proxy) and masquerades (externalTrafficPolicy
// Cluster: the pod sees the LB namespace's address as the source).
import { inNetns } from "../../net/ip.js";
import { attachNetns, listNetns, removeNetns } from "../../net/netns.js";
import type { LabNetPlan } from "../../net/plan.js";
import type { KubeObject } from "../contracts.js";
import { chainHash, type ServicePortRule } from "./rules.js";

/** One external address and port of a LoadBalancer Service with its endpoints. */
export interface LoadBalancerRule extends ServicePortRule {
  externalIp: string;
}

/** The LoadBalancer Services' external IPs (inside the plan's LB range) with their ports' endpoints. */
export const loadBalancerRules = (plan: LabNetPlan, services: KubeObject[], portRules: ServicePortRule[]): LoadBalancerRule[] => {
  const prefix = plan.loadBalancerCidr.slice(0, plan.loadBalancerCidr.lastIndexOf(".") + 1);
  const out: LoadBalancerRule[] = [];
  for (const svc of services) {
    if (svc.spec?.type !== "LoadBalancer") continue;
    const ips = ((svc.status?.loadBalancer?.ingress ?? []) as Array<{ ip?: string }>).map((i) => i.ip).filter((ip): ip is string => Boolean(ip?.startsWith(prefix)));
    const id = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const rule of portRules.filter((r) => r.id === id || r.id.startsWith(`${id}:`))) {
      for (const externalIp of ips) out.push({ ...rule, externalIp });
    }
  }
  return out;
};

/** iptables-restore input for the LB namespace (whole nat table: it holds nothing else). */
export const loadBalancerRestoreInput = (rules: LoadBalancerRule[]): string => {
  const lines = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":KUBE-LB - [0:0]"];
  const body: string[] = [];
  for (const r of rules) {
    if (!r.endpoints.length) continue;
    const chain = `KUBE-EXT-${chainHash(`${r.id}${r.protocol}${r.externalIp}`)}`;
    lines.push(`:${chain} - [0:0]`);
    body.push(`-A KUBE-LB -d ${r.externalIp}/32 -p ${r.protocol} -m comment --comment "${r.id} loadbalancer IP" -m ${r.protocol} --dport ${r.port} -j ${chain}`);
    r.endpoints.forEach((e, i) => {
      const remaining = r.endpoints.length - i;
      const statistic = remaining > 1 ? ` -m statistic --mode random --probability ${(1 / remaining).toFixed(10)}` : "";
      body.push(`-A ${chain} -p ${r.protocol} -m comment --comment "${r.id} -> ${e.ip}:${e.port}"${statistic} -j DNAT --to-destination ${e.ip}:${e.port}`);
    });
  }
  return [...lines, "-A PREROUTING -j KUBE-LB", ...body, "-A POSTROUTING -m conntrack --ctstate DNAT -j MASQUERADE", "COMMIT", ""].join("\n");
};

/** Keeps the LB namespace's addresses and rules equal to `rules`; removes the namespace when there are none. */
export const programLoadBalancers = async (plan: LabNetPlan, rules: LoadBalancerRule[]): Promise<void> => {
  const netns = `${plan.prefix}-lb`;
  const ips = [...new Set(rules.map((r) => r.externalIp))].sort();
  if (!ips.length) {
    if ((await listNetns()).includes(netns)) await removeNetns(netns);
    return;
  }
  await attachNetns({ plan, netns, hostIf: `${plan.prefix}lb`, addresses: ips });
  const current = (await inNetns(netns, ["ip", "-o", "-4", "addr", "show", "dev", "eth0"])).stdout;
  for (const m of current.matchAll(/inet (\S+)\/(\d+)/g)) {
    if (!ips.includes(m[1]!)) await inNetns(netns, ["ip", "addr", "del", `${m[1]}/${m[2]}`, "dev", "eth0"]);
  }
  // forward back out of the same interface without ICMP redirects (they would send clients to the pod directly)
  await inNetns(netns, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.eth0.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"]);
  await inNetns(netns, ["iptables-restore", "-w", "5"], { input: loadBalancerRestoreInput(rules) });
};

/** Removes the LB namespace. */
export const removeLoadBalancers = async (plan: LabNetPlan): Promise<void> => {
  await removeNetns(`${plan.prefix}-lb`);
};
