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
  t.regex(d!.fix, /nc -vz 198.18.2.10 15012/);
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
