import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { toYaml } from "../../../lib/kube/manifest.js";
import { courseResources } from "../../../lib/istio/resources/course.js";
import { vmClusterOperator } from "../../../lib/istio/resources/istio-operator.js";
import { peerAuthentication, type MtlsMode } from "../../../lib/istio/resources/peer-authentication.js";
import { serviceEntry } from "../../../lib/istio/resources/service-entry.js";
import { vmService } from "../../../lib/istio/resources/service.js";
import { workloadEntry } from "../../../lib/istio/resources/workload-entry.js";
import { workloadGroup } from "../../../lib/istio/resources/workload-group.js";
import { describeSchemaError } from "../../../lib/istio/resources/validate.js";
import { testSession } from "../../helpers/params.js";

const course = () => courseResources({ params: testSession().session.params });

test("the WorkloadEntry of the course (1.8.1) renders as the chapter's heredoc", (t) => {
  t.is(
    toYaml(course().workloadEntry),
    ["apiVersion: networking.istio.io/v1beta1", "kind: WorkloadEntry", "metadata:", "  name: pegasus-pay", "  namespace: legacy", "spec:", "  address: 10.240.0.115", "  labels:", "    app: pegasus-pay", "  serviceAccount: legacy-pegasus", ""].join("\n"),
  );
});

test("the VM's Service renders like the chapter's (port 8000 named http-vm, selector app)", (t) => {
  t.is(
    toYaml(course().service),
    ["apiVersion: v1", "kind: Service", "metadata:", "  name: pegasus-pay", "  namespace: legacy", "  labels:", "    app: pegasus-pay", "spec:", "  ports:", "  - port: 8000", "    name: http-vm", "    targetPort: 8000", "  selector:", "    app: pegasus-pay", ""].join("\n"),
  );
});

test("the course's mTLS workaround and ServiceEntry", (t) => {
  const r = course();
  t.is(toYaml(r.disableMtls), ["apiVersion: security.istio.io/v1beta1", "kind: PeerAuthentication", "metadata:", "  name: disable-mtls-legacy", "  namespace: legacy", "spec:", "  mtls:", "    mode: DISABLE", ""].join("\n"));
  t.is(
    toYaml(r.serviceEntry),
    ["apiVersion: networking.istio.io/v1alpha3", "kind: ServiceEntry", "metadata:", "  name: pegasus-pay", "  namespace: legacy", "spec:", "  hosts:", "  - pegasus-pay.legacy", "  location: MESH_INTERNAL", "  ports:", "  - number: 8000", "    name: http", "    protocol: HTTP", "  resolution: DNS", ""].join("\n"),
  );
});

test("the WorkloadGroup matches what istioctl x workload group create prints, minus empty maps", (t) => {
  t.deepEqual(course().workloadGroup, {
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "WorkloadGroup",
    metadata: { name: "pegasus-pay", namespace: "legacy" },
    spec: { metadata: { labels: { app: "pegasus-pay" } }, template: { serviceAccount: "legacy-pegasus" } },
  });
});

test("current releases get the v1 APIs", (t) => {
  const { session } = testSession({ lines: { ISTIO_VERSION: "1.30.0" } });
  const r = courseResources({ params: session.params });
  t.is(r.workloadGroup.apiVersion, "networking.istio.io/v1");
  t.is(r.workloadEntry.apiVersion, "networking.istio.io/v1");
  t.is(r.serviceEntry.apiVersion, "networking.istio.io/v1");
  t.is(r.disableMtls.apiVersion, "security.istio.io/v1");
});

test("vmClusterOperator is the docs' vm-cluster.yaml with auto-registration and health checks as pilot env", (t) => {
  t.deepEqual(vmClusterOperator({ version: "1.30.0", meshID: "mesh1", clusterName: "cluster1", network: "" }), {
    apiVersion: "install.istio.io/v1alpha1",
    kind: "IstioOperator",
    metadata: { name: "istio" },
    spec: {
      values: {
        global: { meshID: "mesh1", multiCluster: { clusterName: "cluster1" } },
        pilot: { env: { PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: "true", PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS: "true" } },
      },
    },
  });
  t.deepEqual(vmClusterOperator({ version: "1.8.1" }).spec, { values: { pilot: { env: { PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: "true" } } } });
  t.regex(toYaml(vmClusterOperator({ version: "1.8.1" })), /PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: 'true'/, "the value stays a string in YAML");
});

