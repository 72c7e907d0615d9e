import test from "ava";
import { namespaceMtls, workloadPortMtls } from "../../../../lab/istio/proxy/peer-authn.js";
import type { PeerAuthenticationPolicy } from "../../../../lab/istio/proxy/config.js";

const mesh = (mode: "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET"): PeerAuthenticationPolicy => ({ name: "default", namespace: "istio-system", mtls: { mode } });
const ns = (namespace: string, mode: "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET", creationTimestamp?: string): PeerAuthenticationPolicy => ({
  name: `ns-${mode}`,
  namespace,
  creationTimestamp,
  mtls: { mode },
});
const labels = { app: "pegasus-pay" };

test("no policy at all is PERMISSIVE on both sides", (t) => {
  t.is(workloadPortMtls({ policies: [], namespace: "legacy", labels, port: 8000 }).mode, "PERMISSIVE");
  t.is(namespaceMtls({ policies: [], namespace: "legacy" }), "PERMISSIVE");
});

test("namespace policy overrides the mesh policy; UNSET inherits it", (t) => {
  t.is(workloadPortMtls({ policies: [mesh("STRICT"), ns("legacy", "DISABLE")], namespace: "legacy", labels, port: 8000 }).mode, "DISABLE");
  t.is(workloadPortMtls({ policies: [mesh("STRICT"), ns("legacy", "UNSET")], namespace: "legacy", labels, port: 8000 }).mode, "STRICT");
  t.is(namespaceMtls({ policies: [mesh("STRICT"), ns("legacy", "UNSET")], namespace: "legacy" }), "STRICT");
  t.is(namespaceMtls({ policies: [mesh("UNSET")], namespace: "legacy" }), "PERMISSIVE", "an UNSET mesh policy means PERMISSIVE");
});

test("the oldest namespace-level policy wins", (t) => {
  const policies = [ns("legacy", "STRICT", "2021-02-01T00:00:00Z"), ns("legacy", "DISABLE", "2021-01-01T00:00:00Z")];
  t.is(namespaceMtls({ policies, namespace: "legacy" }), "DISABLE");
  t.is(workloadPortMtls({ policies, namespace: "legacy", labels, port: 8000 }).mode, "DISABLE");
});

test("a workload policy applies only to matching labels, and port level overrides it for that port", (t) => {
  const workload: PeerAuthenticationPolicy = {
    name: "pegasus",
    namespace: "legacy",
    selector: { app: "pegasus-pay" },
    mtls: { mode: "STRICT" },
    portLevelMtls: { "8000": { mode: "DISABLE" }, "9000": { mode: "UNSET" } },
  };
  t.is(workloadPortMtls({ policies: [workload], namespace: "legacy", labels, port: 8000 }).mode, "DISABLE");
  t.is(workloadPortMtls({ policies: [workload], namespace: "legacy", labels, port: 9000 }).mode, "STRICT", "UNSET port level inherits the workload mode");
  t.is(workloadPortMtls({ policies: [workload], namespace: "legacy", labels, port: 7000 }).mode, "STRICT");
  t.is(workloadPortMtls({ policies: [workload], namespace: "legacy", labels: { app: "other" }, port: 8000 }).mode, "PERMISSIVE");
});

test("clients ignore workload-level policies when deciding auto mTLS", (t) => {
  const workload: PeerAuthenticationPolicy = { name: "off", namespace: "legacy", selector: { app: "pegasus-pay" }, mtls: { mode: "DISABLE" } };
  t.is(namespaceMtls({ policies: [workload], namespace: "legacy" }), "PERMISSIVE");
});

test("policies of other namespaces do not apply; selectors in the root namespace are not workload policies", (t) => {
  const rootSelector: PeerAuthenticationPolicy = { name: "x", namespace: "istio-system", selector: { app: "pegasus-pay" }, mtls: { mode: "DISABLE" } };
  t.is(workloadPortMtls({ policies: [ns("default", "DISABLE"), rootSelector], namespace: "legacy", labels, port: 8000 }).mode, "PERMISSIVE");
});
