// The chapter's kubectl commands, run with the REAL kubectl against the API server stand-in.
import test from "ava";
import { localExecComponent } from "./helpers/local-exec.js";
import { startTestCluster, type TestCluster } from "./helpers/test-cluster.js";

let lab: TestCluster;

test.before(async () => {
  lab = await startTestCluster({ components: [localExecComponent(["payment"])] });
});

test.after.always(async () => {
  await lab?.stop();
});

const crd = (plural: string, kind: string, short: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.networking.istio.io
spec:
  group: networking.istio.io
  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}, shortNames: [${short}], categories: [istio-io]}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Hosts, type: string, jsonPath: .spec.hosts}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
            properties:
              hosts: {type: array, items: {type: string}}
              address: {type: string}
              port: {x-kubernetes-int-or-string: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: pegasus-pay
  labels:
    app: pegasus-pay
spec:
  ports:
  - port: 8000
    name: http-vm
    targetPort: 8000
  selector:
    app: pegasus-pay
`;

test.serial("kubectl version reports the 1.33 server", async (t) => {
  const r = await lab.kubectl(["version"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Server Version: v1\.33\.\d+/);
});

test.serial("api-resources lists short names, groups and custom resources once established", async (t) => {
  const applied = await lab.kubectl(["apply", "-f", "-"], { input: [crd("destinationrules", "DestinationRule", "dr"), crd("virtualservices", "VirtualService", "vs"), crd("gateways", "Gateway", "gw")].join("---\n") });
  t.is(applied.code, 0, applied.stderr);
  const wait = await lab.kubectl(["wait", "--for=condition=Established", "crd/destinationrules.networking.istio.io", "crd/virtualservices.networking.istio.io", "crd/gateways.networking.istio.io", "--timeout=20s"]);
  t.is(wait.code, 0, wait.stderr);
  const r = await lab.kubectl(["api-resources"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^services\s+svc\s+v1\s+true\s+Service$/m);
  t.regex(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  t.regex(r.stdout, /^virtualservices\s+vs\s+networking\.istio\.io\/v1beta1\s+true\s+VirtualService$/m);
});

test.serial("create namespace and serviceaccount (protobuf bodies); a second create is AlreadyExists", async (t) => {
  t.is((await lab.kubectl(["create", "namespace", "legacy"])).stdout.trim(), "namespace/legacy created");
  const again = await lab.kubectl(["create", "namespace", "legacy"]);
  t.is(again.code, 1);
  t.is(again.stderr.trim(), 'Error from server (AlreadyExists): namespaces "legacy" already exists');
  t.is((await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "legacy"])).stdout.trim(), "serviceaccount/legacy-pegasus created");
  const sa = await lab.kubectl(["get", "sa", "-n", "legacy"]);
  t.regex(sa.stdout, /^NAME\s+SECRETS\s+AGE\n/);
  t.regex(sa.stdout, /^default\s+0\s+\d+s$/m);
  t.regex(sa.stdout, /^legacy-pegasus\s+0\s+\d+s$/m);
  const cm = await lab.kubectl(["get", "configmap", "kube-root-ca.crt", "-n", "legacy", "-o", "jsonpath={.data.ca\\.crt}"]);
  t.true(cm.stdout.startsWith("-----BEGIN CERTIFICATE-----"));
});

test.serial("apply -f from stdin creates, then says unchanged, then configured", async (t) => {
  const first = await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: service });
  t.is(first.stdout.trim(), "service/pegasus-pay created", first.stderr);
  const second = await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: service });
  t.is(second.stdout.trim(), "service/pegasus-pay unchanged", second.stderr);
  const third = await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: service.replace("port: 8000\n", "port: 8080\n") });
  t.is(third.stdout.trim(), "service/pegasus-pay configured", third.stderr);
  const json = JSON.parse((await lab.kubectl(["-n", "legacy", "get", "svc", "pegasus-pay", "-o", "json"])).stdout) as Record<string, any>;
  t.deepEqual(json["spec"]["ports"], [{ name: "http-vm", port: 8080, protocol: "TCP", targetPort: 8000 }]);
  t.false(JSON.stringify(json).includes("$setElementOrder"));
});

test.serial("get svc shows the standard columns, -o wide the selector, -A the namespace", async (t) => {
  const r = await lab.kubectl(["get", "svc", "-n", "legacy", "-o", "wide"]);
  t.regex(r.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/);
  t.regex(r.stdout, /^pegasus-pay\s+ClusterIP\s+198\.19\.64\.\d+\s+<none>\s+8080\/TCP\s+\S+\s+app=pegasus-pay$/m);
  const all = await lab.kubectl(["get", "svc", "-A"]);
  t.regex(all.stdout, /^NAMESPACE\s+NAME\s+TYPE/);
  t.regex(all.stdout, /^default\s+kubernetes\s+ClusterIP\s+198\.19\.64\.1\s+<none>\s+443\/TCP/m);
  t.regex(all.stdout, /^kube-system\s+kube-dns\s+ClusterIP\s+198\.19\.64\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/m);
});

test.serial("a LoadBalancer service gets an external IP from the plan's range", async (t) => {
  const lb = `apiVersion: v1\nkind: Service\nmetadata: {name: istio-eastwestgateway, namespace: default}\nspec:\n  type: LoadBalancer\n  selector: {istio: eastwestgateway}\n  ports:\n  - {name: tls-istiod, port: 15012}\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: lb })).code, 0);
  await lab.cluster.controllers.idle();
  const r = await lab.kubectl(["get", "svc", "istio-eastwestgateway"]);
  t.regex(r.stdout, /istio-eastwestgateway\s+LoadBalancer\s+198\.19\.64\.\d+\s+198\.18\.66\.\d+\s+15012:3\d{4}\/TCP/);
});

