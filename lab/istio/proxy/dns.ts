// The agent's DNS proxy (ISTIO_META_DNS_CAPTURE): answers mesh hostnames from the name table istiod pushes and forwards
// every other query, unchanged, to the nameservers of resolv.conf — as the proxy's uid, so the capture rules let it
// out. Before the first name table it answers NXDOMAIN (1.8) or SERVFAIL (1.9+), which breaks all DNS on a VM whose
// istiod is unreachable.
import { readFile } from "node:fs/promises";
import { decodeMessage, encodeMessage, Rcode, RecordType, responseTo, CLASS_IN, type ResourceRecord } from "../../cluster/dns/wire.js";
import { forwardQuery, type Upstream } from "../../cluster/dns/forward.js";
import { startDnsServer, type DnsServer, type DnsTransport } from "../../cluster/dns/server.js";
import type { NameTable } from "./config.js";
import { buildLookupTable, type TableEntry } from "./dns-table.js";
import type { IstioLogger } from "./log.js";
import type { DataPlaneProfile } from "./release.js";

/** Port of the agent's DNS proxy. */
export const DNS_PROXY_PORT = 15053;

/** TTL of answers from the table (defaultTTLInSeconds). */
export const DNS_TTL_SECONDS = 30;

/** Nameservers and search domains of a resolv.conf. */
export interface ResolvConf {
  servers: Upstream[];
  search: string[];
}

/** Parses resolv.conf text (nameserver and search/domain lines). */
export const parseResolvConf = (text: string): ResolvConf => {
  const servers: Upstream[] = [];
  let search: string[] = [];
  for (const line of text.split("\n")) {
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === "nameserver" && rest[0]) servers.push({ host: rest[0], port: 53 });
    else if (key === "search") search = rest;
    else if (key === "domain" && rest[0] && search.length === 0) search = [rest[0]];
  }
  return { servers, search };
};

/** A running DNS proxy. */
export interface DnsProxy {
  /** Installs a new name table (the first one makes the proxy "synced"). */
  updateNameTable(table: NameTable): void;
  /** True once a name table arrived. */
  readonly synced: boolean;
  close(): Promise<void>;
}

const rcodeOf = (name: "NXDOMAIN" | "SERVFAIL" | "NOERROR"): number => Rcode[name];

/** Starts the DNS proxy on UDP and TCP port 15053 at the release's address. */
export const startDnsProxy = async ({
  profile,
  log,
  proxyNamespace,
  proxyDomain = "svc.cluster.local",
  resolvConfPath = "/etc/resolv.conf",
  port = DNS_PROXY_PORT,
  listenHost = profile.dnsListen.host,
}: {
  profile: DataPlaneProfile;
  log: IstioLogger;
  proxyNamespace: string;
  proxyDomain?: string;
  resolvConfPath?: string;
  port?: number;
  listenHost?: string;
}): Promise<DnsProxy> => {
  const resolv = parseResolvConf(await readFile(resolvConfPath, "utf8"));
  let table: Map<string, TableEntry> | undefined;

  const fail = (query: ReturnType<typeof decodeMessage>, rcode: number): Buffer => encodeMessage(responseTo(query, rcode, false));

  const upstream = async (raw: Buffer, transport: DnsTransport): Promise<Buffer | undefined> => {
    for (const server of resolv.servers) {
      try {
        const answer = await forwardQuery(raw, { upstreams: [server], tcp: transport === "tcp", timeoutMs: profile.dnsUpstreamTimeoutMs });
        if (!profile.dnsRequireAnswerRecords || decodeMessage(answer).answers.length > 0) return answer;
      } catch (error) {
        if (profile.dnsLogScope) log.info(profile.dnsLogScope, `upstream failure: ${(error as Error).message}`);
      }
    }
    return undefined;
  };

  const handler = async (raw: Buffer, transport: DnsTransport): Promise<Buffer | undefined> => {
    const query = decodeMessage(raw);
    const question = query.questions[0];
    if (!question) return fail(query, profile.minor === 8 ? Rcode.NXDOMAIN : Rcode.SERVFAIL);
    if (!table) return fail(query, rcodeOf(profile.dnsRcodeBeforeSync));
    const name = question.name;
    const entry = table.get(name);
    const known = entry !== undefined && (question.type === RecordType.A || question.type === RecordType.AAAA);
    if (known) {
      const target = entry.cnameTarget ?? name;
      const resolved = entry.cnameTarget ? table.get(entry.cnameTarget) : entry;
      const ips = question.type === RecordType.A ? (resolved?.ipv4 ?? []) : (resolved?.ipv6 ?? []);
      const answers: ResourceRecord[] = [];
      if (ips.length > 0 && entry.cnameTarget) {
        answers.push({ name, type: RecordType.CNAME, class: CLASS_IN, ttl: 0, data: { kind: "NAME", target } });
      }
      for (const address of ips) {
        answers.push({
          name: target,
          type: question.type,
          class: CLASS_IN,
          ttl: DNS_TTL_SECONDS,
          data: question.type === RecordType.A ? { kind: "A", address } : { kind: "AAAA", address },
        });
      }
      const nodata = answers.length === 0;
      const rcode = nodata ? rcodeOf(profile.dnsKnownHostNoDataRcode) : Rcode.NOERROR;
      const response = { ...responseTo(query, rcode, profile.dnsKnownHostNoDataRcode === "NOERROR"), answers };
      return encodeMessage(response);
    }
    const answer = await upstream(raw, transport);
    return answer ?? fail(query, rcodeOf(profile.dnsRcodeUpstreamFailure));
  };

  const server: DnsServer = await startDnsServer({ address: listenHost, port, handler });
  for (const proto of ["udp", "tcp"]) {
    log.info(profile.dnsLogScope, `Starting local ${proto} DNS server ${profile.dnsLogPreposition} ${profile.dnsListen.logAddress}`);
  }
  return {
    updateNameTable: (nt) => {
      table = buildLookupTable({ nameTable: nt, proxyNamespace, proxyDomain, searchDomains: resolv.search });
    },
    get synced() {
      return table !== undefined;
    },
    close: () => server.close(),
  };
};
