// The lab's "cloud DNS": the resolver a cloud gives its VMs, on the gateway's port 53. It answers a fixed table
// (cloud-names.ts, plus names other lab parts add) and NXDOMAIN for everything else; it never asks the internet.
import type { LabNetPlan } from "../../net/plan.js";
import { cloudNames } from "./cloud-names.js";
import { startDnsServer, type DnsServer } from "./server.js";
import { CLASS_IN, decodeMessage, encodeMessage, Rcode, RecordType, responseTo, type DnsMessage, type ResourceRecord } from "./wire.js";

/** TTL of the cloud DNS's answers. */
export const CLOUD_TTL = 60;

const rootSoa = (): ResourceRecord => ({
  name: "",
  type: RecordType.SOA,
  class: CLASS_IN,
  ttl: 86400,
  data: {
    kind: "SOA",
    mname: "a.root-servers.net",
    rname: "nstld.verisign-grs.com",
    serial: 2024010100,
    refresh: 1800,
    retry: 900,
    expire: 604800,
    minimum: 86400,
  },
});

/** Answers one query from `table` (name → IPv4 addresses): A records, NODATA for other types of a known name,
 * NXDOMAIN with the root's SOA otherwise. */
export const answerCloudQuery = (table: ReadonlyMap<string, readonly string[]>, query: DnsMessage): DnsMessage => {
  const q = query.questions[0];
  if (query.opcode !== 0) return responseTo(query, Rcode.NOTIMP, false);
  if (!q || query.questions.length !== 1) return responseTo(query, Rcode.FORMERR, false);
  const addresses = table.get(q.name);
  if (!addresses) {
    const r = responseTo(query, Rcode.NXDOMAIN, false);
    r.authorities = [rootSoa()];
    return r;
  }
  const r = responseTo(query, Rcode.NOERROR, false);
  if (q.type === RecordType.A || q.type === RecordType.ANY) {
    r.answers = addresses.map((address) => ({ name: q.name, type: RecordType.A, class: CLASS_IN, ttl: CLOUD_TTL, data: { kind: "A", address } }));
  } else r.authorities = [rootSoa()];
  return r;
};

/** The running cloud DNS; `setName` lets other lab parts publish names (e.g. a load balancer's). */
export interface CloudDns {
  readonly server: DnsServer;
  setName(name: string, addresses: string[]): void;
  deleteName(name: string): void;
  close(): Promise<void>;
}

/** Starts the cloud DNS on `plan.cloudDns`:53 (the bridge must exist); `address`/`port` override where it listens. */
export const startCloudDns = async ({ plan, address = plan.cloudDns, port = 53 }: { plan: LabNetPlan; address?: string; port?: number }): Promise<CloudDns> => {
  const table = cloudNames(plan);
  const server = await startDnsServer({
    address,
    port,
    handler: async (raw) => encodeMessage(answerCloudQuery(table, decodeMessage(raw))),
  });
  return {
    server,
    setName: (name, addresses) => void table.set(name.toLowerCase().replace(/\.$/, ""), [...addresses]),
    deleteName: (name) => void table.delete(name.toLowerCase().replace(/\.$/, "")),
    close: () => server.close(),
  };
};
