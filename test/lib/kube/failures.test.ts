import test from "ava";
import { diagnoseKubeFailure, KUBE_FAILURE_IDS } from "../../../lib/kube/failures.js";

// kubectl's own wording for each failure (as kubectl 1.33 prints it).
const SAMPLES: Record<string, string> = {
  "kube-connection-refused": "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?",
  "kube-timeout": "Unable to connect to the server: dial tcp 52.150.37.127:443: i/o timeout",
  "kube-dns": 'Unable to connect to the server: dial tcp: lookup aks-istio.hcp.eastus.azmk8s.io on 127.0.0.53:53: no such host',
  "kube-certificate": "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority",
  "kube-unauthorized": "error: You must be logged in to the server (Unauthorized)",
  "kube-forbidden": 'Error from server (Forbidden): namespaces is forbidden: User "dev" cannot create resource "namespaces" in API group "" at the cluster scope',
  "kube-namespace-terminating": 'Error from server (Forbidden): error when creating "STDIN": workloadgroups.networking.istio.io "pegasus-pay" is forbidden: unable to create new content in namespace legacy because it is being terminated',
  "kube-no-kind": 'error: resource mapping not found for name: "pegasus-pay" namespace: "legacy" from "STDIN": no matches for kind "WorkloadEntry" in version "networking.istio.io/v1"',
  "kube-namespace-missing": 'Error from server (NotFound): namespaces "legacy" not found',
  "kube-not-found": 'Error from server (NotFound): services "payment" not found',
  "kube-already-exists": 'Error from server (AlreadyExists): namespaces "legacy" already exists',
  "kube-context-missing": 'error: context "kind-istio" does not exist',
  "kube-wait-timeout": "error: timed out waiting for the condition on deployments/istiod",
  "kube-exec-no-pod": "error: no running pod for svc/payment (selector app=payment)",
  "kube-exec-exit-code": "command terminated with exit code 7",
};

for (const [id, text] of Object.entries(SAMPLES)) {
  test(`recognizes ${id}`, (t) => {
    const found = diagnoseKubeFailure(text);
    t.true(found.some((d) => d.id === id), `${id} not found in ${JSON.stringify(found.map((d) => d.id))}`);
    const d = found.find((x) => x.id === id)!;
    t.truthy(d.cause && d.fix && d.evidence);
  });
}

test("every signature has a sample here", (t) => {
  t.deepEqual([...KUBE_FAILURE_IDS].sort(), Object.keys(SAMPLES).sort());
});

test("the terminating namespace is not mistaken for a permission problem", (t) => {
  const ids = diagnoseKubeFailure(SAMPLES["kube-namespace-terminating"]!).map((d) => d.id);
  t.true(ids.includes("kube-namespace-terminating"));
  t.false(ids.includes("kube-forbidden"));
});

test("a missing Istio kind points at installing Istio", (t) => {
  const d = diagnoseKubeFailure(SAMPLES["kube-no-kind"]!)[0]!;
  t.regex(d.cause, /do Istio/);
  t.regex(d.fix, /istioctl install/);
});

test("output without a known signature yields nothing", (t) => {
  t.deepEqual(diagnoseKubeFailure("pod/payment-1 labeled"), []);
});
