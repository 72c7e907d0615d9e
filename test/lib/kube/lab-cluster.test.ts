// lib/kube and lib/istio against the lab's API server (HTTPS, discovery, OpenAPI, controllers) with the real kubectl:
// the chapter's cluster-side steps, one namespace per test.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCluster, type RunningCluster } from "../../../lab/cluster/cluster.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { Kubectl, isAlreadyExists } from "../../../lib/kube/kubectl.js";
import { serviceExternalAddress, serviceView } from "../../../lib/kube/objects.js";
import { courseResources } from "../../../lib/istio/resources/course.js";
import { peerAuthentication } from "../../../lib/istio/resources/peer-authentication.js";
import { workloadGroup } from "../../../lib/istio/resources/workload-group.js";
import { testSession } from "../../helpers/params.js";
import { REAL_KUBECTL } from "./helpers/kube-session.js";

let cluster: RunningCluster;
let stateDir: string;

test.before(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "lib-kube-lab-"));
  cluster = await startCluster({ stateDir, instance: 6, listen: [{ host: "127.0.0.1", port: 0 }], persist: false });
});

test.after.always(async () => {
  await cluster?.stop();
  // The state folder holds the stand-in's PKI: do not leave it behind.
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const session = (lines: Record<string, string> = {}) => testSession({ lines: { KUBECONFIG: cluster.kubeconfigFile, KUBECTL: REAL_KUBECTL, ...lines } });

/** A CustomResourceDefinition like Istio's (schema left open), serving `versions` with the first as storage. */
const crd = ({ group, kind, plural, versions }: { group: string; kind: string; plural: string; versions: string[] }) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    scope: "Namespaced",
    versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } })),
  },
});

test.serial("the chapter's namespace and service account, created twice without failing", async (t) => {
  const { session: s, events } = session();
  const kubectl = new Kubectl({ session: s });
  t.true((await kubectl.createNamespace({ name: "legacy" })).ok);
  t.true((await kubectl.createServiceAccount({ name: "legacy-pegasus", namespace: "legacy" })).ok);
  const again = await kubectl.createNamespace({ name: "legacy" });
  t.true(isAlreadyExists(again));
  t.deepEqual(events.ofKind("command").map((c) => c.display), ["kubectl create namespace legacy", "kubectl create serviceaccount legacy-pegasus -n legacy", "kubectl create namespace legacy"]);
  const sa = await new KubeClient({ session: s }).get({ resource: "sa", name: "legacy-pegasus", namespace: "legacy" });
  t.is(sa?.metadata.namespace, "legacy");
});

test.serial("CRDs applied with kubectl, waited for with a watch, then the WorkloadGroup applied and read back", async (t) => {
  const { session: s, events } = session();
  const kubectl = new Kubectl({ session: s });
  const client = new KubeClient({ session: s });
  await kubectl.apply({ manifest: [crd({ group: "networking.istio.io", kind: "WorkloadGroup", plural: "workloadgroups", versions: ["v1alpha3", "v1"] }), crd({ group: "security.istio.io", kind: "PeerAuthentication", plural: "peerauthentications", versions: ["v1beta1", "v1"] })] });
  const established = await client.waitForCondition({ object: "crd/workloadgroups.networking.istio.io", condition: "Established", timeoutMs: 60_000 });
  t.is(established.stdout, "customresourcedefinitions.apiextensions.k8s.io/workloadgroups.networking.istio.io condition met\n");
  await kubectl.wait({ for: "condition=Established", object: "crd/peerauthentications.security.istio.io", waitTimeoutMs: 60_000 });

  await kubectl.createNamespace({ name: "legacy" });
  const { workloadGroup: wg } = courseResources({ params: s.params });
  const applied = await kubectl.apply({ manifest: wg });
  t.regex(applied.stdout, /workloadgroup.networking.istio.io\/pegasus-pay created/);
  const read = await client.get({ resource: "workloadgroups", name: "pegasus-pay", namespace: "legacy" });
  t.deepEqual(read?.["spec"], wg.spec);
  t.true(events.ofKind("command").some((c) => c.display.startsWith("cat <<EOF | kubectl apply -f -\napiVersion: networking.istio.io/v1alpha3\nkind: WorkloadGroup\n")));

  const listed = await kubectl.getJson<{ items: unknown[] }>({ resource: "workloadgroup.networking.istio.io", allNamespaces: true });
  t.is(listed!.items.length, 1);
});