test.serial("strict field validation rejects unknown fields with kubectl's exact error", async (t) => {
  const bad = service.replace("  - port: 8000\n", "  - port: 8000\n    nodeport: 1\n").replace("pegasus-pay\n  labels", "other\n  labels");
  const r = await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: bad });
  t.is(r.code, 1);
  t.is(r.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].nodeport"');
});

test.serial("get pods,dr,vs,gw -n NS prints one table per kind with kind prefixes", async (t) => {
  const vs = `apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: istiod-vs, namespace: legacy}\nspec: {hosts: ["*"]}\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: vs })).code, 0);
  const r = await lab.kubectl(["get", "pods,dr,vs,gw", "-n", "legacy"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /NAME\s+HOSTS\s+AGE\nvirtualservice\.networking\.istio\.io\/istiod-vs\s+\["\*"\]\s+\d+s/);
});

test.serial("get workloadentry.networking.istio.io -A and get se/NAME resolve custom resources", async (t) => {
  const crds = [crd("workloadentries", "WorkloadEntry", "we"), crd("serviceentries", "ServiceEntry", "se")].join("---\n");
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: crds })).code, 0);
  t.is((await lab.kubectl(["wait", "--for=condition=Established", "crd/workloadentries.networking.istio.io", "crd/serviceentries.networking.istio.io"])).code, 0);
  const we = `apiVersion: networking.istio.io/v1beta1\nkind: WorkloadEntry\nmetadata: {name: pegasus-pay, namespace: legacy}\nspec: {address: 198.18.64.10, port: 8000}\n`;
  t.is((await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: we })).stdout.trim(), "workloadentry.networking.istio.io/pegasus-pay created");
  const list = await lab.kubectl(["get", "workloadentry.networking.istio.io", "-A"]);
  t.regex(list.stdout, /^NAMESPACE\s+NAME\s+HOSTS\s+AGE\nlegacy\s+pegasus-pay\s+\d+s/);
  const se = `apiVersion: networking.istio.io/v1beta1\nkind: ServiceEntry\nmetadata: {name: pegasus-pay, namespace: legacy}\nspec: {hosts: [pegasus-pay.legacy.svc]}\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: se })).code, 0);
  const one = await lab.kubectl(["get", "se/pegasus-pay", "-n", "legacy"]);
  t.regex(one.stdout, /^pegasus-pay\s+\["pegasus-pay\.legacy\.svc"\]\s+\d+s$/m);
  const invalid = await lab.kubectl(["-n", "legacy", "apply", "-f", "-"], { input: we.replace("pegasus-pay, namespace", "other, namespace").replace("address: 198.18.64.10", "address: [1]") });
  t.regex(invalid.stderr, /The WorkloadEntry "other" is invalid: spec\.address: Invalid value: "array": spec\.address in body must be of type string: "array"/);
});

