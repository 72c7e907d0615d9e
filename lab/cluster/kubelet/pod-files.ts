// The files a container runtime puts over /etc in every container: the kubelet-managed hosts file, resolv.conf from
// the pod's dnsPolicy and dnsConfig, and the hostname.
import type { KubeObject } from "../contracts.js";

/** Cluster facts the pod files depend on. */
export interface PodDnsSettings {
  clusterDnsIp: string;
  clusterDomain: string;
  /** Resolver of the "node" (dnsPolicy Default): the lab's cloud DNS. */
  nodeNameserver: string;
}

/** /etc/hosts of a pod (the same text a real kubelet writes). */
export const podHostsFile = (pod: KubeObject, podIp: string, domain: string): string => {
  const lines = [
    "# Kubernetes-managed hosts file.",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "fe00::0\tip6-mcastprefix",
    "fe00::1\tip6-allnodes",
    "fe00::2\tip6-allrouters",
  ];
  const hostname = pod.spec?.hostname ?? pod.metadata.name;
  if (pod.spec?.subdomain) {
    lines.push(`${podIp}\t${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace ?? "default"}.svc.${domain}\t${hostname}`);
  } else lines.push(`${podIp}\t${hostname}`);
  const aliases: any[] = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push("", "# Entries added by HostAliases.");
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join("\t")}`);
  }
  return `${lines.join("\n")}\n`;
};

/** /etc/resolv.conf of a pod from its dnsPolicy (ClusterFirst by default) and dnsConfig. */
export const podResolvConf = (pod: KubeObject, dns: PodDnsSettings): string => {
  const policy: string = pod.spec?.dnsPolicy ?? "ClusterFirst";
  const ns = pod.metadata.namespace ?? "default";
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  if (policy === "ClusterFirst" || policy === "ClusterFirstWithHostNet") {
    nameservers = [dns.clusterDnsIp];
    searches = [`${ns}.svc.${dns.clusterDomain}`, `svc.${dns.clusterDomain}`, dns.clusterDomain];
    options = ["ndots:5"];
  } else if (policy === "Default") nameservers = [dns.nodeNameserver];
  const cfg = pod.spec?.dnsConfig ?? {};
  nameservers = [...new Set([...nameservers, ...(cfg.nameservers ?? [])])];
  searches = [...new Set([...searches, ...(cfg.searches ?? [])])];
  for (const o of cfg.options ?? []) {
    options = options.filter((x) => x.split(":")[0] !== o.name);
    options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  const lines: string[] = [];
  if (searches.length) lines.push(`search ${searches.join(" ")}`);
  for (const n of nameservers) lines.push(`nameserver ${n}`);
  if (options.length) lines.push(`options ${options.join(" ")}`);
  return `${lines.join("\n")}\n`;
};
