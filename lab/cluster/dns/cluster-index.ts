// What the cluster DNS knows about the cluster: namespaces, Services and Endpoints, kept current from watch events.
import type { KubeObject, WatchEvent } from "../contracts.js";

/** One port of a Service, as DNS SRV records need it. */
export interface DnsServicePort {
  name: string;
  port: number;
  protocol: string;
}

/** A Service as the cluster DNS sees it. */
export interface DnsService {
  name: string;
  namespace: string;
  /** ClusterIPs; empty for headless and ExternalName services. */
  clusterIps: string[];
  headless: boolean;
  externalName?: string;
  ports: DnsServicePort[];
}

/** One ready endpoint address of a Service. */
export interface DnsEndpoint {
  ip: string;
  hostname?: string;
  ports: DnsServicePort[];
}

/** The cluster as DNS sees it; the resolver reads it, the feeders write it. */
export class ClusterIndex {
  private readonly namespaces = new Set<string>();
  private readonly services = new Map<string, DnsService>();
  private readonly endpoints = new Map<string, DnsEndpoint[]>();
  /** Unix seconds of the last change (the SOA serial). */
  serial = Math.floor(Date.now() / 1000);

  /** Applies one watch event of a Namespace, Service or Endpoints object. */
  apply(event: WatchEvent): void {
    const o = event.object;
    const key = `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const deleted = event.type === "DELETED";
    if (o.kind === "Namespace") {
      if (deleted) this.namespaces.delete(o.metadata.name);
      else this.namespaces.add(o.metadata.name);
    } else if (o.kind === "Service") {
      if (deleted) this.services.delete(key);
      else this.services.set(key, toDnsService(o));
    } else if (o.kind === "Endpoints") {
      if (deleted) this.endpoints.delete(key);
      else this.endpoints.set(key, toDnsEndpoints(o));
    } else return;
    this.serial = Math.max(this.serial + 1, Math.floor(Date.now() / 1000));
  }

  /** Forgets everything of one kind (before a re-list). */
  resetKind(kind: "Namespace" | "Service" | "Endpoints"): void {
    if (kind === "Namespace") this.namespaces.clear();
    else if (kind === "Service") this.services.clear();
    else this.endpoints.clear();
  }

  /** True when the namespace exists. */
  hasNamespace(name: string): boolean {
    return this.namespaces.has(name);
  }

  /** The Service `namespace/name`, if any. */
  service(namespace: string, name: string): DnsService | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** Ready endpoint addresses of the Service `namespace/name`. */
  serviceEndpoints(namespace: string, name: string): DnsEndpoint[] {
    return this.endpoints.get(`${namespace}/${name}`) ?? [];
  }

  /** Every Service (for reverse lookups). */
  allServices(): Iterable<DnsService> {
    return this.services.values();
  }
}

const toPorts = (ports: unknown): DnsServicePort[] =>
  (Array.isArray(ports) ? ports : []).map((p: any) => ({
    name: String(p?.name ?? ""),
    port: Number(p?.port),
    protocol: String(p?.protocol ?? "TCP"),
  }));

const toDnsService = (o: KubeObject): DnsService => {
  const spec = o.spec ?? {};
  const ips: string[] = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const headless = ips.includes("None");
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? "default",
    clusterIps: spec.type === "ExternalName" || headless ? [] : ips.filter((ip) => ip && ip !== "None"),
    headless: headless && spec.type !== "ExternalName",
    externalName: spec.type === "ExternalName" && spec.externalName ? String(spec.externalName).toLowerCase().replace(/\.$/, "") : undefined,
    ports: toPorts(spec.ports),
  };
};

const toDnsEndpoints = (o: KubeObject): DnsEndpoint[] => {
  const subsets: any[] = Array.isArray((o as any).subsets) ? (o as any).subsets : [];
  return subsets.flatMap((s) =>
    (Array.isArray(s?.addresses) ? s.addresses : []).map((a: any) => ({
      ip: String(a.ip),
      hostname: a.hostname ? String(a.hostname) : undefined,
      ports: toPorts(s.ports),
    })),
  );
};