test.serial("apply --server-side merges, keeps other managers' fields, and reports conflicts", async (t) => {
  const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mesh, namespace: legacy}\ndata: {${data}}\n`;
  const first = await lab.kubectl(["apply", "--server-side", "-f", "-"], { input: cm("a: '1'") });
  t.is(first.stdout.trim(), "configmap/mesh serverside-applied", first.stderr);
  t.is((await lab.kubectl(["apply", "--server-side", "--field-manager", "other", "-f", "-"], { input: cm("b: '2'") })).code, 0);
  const data = JSON.parse((await lab.kubectl(["get", "cm", "mesh", "-n", "legacy", "-o", "jsonpath={.data}"])).stdout);
  t.deepEqual(data, { a: "1", b: "2" });
  const conflict = await lab.kubectl(["apply", "--server-side", "-f", "-"], { input: cm("a: '1', b: '3'") });
  t.is(conflict.code, 1);
  t.regex(conflict.stderr, /Apply failed with 1 conflict: conflict with "other": \.data\.b/);
  const forced = await lab.kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], { input: cm("a: '1', b: '3'") });
  t.is(forced.code, 0, forced.stderr);
  t.is((await lab.kubectl(["get", "cm", "mesh", "-n", "legacy", "-o", "jsonpath={.data.b}"])).stdout, "3");
});

test.serial("exec svc/NAME -c C -- cmd runs through the ExecBackend and returns the exit code", async (t) => {
  const manifest = `apiVersion: v1\nkind: Service\nmetadata: {name: payment}\nspec:\n  selector: {app: payment}\n  ports: [{port: 8000}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: payment-1, labels: {app: payment}}\nspec:\n  containers: [{name: payment, image: kdop/generic-service:0.0.5}]\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: manifest })).code, 0);
  const api = lab.cluster.api("test-kubelet");
  const pod = await api.get({ group: "", version: "v1", resource: "pods" }, "payment-1", "default");
  await api.updateStatus({ group: "", version: "v1", resource: "pods" }, {
    ...pod,
    spec: { ...pod.spec, nodeName: "lab-node" },
    status: { phase: "Running", podIP: "198.18.65.5", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "payment", ready: true, restartCount: 0, state: { running: {} } }] },
  });
  const ok = await lab.kubectl(["exec", "svc/payment", "-c", "payment", "--", "echo", "olá"]);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout, "olá\n");
  const fail = await lab.kubectl(["exec", "svc/payment", "-c", "payment", "--", "sh", "-c", "echo oops >&2; exit 3"]);
  t.is(fail.code, 3);
  t.regex(fail.stderr, /oops\ncommand terminated with exit code 3/);
  const stdin = await lab.kubectl(["exec", "-i", "svc/payment", "-c", "payment", "--", "cat"], { input: "via stdin" });
  t.is(stdin.stdout, "via stdin");
  const missing = await lab.kubectl(["exec", "svc/payment", "-c", "nope", "--", "true"]);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /container nope is not valid for pod payment-1/);
  const endpoints = await lab.kubectl(["get", "endpoints", "payment", "-o", "jsonpath={.subsets[0].addresses[0].ip}"]);
  t.is(endpoints.stdout, "198.18.65.5");
});

test.serial("wait --for=condition sees the deployment become Available once its pods are ready", async (t) => {
  const dep = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: kdop/generic-service:0.0.5}]}\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: dep })).code, 0);
  await lab.cluster.controllers.idle();
  const waiting = lab.kubectl(["wait", "--for=condition=Available", "deployment/web", "--timeout=30s"]);
  const api = lab.cluster.api("test-kubelet");
  const podsType = { group: "", version: "v1", resource: "pods" };
  const pods = await api.list(podsType, { namespace: "default", labelSelector: "app=web" });
  t.is(pods.length, 2);
  t.true(pods.every((p) => /^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p.metadata.name)));
  for (const p of pods) await api.updateStatus(podsType, { ...p, status: { phase: "Running", podIP: "198.18.65.9", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2020-01-01T00:00:00Z" }] } });
  const r = await waiting;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), "deployment.apps/web condition met");
  const table = await lab.kubectl(["get", "deploy", "web"]);
  t.regex(table.stdout, /^web\s+2\/2\s+2\s+2\s+\d+s$/m);
});

test.serial("delete -f removes what a file created", async (t) => {
  const r = await lab.kubectl(["-n", "legacy", "delete", "-f", "-"], { input: service });
  t.is(r.stdout.trim(), 'service "pegasus-pay" deleted');
  t.is((await lab.kubectl(["-n", "legacy", "get", "svc", "pegasus-pay"])).stderr.trim(), 'Error from server (NotFound): services "pegasus-pay" not found');
});

test.serial("delete ns waits until the namespace and its contents are gone; creating inside it meanwhile is forbidden", async (t) => {
  t.is((await lab.kubectl(["create", "namespace", "doomed"])).code, 0);
  const held = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: doomed, finalizers: [example.com/hold]}\n`;
  t.is((await lab.kubectl(["apply", "-f", "-"], { input: held })).code, 0);
  const deleting = lab.kubectl(["delete", "ns", "doomed"]);
  for (let i = 0; i < 100 && !lab.cluster.store.get({ group: "", resource: "namespaces" }, undefined, "doomed")?.metadata.deletionTimestamp; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const phase = await lab.kubectl(["get", "ns", "doomed", "-o", "jsonpath={.status.phase}"]);
  t.is(phase.stdout, "Terminating");
  const create = await lab.kubectl(["-n", "doomed", "create", "configmap", "late", "--from-literal=a=b"]);
  t.is(create.stderr.trim(), 'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  t.is((await lab.kubectl(["-n", "doomed", "patch", "configmap", "held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]'])).code, 0);
  const r = await deleting;
  t.is(r.stdout.trim(), 'namespace "doomed" deleted', r.stderr);
  t.is((await lab.kubectl(["get", "ns", "doomed"])).stderr.trim(), 'Error from server (NotFound): namespaces "doomed" not found');
  t.is(lab.cluster.store.list({ group: "", resource: "configmaps" }, { namespace: "doomed" }).items.length, 0);
});

test.serial("the wrong context fails to connect, the lab context works", async (t) => {
  const wrong = await lab.kubectl(["--context", "lab-other", "get", "ns"], { timeoutMs: 30_000 });
  t.not(wrong.code, 0);
  t.regex(wrong.stderr, /connection refused|couldn't get current server API group list/);
  t.is((await lab.kubectl(["config", "current-context"])).stdout.trim(), "lab");
});
