// kube-proxy's iptables rules computed from Services and Endpoints: nat KUBE-SERVICES → KUBE-SVC-* (one per
// service port, endpoints chosen at random with `-m statistic`) → KUBE-SEP-* (DNAT), and filter KUBE-SERVICES
// rejecting service ports that have no ready endpoint (connection refused at once, like kube-proxy).
import { createHash } from "node:crypto";
import type { KubeObject } from "../contracts.js";

/** One Service port with the endpoints it balances to. */
export interface ServicePortRule {
  /** `ns/name:port-name` (kube-proxy's service port name). */
  id: string;
  clusterIps: string[];
  port: number;
  protocol: "tcp" | "udp" | "sctp";
  endpoints: Array<{ ip: string; port: number }>;
}

/** Names of the lab's chains in every pod namespace. */
export const CHAIN = { services: "KUBE-SERVICES" } as const;

const portName = (svc: KubeObject, p: any) => `${svc.metadata.namespace}/${svc.metadata.name}${p.name ? `:${p.name}` : ""}`;

/** kube-proxy's chain-name hash (base32 of a SHA-256, 16 characters). */
export const chainHash = (text: string): string => {
  const digest = createHash("sha256").update(text).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0, out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
};

/** The service ports of the cluster with their ready endpoints (headless and ExternalName services skipped;
 * targetPort by name resolves per endpoint subset, like the Endpoints controller wrote it). */
export const servicePortRules = (services: KubeObject[], endpoints: KubeObject[]): ServicePortRule[] => {
  const byKey = new Map(endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  const rules: ServicePortRule[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const ips: string[] = (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs : [spec.clusterIP]).filter((ip: unknown) => typeof ip === "string" && ip && ip !== "None" && !String(ip).includes(":"));
    if (!ips.length || spec.type === "ExternalName") continue;
    const ep = byKey.get(`${svc.metadata.namespace}/${svc.metadata.name}`);
    for (const p of spec.ports ?? []) {
      const protocol = String(p.protocol ?? "TCP").toLowerCase() as ServicePortRule["protocol"];
      const eps: Array<{ ip: string; port: number }> = [];
      for (const subset of (ep as any)?.subsets ?? []) {
        const sp = (subset.ports ?? []).find((x: any) => (x.name ?? "") === (p.name ?? "") && String(x.protocol ?? "TCP").toLowerCase() === protocol)
          ?? ((subset.ports ?? []).length === 1 && !p.name ? subset.ports[0] : undefined);
        if (!sp) continue;
        for (const a of subset.addresses ?? []) eps.push({ ip: a.ip, port: Number(sp.port) });
      }
      rules.push({ id: portName(svc, p), clusterIps: ips, port: Number(p.port), protocol, endpoints: eps });
    }
  }
  return rules.sort((a, b) => a.id.localeCompare(b.id));
};

/** The iptables-restore input (used with --noflush) that makes a namespace's KUBE-* chains exactly `rules`;
 * `existingChains` are the KUBE-SVC-/KUBE-SEP- chains there now (stale ones are deleted). */
export const restoreInput = (rules: ServicePortRule[], existingChains: string[]): string => {
  const nat: string[] = [];
  const chains = new Set<string>();
  for (const r of rules) {
    if (!r.endpoints.length) continue;
    const svcChain = `KUBE-SVC-${chainHash(`${r.id}${r.protocol}`)}`;
    chains.add(svcChain);
    for (const ip of r.clusterIps) {
      nat.push(`-A KUBE-SERVICES -d ${ip}/32 -p ${r.protocol} -m comment --comment "${r.id} cluster IP" -m ${r.protocol} --dport ${r.port} -j ${svcChain}`);
    }
    r.endpoints.forEach((e, i) => {
      const sepChain = `KUBE-SEP-${chainHash(`${r.id}${r.protocol}${e.ip}:${e.port}`)}`;
      chains.add(sepChain);
      const remaining = r.endpoints.length - i;
      const statistic = remaining > 1 ? ` -m statistic --mode random --probability ${(1 / remaining).toFixed(10)}` : "";
      nat.push(`-A ${svcChain} -m comment --comment "${r.id} -> ${e.ip}:${e.port}"${statistic} -j ${sepChain}`);
      nat.push(`-A ${sepChain} -m comment --comment "${r.id}" -p ${r.protocol} -m ${r.protocol} -j DNAT --to-destination ${e.ip}:${e.port}`);
    });
  }
  const stale = existingChains.filter((c) => !chains.has(c));
  const filter = rules
    .filter((r) => !r.endpoints.length)
    .flatMap((r) => r.clusterIps.map((ip) => `-A KUBE-SERVICES -d ${ip}/32 -p ${r.protocol} -m comment --comment "${r.id} has no endpoints" -m ${r.protocol} --dport ${r.port} -j REJECT --reject-with icmp-port-unreachable`));
  return [
    "*filter",
    ":KUBE-SERVICES - [0:0]",
    ...filter,
    "COMMIT",
    "*nat",
    ":KUBE-SERVICES - [0:0]",
    ...[...chains, ...stale].sort().map((c) => `:${c} - [0:0]`),
    ...nat,
    ...stale.map((c) => `-X ${c}`),
    "COMMIT",
    "",
  ].join("\n");
};
