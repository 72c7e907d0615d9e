// The agent DNS proxy's lookup table (pkg/dns LookupTable): every name a mesh host answers to (FQDN, and for
// Kubernetes services name.namespace, name (same namespace only) and name.namespace.svc), plus one CNAME per name for
// the first search domain (what a resolver tries first), pointing back to the name.
import type { MeshService, NameTable } from "./config.js";

/** The answers the table holds for one name. */
export interface TableEntry {
  /** Set for CNAME entries (search-domain expansions): the name they point to. */
  cnameTarget?: string;
  ipv4: string[];
  ipv6: string[];
}

/** Lowercase, no trailing dot. */
const norm = (name: string): string => name.toLowerCase().replace(/\.$/, "");

/** Alternate names of a Kubernetes host as generateAltHosts computes them, from a proxy in `proxyNamespace` whose
 * domain is `proxyDomain` (e.g. "svc.cluster.local"). */
export const alternateHosts = (
  hostname: string,
  info: { shortname?: string; namespace?: string },
  proxyNamespace: string,
  proxyDomain: string,
): string[] => {
  const out = [hostname];
  if (!proxyDomain || !hostname.endsWith(proxyDomain) || !info.shortname || !info.namespace) return out;
  out.push(`${info.shortname}.${info.namespace}`);
  if (proxyNamespace === info.namespace) out.push(info.shortname);
  out.push(`${info.shortname}.${info.namespace}.${proxyDomain.split(".")[0]}`);
  return out;
};

/** Builds the lookup table from a name table, for a proxy in `proxyNamespace` with resolv.conf `searchDomains`. */
export const buildLookupTable = ({
  nameTable,
  proxyNamespace,
  proxyDomain = "svc.cluster.local",
  searchDomains,
}: {
  nameTable: NameTable;
  proxyNamespace: string;
  proxyDomain?: string;
  searchDomains: readonly string[];
}): Map<string, TableEntry> => {
  const table = new Map<string, TableEntry>();
  for (const [host, info] of Object.entries(nameTable)) {
    const ipv4 = info.ips.filter((ip) => !ip.includes(":"));
    const ipv6 = info.ips.filter((ip) => ip.includes(":"));
    if (ipv4.length + ipv6.length === 0) continue;
    const names = info.registry === "Kubernetes" ? alternateHosts(norm(host), info, proxyNamespace, proxyDomain) : [norm(host)];
    for (const name of names) {
      table.set(name, { ipv4, ipv6 });
      const first = searchDomains[0];
      if (first) {
        const expanded = `${name}.${norm(first)}`;
        if (!names.includes(expanded) && !table.has(expanded)) table.set(expanded, { cnameTarget: name, ipv4: [], ipv6: [] });
      }
    }
  }
  return table;
};

/** The NameTable istiod would send for these services (Kubernetes services with ClusterIPs, ServiceEntry hosts with
 * addresses), for adapters that do not build one themselves. */
export const nameTableFromServices = (services: readonly MeshService[]): NameTable => {
  const table: NameTable = {};
  for (const s of services) {
    if (s.addresses.length === 0) continue;
    const kube = (s.registry ?? "Kubernetes") === "Kubernetes";
    table[s.hostname] = kube ? { ips: [...s.addresses], registry: "Kubernetes", shortname: s.name, namespace: s.namespace } : { ips: [...s.addresses], registry: "External" };
  }
  return table;
};