test("ports, probes and annotations where given", (t) => {
  const wg = workloadGroup({ version: "1.30.0", name: "pegasus-pay", namespace: "legacy", labels: { app: "pegasus-pay", version: "v1" }, ports: { http: 8000 }, serviceAccount: "legacy-pegasus", probe: { httpGet: { path: "/healthz", port: 8000 }, periodSeconds: 5 } });
  t.deepEqual(wg.spec.template, { ports: { http: 8000 }, serviceAccount: "legacy-pegasus" });
  t.deepEqual(wg.spec.probe, { httpGet: { path: "/healthz", port: 8000 }, periodSeconds: 5 });
  const pa = peerAuthentication({ version: "1.8.1", name: "vm", namespace: "legacy", mode: "STRICT", selector: { app: "pegasus-pay" }, portLevelMtls: { 8000: "PERMISSIVE" } });
  t.deepEqual(pa.spec, { selector: { matchLabels: { app: "pegasus-pay" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8000": { mode: "PERMISSIVE" } } });
});

/** Asserts an InputError whose problem matches. */
const bad = (t: import("ava").ExecutionContext, fn: () => unknown, problem: RegExp) => {
  const error = t.throws(fn, { instanceOf: InputError }) as InputError;
  t.regex(error.problem, problem);
  t.truthy(error.fix);
};

test("bad input is refused in Portuguese, naming the cause and the fix", (t) => {
  const base = { version: "1.8.1", name: "pegasus-pay", namespace: "legacy", labels: { app: "pegasus-pay" }, serviceAccount: "legacy-pegasus" };
  bad(t, () => workloadGroup({ ...base, name: "Pegasus_Pay" }), /não é um nome válido/);
  bad(t, () => workloadGroup({ ...base, namespace: "legacy ns" }), /namespace "legacy ns"/);
  bad(t, () => workloadGroup({ ...base, labels: {} }), /pelo menos um rótulo/);
  bad(t, () => workloadGroup({ ...base, labels: { app: "pegasus pay" } }), /valor "pegasus pay"/);
  bad(t, () => workloadGroup({ ...base, ports: { http: 70000 } }), /70000 não é uma porta válida/);
  bad(t, () => workloadGroup({ ...base, ports: { HTTP: 8000 } }), /nome da porta "HTTP"/);
  bad(t, () => workloadGroup({ ...base, probe: { httpGet: { port: 8000 } } }), /não tem verificações de saúde/);
  bad(t, () => workloadGroup({ ...base, apiVersion: "networking.istio.io/v2" }), /não serve WorkloadGroup/);
  bad(t, () => workloadEntry({ ...base, address: "300.1.1.1" }), /não é um endereço IP nem um nome DNS/);
  bad(t, () => workloadEntry({ ...base, address: "10.0.0.1", weight: -1 }), /peso -1/);
  bad(t, () => peerAuthentication({ version: "1.8.1", name: "x", namespace: "legacy", mode: "DISABLED" as MtlsMode }), /"DISABLED" não é um modo de TLS mútuo/);
  bad(t, () => peerAuthentication({ version: "1.8.1", name: "x", namespace: "legacy", mode: "STRICT", portLevelMtls: { 8000: "DISABLE" } }), /portLevelMtls só vale com um seletor/);
  const se = { version: "1.8.1", name: "pegasus-pay", namespace: "legacy", hosts: ["pegasus-pay.legacy"], ports: [{ number: 8000, name: "http", protocol: "HTTP" }], location: "MESH_INTERNAL" as const, resolution: "DNS" as const };
  bad(t, () => serviceEntry({ ...se, hosts: [] }), /pelo menos um host/);
  bad(t, () => serviceEntry({ ...se, hosts: ["pegasus pay"] }), /não é um nome de host válido/);
  bad(t, () => serviceEntry({ ...se, ports: [{ number: 8000, name: "http", protocol: "HTTPX" }] }), /"HTTPX" não é um protocolo/);
  bad(t, () => serviceEntry({ ...se, ports: [se.ports[0]!, { number: 8001, name: "http", protocol: "HTTP" }] }), /aparece duas vezes/);
  bad(t, () => serviceEntry({ ...se, location: "MESH_INSIDE" as "MESH_INTERNAL" }), /spec\.location deve ser um destes valores: MESH_EXTERNAL, MESH_INTERNAL/);
  bad(t, () => serviceEntry({ ...se, resolution: "ROUND_ROBIN" as "DNS" }), /spec\.resolution deve ser um destes valores/);
  bad(t, () => vmService({ name: "1pegasus", selector: { app: "x" }, ports: [{ name: "http-vm", port: 8000 }] }), /DNS-1035|não é válido/);
  bad(t, () => vmService({ name: "pegasus-pay", selector: {}, ports: [{ name: "http-vm", port: 8000 }] }), /precisa de um seletor/);
  bad(t, () => vmService({ name: "pegasus-pay", selector: { app: "x" }, ports: [] }), /pelo menos uma porta/);
  bad(t, () => vmService({ name: "pegasus-pay", selector: { app: "x" }, ports: [{ name: "http-vm", port: 8000, targetPort: 0 }] }), /targetPort 0/);
  bad(t, () => vmClusterOperator({ version: "1.30.0", meshID: "Mesh One" }), /meshID "Mesh One"/);
  bad(t, () => workloadGroup({ ...base, version: "1.7.0" }), /ISTIO_VERSION "1.7.0"/);
});

test("schema errors are told in Portuguese", (t) => {
  t.is(describeSchemaError({ instancePath: "/spec/mtls/mode", keyword: "enum", params: { allowedValues: ["UNSET", "DISABLE"] } }), "spec.mtls.mode deve ser um destes valores: UNSET, DISABLE");
  t.is(describeSchemaError({ instancePath: "/spec", keyword: "required", params: { missingProperty: "hosts" } }), "spec: falta o campo obrigatório hosts");
  t.is(describeSchemaError({ instancePath: "/spec/ports/0/number", keyword: "type", params: { type: "integer" } }), "spec.ports.0.number deve ser do tipo número inteiro");
});

test("a bad parameter makes courseResources fail before anything is applied", (t) => {
  const { session } = testSession({ lines: { VM_ADDRESS: "10.240.0.115", VM_APP: "pegasus-pay" } });
  t.notThrows(() => courseResources({ params: session.params }));
  t.throws(() => courseResources({ params: session.params, appPort: 0 }), { instanceOf: InputError });
});
