import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";
import { CURRENT_UNREACHABLE_LOG, HOSTS_MISSING_LOG, RECOVERED_LOG_SPACES } from "../../fixtures/istio-log.js";

const context = { vmUser: "peguser", istioVersion: "1.8.1" };

test("a missing /etc/hosts entry (lookup … no such host) says to append the generated hosts file", (t) => {
  const [d] = diagnose({ text: HOSTS_MISSING_LOG, context });
  t.is(d!.id, "istiod-sem-entrada-no-hosts");
  t.regex(d!.fix, /ssh-vm sudo sh -c 'cat \/home\/peguser\/hosts >> \/etc\/hosts'/);
  t.regex(d!.evidence!, /lookup istiod.istio-system.svc on 8.8.8.8:53: no such host/);
});

test("a DNS timeout looking up istiod is its own diagnosis", (t) => {
  t.is(diagnose({ text: RECOVERED_LOG_SPACES, context })[0]!.id, "istiod-dns-sem-resposta");
});

test("istiod unreachable at the gateway (i/o timeout): check the east-west gateway's address and ports from the VM", (t) => {
  const [d] = diagnose({ text: CURRENT_UNREACHABLE_LOG, context });
  t.is(d!.id, "istiod-inacessivel");
  t.regex(d!.cause, /não alcança o istiod em 198.18.2.10:15012 \(i\/o timeout\)/);
  t.regex(d!.fix, /kubectl get svc istio-eastwestgateway -n istio-system/);
  t.regex(d!.fix, /sudo -u istio-proxy nc -vz -w 3 198\.18\.2\.10 15012/);
});

test("connection refused on 15012 points at expose-istiod.yaml; a stale hosts address is named", (t) => {
  const refused = 'error\txdsproxy\tfailed to create upstream grpc client: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial tcp 52.150.37.127:15012: connect: connection refused"';
  const [d] = diagnose({ text: refused, context });
  t.is(d!.id, "istiod-inacessivel/recusada");
  t.regex(d!.fix, /expose-istiod.yaml/);
  const [stale] = diagnose({ text: refused, context: { ...context, eastWestAddress: "52.150.37.200" } });
  t.regex(stale!.cause, /aponta istiod para 52.150.37.127, mas o east-west gateway está em 52.150.37.200/);
  t.regex(stale!.fix, /corrija a linha do istiod no \/etc\/hosts da VM para 52.150.37.200/);
});

test("Envoy without configuration and the stream-closed warning are weaker, supporting diagnoses", (t) => {
  const ids = diagnose({ text: CURRENT_UNREACHABLE_LOG, context }).map((d) => d.id);
  t.deepEqual(ids, ["istiod-inacessivel", "xds-fluxo-fechado", "envoy-sem-configuracao"]);
  t.deepEqual(diagnose({ text: "warning\tenvoy config\tStreamAggregatedResources gRPC config stream closed: 16, request authenticate failure" }).map((d) => d.id)[0], "token-recusado");
  t.deepEqual(diagnose({ text: "warning\tenvoy config\tStreamAggregatedResources gRPC config stream closed: 0," }), []);
});

test("the same test by hand from the VM (curl, nc) to port 15012 gets the istiod diagnosis", (t) => {
  const [curl] = diagnose({ text: "curl: (28) Failed to connect to 198.18.2.10 port 15012 after 2000 ms: Timeout was reached", context });
  t.is(curl!.id, "istiod-inacessivel");
  t.regex(curl!.cause, /198.18.2.10:15012 \(connection timed out\)/);
  t.is(diagnose({ text: "nc: connect to 198.18.2.10 port 15012 (tcp) failed: Connection refused", context })[0]!.id, "istiod-inacessivel/recusada");
  t.regex(diagnose({ text: "curl: (7) Failed to connect to 198.18.2.10 port 15012 after 0 ms: Couldn't connect to server", context })[0]!.cause, /\(conexão recusada ou sem rota\)/);
});

test("the gateway closing the connection before TLS (EOF) means no istiod behind it: check the Deployment and its endpoints", (t) => {
  const eof = '2026-11-25T22:50:01.000000Z\terror\tcitadelclient\tFailed to create certificate: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: EOF"';
  const [d] = diagnose({ text: eof, context: { ...context, eastWestAddress: "198.18.2.10", istioNamespace: "istio-system" } });
  t.is(d!.id, "istiod-inacessivel/sem-istiod-no-gateway");
  t.regex(d!.cause, /chega ao east-west gateway \(198\.18\.2\.10:15012\), mas ele fecha a conexão/);
  t.regex(d!.fix, /kubectl -n istio-system get endpoints istiod/);
  // The same EOF from kubectl or elsewhere is not about istiod.
  t.deepEqual(diagnose({ text: "Unable to connect to the server: EOF" }).filter((x) => x.id.startsWith("istiod-inacessivel")), []);
});

test("the xDS proxy giving up on 15012 (context deadline exceeded) names both causes: the path to the gateway and istiod behind it", (t) => {
  const line = "2026-11-25T22:58:46.193044Z\terror\txdsproxy\tfailed to connect to upstream istiod.istio-system.svc:15012: context deadline exceeded";
  const [d] = diagnose({ text: line, context: { ...context, eastWestAddress: "198.18.2.10", istioNamespace: "istio-system" } });
  t.is(d!.id, "istiod-inacessivel/prazo-esgotado");
  t.regex(d!.fix, /sudo -u istio-proxy nc -vz -w 3 198\.18\.2\.10 15012/);
  t.regex(d!.fix, /get endpoints istiod/);
  // A root certificate the VM does not trust ends in the same deadline (gRPC's blocking dial): it is named too.
  t.regex(d!.cause, /certificado raiz da VM/);
  t.regex(d!.fix, /get configmap istio-ca-root-cert/);
});
