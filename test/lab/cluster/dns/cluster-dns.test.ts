import test from "ava";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { labNetPlan } from "../../../../lab/net/plan.js";
import { ClusterIndex } from "../../../../lab/cluster/dns/cluster-index.js";
import { startClusterDns } from "../../../../lab/cluster/dns/cluster-dns.js";
import { startCloudDns } from "../../../../lab/cluster/dns/cloud-dns.js";
import { feedIndexFromClusterApi } from "../../../../lab/cluster/dns/feed-cluster-api.js";
import { FakeClusterApi, T } from "../helpers/fake-api.js";

const run = promisify(execFile);
const plan = labNetPlan(5);

/** Runs the real `dig` against a server on 127.0.0.1. */
const dig = async (port: number, ...args: string[]): Promise<string> =>
  (await run("dig", ["@127.0.0.1", "-p", String(port), "+time=2", "+tries=1", ...args])).stdout;

const setup = async () => {
  const api = new FakeClusterApi({ endpointsController: false });
  for (const ns of ["default", "legacy"]) await api.create(T.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  await api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "payment", namespace: "default" }, spec: { clusterIP: "198.19.80.42", ports: [{ name: "http", port: 8000, protocol: "TCP" }] } });
  await api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "legacy" }, spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] } });
  await api.create(T.endpoints, { apiVersion: "v1", kind: "Endpoints", metadata: { name: "db", namespace: "legacy" }, subsets: [{ addresses: [{ ip: "198.18.81.5", hostname: "db-0" }, { ip: "198.18.81.6" }], ports: [{ name: "pg", port: 5432, protocol: "TCP" }] }] } as any);
  await api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "erp", namespace: "legacy" }, spec: { type: "ExternalName", externalName: "pegasus.eastus.cloudapp.azure.com" } });
  const cloud = await startCloudDns({ plan, address: "127.0.0.1", port: 0 });
  const index = new ClusterIndex();
  const stopFeed = feedIndexFromClusterApi(api, index);
  const dns = await startClusterDns({ index, address: "127.0.0.1", port: 0, upstreams: [{ host: "127.0.0.1", port: cloud.server.port }] });
  return {
    api,
    port: dns.port,
    cloudPort: cloud.server.port,
    close: async () => {
      stopFeed();
      await dns.close();
      await cloud.close();
    },
  };
};

test("a Service name resolves to its ClusterIP over UDP and TCP", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  t.is((await dig(s.port, "+short", "payment.default.svc.cluster.local")).trim(), "198.19.80.42");
  t.is((await dig(s.port, "+short", "+tcp", "payment.default.svc.cluster.local")).trim(), "198.19.80.42");
  const full = await dig(s.port, "payment.default.svc.cluster.local");
  t.regex(full, /status: NOERROR/);
  t.regex(full, /flags: qr aa rd ra/);
  t.regex(full, /payment\.default\.svc\.cluster\.local\.\s+5\s+IN\s+A\s+198\.19\.80\.42/);
});

test("a missing Service is NXDOMAIN with the cluster zone's SOA", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  const out = await dig(s.port, "nope.default.svc.cluster.local");
  t.regex(out, /status: NXDOMAIN/);
  t.regex(out, /AUTHORITY SECTION:\ncluster\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\./);
  // a search-path expansion of an outside name stays inside the zone and is NXDOMAIN, not forwarded
  t.regex(await dig(s.port, "deb.debian.org.default.svc.cluster.local"), /status: NXDOMAIN/);
});

test("an existing name with no record of the asked type is NODATA (AAAA of a Service)", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  const out = await dig(s.port, "AAAA", "payment.default.svc.cluster.local");
  t.regex(out, /status: NOERROR/);
  t.regex(out, /ANSWER: 0/);
  t.regex(out, /IN\s+SOA/);
});

test("a headless Service resolves to its ready endpoints, each also by hostname or dashed IP", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  const ips = (await dig(s.port, "+short", "db.legacy.svc.cluster.local")).trim().split("\n").sort();
  t.deepEqual(ips, ["198.18.81.5", "198.18.81.6"]);
  t.is((await dig(s.port, "+short", "db-0.db.legacy.svc.cluster.local")).trim(), "198.18.81.5");
  t.is((await dig(s.port, "+short", "198-18-81-6.db.legacy.svc.cluster.local")).trim(), "198.18.81.6");
});

test("pods resolve by dashed IP, named ports by SRV, ClusterIPs in reverse", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  t.is((await dig(s.port, "+short", "198-18-81-9.default.pod.cluster.local")).trim(), "198.18.81.9");
  t.is((await dig(s.port, "+short", "SRV", "_http._tcp.payment.default.svc.cluster.local")).trim(), "0 100 8000 payment.default.svc.cluster.local.");
  t.is((await dig(s.port, "+short", "-x", "198.19.80.42")).trim(), "payment.default.svc.cluster.local.");
});

test("an ExternalName Service is a CNAME, and the changes of a watched Service show at once", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  t.regex(await dig(s.port, "erp.legacy.svc.cluster.local"), /erp\.legacy\.svc\.cluster\.local\.\s+5\s+IN\s+CNAME\s+pegasus\.eastus\.cloudapp\.azure\.com\./);
  await s.api.delete(T.services, "payment", "default");
  t.regex(await dig(s.port, "payment.default.svc.cluster.local"), /status: NXDOMAIN/);
});

test("outside names are forwarded to the cloud DNS, which answers its table and NXDOMAIN for the rest", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  t.is((await dig(s.port, "+short", "deb.debian.org")).trim(), plan.gateway);
  t.is((await dig(s.port, "+short", "pegasus.eastus.cloudapp.azure.com")).trim(), plan.vmPublicAddress);
  const nx = await dig(s.cloudPort, "www.example.com");
  t.regex(nx, /status: NXDOMAIN/);
  t.regex(nx, /AUTHORITY SECTION:\n\.\s+\d+\s+IN\s+SOA\s+a\.root-servers\.net\./);
  t.regex(await dig(s.port, "www.example.com"), /status: NXDOMAIN/);
});

test("a malformed query gets FORMERR", async (t) => {
  const s = await setup();
  t.teardown(s.close);
  const dgram = await import("node:dgram");
  const socket = dgram.createSocket("udp4");
  t.teardown(() => socket.close());
  const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
  // header says one question, but the name runs past the end
  socket.send(Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, 0x61]), s.port, "127.0.0.1");
  const r = await reply;
  t.is(r.readUInt16BE(0), 7);
  t.is(r.readUInt16BE(2) & 0xf, 1);
});
