// The CoreDNS `kubernetes` plugin's answers, computed from a ClusterIndex: Services, headless endpoints, pods by
// dashed IP, SRV for named ports, reverse lookups, NXDOMAIN/NODATA with the zone's SOA. Anything else is forwarded.
import type { ClusterIndex, DnsEndpoint, DnsService } from "./cluster-index.js";
import { CLASS_IN, Rcode, RecordType, responseTo, type DnsMessage, type ResourceRecord } from "./wire.js";

/** TTL of the cluster zone's records (CoreDNS's default for the kubernetes plugin). */
export const CLUSTER_TTL = 5;

/** Options of answerClusterQuery. */
export interface ClusterZone {
  /** The cluster domain, `cluster.local`. */
  domain: string;
}

const soaRecord = (index: ClusterIndex, zone: string): ResourceRecord => ({
  name: zone,
  type: RecordType.SOA,
  class: CLASS_IN,
  ttl: CLUSTER_TTL,
  data: {
    kind: "SOA",
    mname: `ns.dns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: index.serial >>> 0,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: CLUSTER_TTL,
  },
});

const a = (name: string, address: string): ResourceRecord => ({
  name,
  type: RecordType.A,
  class: CLASS_IN,
  ttl: CLUSTER_TTL,
  data: { kind: "A", address },
});

const dashedToIp = (label: string): string | undefined => {
  const parts = label.split("-");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number).join(".");
};

const endpointLabel = (e: DnsEndpoint): string => e.hostname ?? e.ip.replaceAll(".", "-");

type Outcome = { rcode: number; answers: ResourceRecord[]; additionals?: ResourceRecord[] };

const srvRecords = (svc: DnsService, index: ClusterIndex, qname: string, domain: string, portName?: string, proto?: string): Outcome => {
  const svcName = `${svc.name}.${svc.namespace}.svc.${domain}`;
  const matches = (p: { name: string; protocol: string }) =>
    (portName === undefined || p.name === portName) && (proto === undefined || p.protocol.toLowerCase() === proto);
  const answers: ResourceRecord[] = [];
  const additionals: ResourceRecord[] = [];
  if (svc.headless) {
    for (const e of index.serviceEndpoints(svc.namespace, svc.name)) {
      const target = `${endpointLabel(e)}.${svcName}`;
      for (const p of e.ports.filter(matches)) {
        answers.push({ name: qname, type: RecordType.SRV, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "SRV", priority: 0, weight: 100, port: p.port, target } });
      }
      additionals.push(a(target, e.ip));
    }
  } else {
    for (const p of svc.ports.filter(matches)) {
      answers.push({ name: qname, type: RecordType.SRV, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "SRV", priority: 0, weight: 100, port: p.port, target: svcName } });
    }
    for (const ip of svc.clusterIps) additionals.push(a(svcName, ip));
  }
  return { rcode: answers.length ? Rcode.NOERROR : Rcode.NXDOMAIN, answers, additionals: answers.length ? additionals : [] };
};

const serviceAnswer = (svc: DnsService, index: ClusterIndex, qname: string, qtype: number, domain: string): Outcome => {
  if (svc.externalName) {
    return { rcode: Rcode.NOERROR, answers: [{ name: qname, type: RecordType.CNAME, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "NAME", target: svc.externalName } }] };
  }
  if (qtype === RecordType.SRV) return { ...srvRecords(svc, index, qname, domain), rcode: Rcode.NOERROR };
  if (qtype !== RecordType.A && qtype !== RecordType.ANY) return { rcode: Rcode.NOERROR, answers: [] };
  const ips = svc.headless ? index.serviceEndpoints(svc.namespace, svc.name).map((e) => e.ip) : svc.clusterIps;
  return { rcode: Rcode.NOERROR, answers: ips.map((ip) => a(qname, ip)) };
};

/** Answers a name inside `<domain>` (labels before the domain, most specific first). */
const answerForward = (index: ClusterIndex, qname: string, qtype: number, labels: string[], domain: string): Outcome => {
  const nx: Outcome = { rcode: Rcode.NXDOMAIN, answers: [] };
  const nodata: Outcome = { rcode: Rcode.NOERROR, answers: [] };
  if (labels.length === 0) return nodata;
  const kind = labels[labels.length - 1];
  const rest = labels.slice(0, -1);
  if (kind === "svc") {
    if (rest.length === 0) return nodata;
    const ns = rest[rest.length - 1]!;
    if (rest.length === 1) return index.hasNamespace(ns) ? nodata : nx;
    const svc = index.service(ns, rest[rest.length - 2]!);
    if (!svc) return nx;
    if (rest.length === 2) return serviceAnswer(svc, index, qname, qtype, domain);
    if (rest.length === 3) {
      // <endpoint>.<svc>.<ns>.svc.<domain>: a headless endpoint by hostname or dashed IP.
      const label = rest[0]!;
      const e = index.serviceEndpoints(ns, svc.name).find((x) => endpointLabel(x) === label || x.ip.replaceAll(".", "-") === label);
      if (!e) return nx;
      return qtype === RecordType.A || qtype === RecordType.ANY ? { rcode: Rcode.NOERROR, answers: [a(qname, e.ip)] } : nodata;
    }
    if (rest.length === 4 && rest[0]!.startsWith("_") && rest[1]!.startsWith("_")) {
      if (qtype !== RecordType.SRV) return nodata;
      return srvRecords(svc, index, qname, domain, rest[0]!.slice(1), rest[1]!.slice(1));
    }
    return nx;
  }
  if (kind === "pod") {
    if (rest.length === 1) return index.hasNamespace(rest[0]!) ? nodata : nx;
    if (rest.length !== 2) return nx;
    const ip = dashedToIp(rest[0]!);
    if (!ip) return nx;
    return qtype === RecordType.A || qtype === RecordType.ANY ? { rcode: Rcode.NOERROR, answers: [a(qname, ip)] } : nodata;
  }
  return nx;
};

/** PTR for a ClusterIP or a headless endpoint address; undefined when the address is not the cluster's. */
const answerReverse = (index: ClusterIndex, qname: string, ip: string, domain: string): Outcome | undefined => {
  for (const svc of index.allServices()) {
    const svcName = `${svc.name}.${svc.namespace}.svc.${domain}`;
    if (svc.clusterIps.includes(ip)) {
      return { rcode: Rcode.NOERROR, answers: [{ name: qname, type: RecordType.PTR, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "NAME", target: svcName } }] };
    }
    if (svc.headless) {
      const e = index.serviceEndpoints(svc.namespace, svc.name).find((x) => x.ip === ip);
      if (e) {
        return { rcode: Rcode.NOERROR, answers: [{ name: qname, type: RecordType.PTR, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "NAME", target: `${endpointLabel(e)}.${svcName}` } }] };
      }
    }
  }
  return undefined;
};

/** Answers `query` from the cluster's records, or returns "forward" when the name is not the cluster's (CoreDNS's
 * `forward . /etc/resolv.conf`). */
export const answerClusterQuery = (index: ClusterIndex, query: DnsMessage, { domain }: ClusterZone): DnsMessage | "forward" => {
  const q = query.questions[0];
  if (query.opcode !== 0) return responseTo(query, Rcode.NOTIMP, false);
  if (!q || query.questions.length !== 1) return responseTo(query, Rcode.FORMERR, false);
  if (q.class !== CLASS_IN) return "forward";
  const reverse = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(q.name);
  if (reverse) {
    if (q.type !== RecordType.PTR) return "forward";
    const ip = [reverse[4], reverse[3], reverse[2], reverse[1]].join(".");
    const outcome = answerReverse(index, q.name, ip, domain);
    if (!outcome) return "forward";
    const r = responseTo(query, outcome.rcode, true);
    r.answers = outcome.answers;
    return r;
  }
  if (q.name !== domain && !q.name.endsWith(`.${domain}`)) return "forward";
  const labels = q.name === domain ? [] : q.name.slice(0, -(domain.length + 1)).split(".");
  let outcome: Outcome;
  if (labels.length === 0 && (q.type === RecordType.SOA || q.type === RecordType.NS)) {
    const soa = soaRecord(index, domain);
    outcome =
      q.type === RecordType.SOA
        ? { rcode: Rcode.NOERROR, answers: [soa] }
        : { rcode: Rcode.NOERROR, answers: [{ name: domain, type: RecordType.NS, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: "NAME", target: `ns.dns.${domain}` } }] };
  } else {
    outcome = answerForward(index, q.name, q.type, labels, domain);
  }
  const r = responseTo(query, outcome.rcode, true);
  r.answers = outcome.answers;
  r.additionals = [...(outcome.additionals ?? []), ...r.additionals];
  if (outcome.answers.length === 0) r.authorities = [soaRecord(index, domain)];
  return r;
};
