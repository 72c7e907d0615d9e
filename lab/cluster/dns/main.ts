// The program the lab runs for the CoreDNS image (registry.k8s.io/coredns/coredns) inside the coredns pods: the
// cluster zone from the Kubernetes API (in-cluster service account), everything else forwarded to /etc/resolv.conf.
// Flags: `-conf FILE` (a Corefile; only its `kubernetes <domain>` and `forward . <servers>` lines are read, and a
// missing file means the defaults), `-dns.port N` (53). Health on :8080/health, readiness on :8181/ready, like CoreDNS.
import http from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterIndex } from "./cluster-index.js";
import { startClusterDns } from "./cluster-dns.js";
import { feedIndexFromKubeApi } from "./feed-kube-api.js";
import { readResolvConf, type Upstream } from "./forward.js";

const log = (level: string, message: string) => process.stdout.write(`[${level}] ${message}\n`);

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const corefile = flag("-conf");
let domain = "cluster.local";
let forwardTo: string[] | undefined;
if (corefile && existsSync(corefile)) {
  const text = readFileSync(corefile, "utf8");
  domain = /^\s*kubernetes\s+(\S+)/m.exec(text)?.[1]?.replace(/\.$/, "") ?? domain;
  const fwd = /^\s*forward\s+\.\s+([^{\n]+)/m.exec(text)?.[1]?.trim().split(/\s+/);
  if (fwd && !(fwd.length === 1 && fwd[0] === "/etc/resolv.conf")) forwardTo = fwd;
}
const upstreams: Upstream[] = forwardTo
  ? forwardTo.map((s) => ({ host: s.replace(/:\d+$/, ""), port: Number(/:(\d+)$/.exec(s)?.[1] ?? 53) }))
  : await readResolvConf();
const port = Number(flag("-dns.port") ?? 53);

const kc = new KubeConfig();
kc.loadFromCluster();
const index = new ClusterIndex();
const feed = feedIndexFromKubeApi(kc, index, (line) => log("WARNING", `plugin/kubernetes: ${line}`));
const server = await startClusterDns({ index, address: "0.0.0.0", port, upstreams, domain });
log("INFO", `${domain}.:${port} ${process.env["HOSTNAME"] ?? ""}`.trim());
log("INFO", `plugin/forward: upstreams ${upstreams.map((u) => `${u.host}:${u.port}`).join(" ")}`);

let ready = false;
void feed.synced.then(() => {
  ready = true;
  log("INFO", "plugin/ready: kubernetes plugin synced");
});
const health = http.createServer((req, res) => res.writeHead(req.url === "/health" ? 200 : 404).end(req.url === "/health" ? "OK" : ""));
const readiness = http.createServer((req, res) => res.writeHead(req.url === "/ready" && ready ? 200 : 503).end(ready ? "OK" : ""));
health.listen(8080);
readiness.listen(8181);

const shutdown = () => {
  log("INFO", "SIGTERM: Shutting down servers then terminating");
  feed.stop();
  health.close();
  readiness.close();
  void server.close().then(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