test.serial("server-side apply through the API, then again through kubectl --server-side, owned by the runbook's field manager", async (t) => {
  const { session: s } = session({ ISTIO_VERSION: "1.30.0" });
  const client = new KubeClient({ session: s });
  const kubectl = new Kubectl({ session: s });
  await kubectl.createNamespace({ name: "ssa" });
  const pa = peerAuthentication({ version: "1.30.0", name: "disable-mtls-ssa", namespace: "ssa", mode: "DISABLE" });
  const first = await client.apply({ manifest: pa });
  t.is(first.stdout, "peerauthentications.security.istio.io/disable-mtls-ssa serverside-applied\n");
  const stored = await client.get({ resource: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication" }, name: "disable-mtls-ssa", namespace: "ssa" });
  const managers = (stored!.metadata["managedFields"] as Array<{ manager: string; operation: string }>).map((m) => `${m.manager}/${m.operation}`);
  t.true(managers.includes("istio-em-vms/Apply"));

  const strict = peerAuthentication({ version: "1.30.0", name: "disable-mtls-ssa", namespace: "ssa", mode: "STRICT" });
  const second = await kubectl.apply({ manifest: strict, serverSide: true });
  t.regex(second.stdout, /serverside-applied/);
  t.is((await client.get<{ apiVersion: string; kind: string; metadata: { name: string }; spec: { mtls: { mode: string } } }>({ resource: "peerauthentications", name: "disable-mtls-ssa", namespace: "ssa" }))!.spec.mtls.mode, "STRICT");
});

test.serial("a LoadBalancer Service gets its external address from the lab's controller; the wait watches for it", async (t) => {
  const { session: s } = session();
  const client = new KubeClient({ session: s });
  const kubectl = new Kubectl({ session: s });
  await kubectl.apply({
    manifest: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "istio-eastwestgateway", namespace: "default" },
      spec: { type: "LoadBalancer", selector: { istio: "eastwestgateway" }, ports: [{ name: "tls-istiod", port: 15012 }, { name: "tls", port: 15443 }] },
    },
  });
  await client.waitForObjects({
    resource: "svc",
    until: (objects) => objects.some((o) => o.metadata.name === "istio-eastwestgateway" && serviceExternalAddress(o) !== undefined),
    describe: () => "sem EXTERNAL-IP",
    timeoutMs: 60_000,
  });
  const ip = await kubectl.jsonpath({ resource: "svc", name: "istio-eastwestgateway", path: "{.status.loadBalancer.ingress[0].ip}" });
  t.regex(ip, /^198\.18\.\d+\.\d+$/);
  const svc = await client.get({ resource: "svc", name: "istio-eastwestgateway" });
  t.deepEqual(serviceView(svc!).externalAddresses, [ip]);
});

test.serial("deleting the namespace is followed by watching until it is gone", async (t) => {
  const { session: s, events } = session();
  const kubectl = new Kubectl({ session: s });
  const client = new KubeClient({ session: s });
  await kubectl.createNamespace({ name: "to-delete" });
  await kubectl.delete({ resource: "ns", name: "to-delete", wait: false });
  const gone = await client.waitForDeletion({ object: "namespace/to-delete", timeoutMs: 60_000 });
  t.true(gone.ok);
  t.is(await client.get({ resource: "ns", name: "to-delete" }), undefined);
  t.deepEqual(events.ofKind("command").map((c) => c.display).slice(1), ["kubectl delete ns to-delete --ignore-not-found --wait=false", "kubectl wait --for=delete namespace/to-delete --timeout=60s", "kubectl get ns to-delete -o json"]);
});

test.serial("a namespaced Istio type the cluster does not serve yet is named as missing Istio CRDs", async (t) => {
  const { session: s } = session();
  const client = new KubeClient({ session: s });
  await t.throwsAsync(client.list({ resource: "workloadentries", namespace: "legacy" }), { message: /não conhece o tipo/ });
  const result = await new Kubectl({ session: s }).apply({
    manifest: workloadGroup({ version: "1.8.1", name: "x", namespace: "legacy", labels: { app: "x" } }),
    nothrow: true,
  });
  t.true(result.ok, "WorkloadGroup is served (installed by an earlier test): the error above was specific to WorkloadEntry");
});

test.serial("Istio reinstalled with other API versions: kubectl's stale discovery cache is refreshed and the command repeated once", async (t) => {
  const { session: s, events } = session();
  const kubectl = new Kubectl({ session: s });
  const client = new KubeClient({ session: s });
  const entries = (versions: string[]) => crd({ group: "networking.istio.io", kind: "WorkloadEntry", plural: "workloadentries", versions });
  await kubectl.apply({ manifest: entries(["v1"]) });
  await client.waitForCondition({ object: "crd/workloadentries.networking.istio.io", condition: "Established", timeoutMs: 60_000 });
  t.true((await kubectl.get({ resource: "workloadentries", allNamespaces: true })).ok, "kubectl cached v1 for workloadentries");
  // As `istioctl uninstall` of 1.30 and install of 1.8 do: the same CRD now serves only v1alpha3/v1beta1.
  await kubectl.delete({ resource: "crd", name: "workloadentries.networking.istio.io" });
  await client.waitForDeletion({ object: "crd/workloadentries.networking.istio.io", timeoutMs: 60_000 });
  await kubectl.apply({ manifest: entries(["v1alpha3", "v1beta1"]) });
  await client.waitForCondition({ object: "crd/workloadentries.networking.istio.io", condition: "Established", timeoutMs: 60_000 });

  const listed = await kubectl.get({ resource: "workloadentries", allNamespaces: true });
  t.true(listed.ok, listed.stderr);
  const displays = events.ofKind("command").map((c) => c.display);
  t.deepEqual(displays.slice(-3), ["kubectl get workloadentries -A", "kubectl api-resources -o name", "kubectl get workloadentries -A"]);
  t.regex(events.ofKind("note").at(-1)!.text, /descoberta de APIs em cache/);
});
