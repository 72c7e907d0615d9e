// lib/istio's cluster-side steps against the lab's API server with the real kubectl: expose istiod from the release
// folder (namespaced 1.8 file vs 1.10+ file applied with -n istio-system) and the chapter's resources applied.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCluster, type RunningCluster } from "../../../lab/cluster/cluster.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { Kubectl } from "../../../lib/kube/kubectl.js";
import { Istioctl } from "../../../lib/istio/istioctl.js";
import { courseResources } from "../../../lib/istio/resources/course.js";
import { outboundTrafficPolicyMode } from "../../../lib/istio/mesh-config.js";
import { istioSession } from "./helpers/istio-session.js";

let cluster: RunningCluster;
let stateDir: string;

const crd = (group: string, kind: string, plural: string) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    scope: "Namespaced",
    versions: ["v1alpha3", "v1beta1", "v1"].map((name) => ({ name, served: true, storage: name === "v1", schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } })),
  },
});

test.before(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "lib-istio-lab-"));
  cluster = await startCluster({ stateDir, instance: 6, listen: [{ host: "127.0.0.1", port: 0 }], persist: false });
  const { session } = istioSession({ lines: { KUBECONFIG: cluster.kubeconfigFile } });
  const kubectl = new Kubectl({ session });
  await kubectl.apply({
    manifest: [
      crd("networking.istio.io", "Gateway", "gateways"),
      crd("networking.istio.io", "VirtualService", "virtualservices"),
      crd("networking.istio.io", "WorkloadEntry", "workloadentries"),
      crd("networking.istio.io", "WorkloadGroup", "workloadgroups"),
      crd("networking.istio.io", "ServiceEntry", "serviceentries"),
      crd("security.istio.io", "PeerAuthentication", "peerauthentications"),
      { ...crd("install.istio.io", "IstioOperator", "istiooperators"), spec: { ...crd("install.istio.io", "IstioOperator", "istiooperators").spec, versions: [{ name: "v1alpha1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }] } },
    ],
  });
  const client = new KubeClient({ session });
  for (const name of ["gateways.networking.istio.io", "virtualservices.networking.istio.io", "workloadentries.networking.istio.io", "serviceentries.networking.istio.io", "peerauthentications.security.istio.io", "workloadgroups.networking.istio.io", "istiooperators.install.istio.io"]) {
    await client.waitForCondition({ object: `crd/${name}`, condition: "Established", timeoutMs: 60_000 });
  }
  await kubectl.createNamespace({ name: "istio-system" });
  await kubectl.createNamespace({ name: "legacy" });
});

test.after.always(async () => {
  await cluster?.stop();
  // The state folder holds the stand-in's PKI: do not leave it behind.
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test.serial("1.8.1's expose-istiod.yaml names istio-system itself: plain kubectl apply -f", async (t) => {
  const { session, events } = istioSession({ lines: { KUBECONFIG: cluster.kubeconfigFile } });
  const result = await new Istioctl({ session }).exposeIstiod();
  t.regex(result.stdout, /gateway.networking.istio.io\/istiod-gateway (created|unchanged|configured)/);
  t.is(events.ofKind("command")[0]!.display, "kubectl apply -f istio-1.8.1/samples/multicluster/expose-istiod.yaml");
  t.truthy(await new KubeClient({ session }).get({ resource: "gateways", name: "istiod-gateway", namespace: "istio-system" }));
});

test.serial("1.30's file names no namespace: applied with -n istio-system, it still lands in istio-system", async (t) => {
  const { session, events } = istioSession({ version: "1.30.0", exposeNamespaced: false, lines: { KUBECONFIG: cluster.kubeconfigFile } });
  await new Istioctl({ session }).exposeIstiod();
  t.is(events.ofKind("command")[0]!.display, "kubectl apply -n istio-system -f istio-1.30.0/samples/multicluster/expose-istiod.yaml");
  t.truthy(await new KubeClient({ session }).get({ resource: "virtualservices", name: "istiod-vs", namespace: "istio-system" }));
  t.is(await new KubeClient({ session }).get({ resource: "virtualservices", name: "istiod-vs", namespace: "default" }), undefined);
});

test.serial("the chapter's resources (1.8.1 apiVersions) are accepted by kubectl apply and readable with client-node", async (t) => {
  const { session } = istioSession({ lines: { KUBECONFIG: cluster.kubeconfigFile } });
  const r = courseResources({ params: session.params });
  const kubectl = new Kubectl({ session });
  for (const resource of [r.workloadGroup, r.workloadEntry, r.service, r.disableMtls, r.serviceEntry]) {
    const applied = await kubectl.apply({ manifest: resource });
    t.regex(applied.stdout, /created|configured|unchanged/);
  }
  const client = new KubeClient({ session });
  const entry = await client.get({ resource: "workloadentries", name: "pegasus-pay", namespace: "legacy" });
  t.like(entry?.["spec"], { address: "10.240.0.115", serviceAccount: "legacy-pegasus" });
  const svc = await client.get({ resource: "svc", name: "pegasus-pay", namespace: "legacy" });
  t.deepEqual((svc?.["spec"] as { selector: unknown }).selector, { app: "pegasus-pay" });
  await kubectl.delete({ resource: "peerauthentication.security.istio.io", name: "disable-mtls-legacy", namespace: "legacy" });
  t.is(await client.get({ resource: "peerauthentications", name: "disable-mtls-legacy", namespace: "legacy" }), undefined);
});

test.serial("outbound traffic policy: the course's installed-state query on 1.8, the istio ConfigMap as the authority", async (t) => {
  const { session, events } = istioSession({ lines: { KUBECONFIG: cluster.kubeconfigFile } });
  const istioctl = new Istioctl({ session });
  const kubectl = new Kubectl({ session });
  await kubectl.apply({ manifest: { apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", metadata: { name: "installed-state", namespace: "istio-system" }, spec: { profile: "default" } } });
  const unset = await outboundTrafficPolicyMode({ kubectl, features: istioctl.features });
  t.deepEqual([unset.mode, unset.source], ["ALLOW_ANY", "default"]);
  t.true(events.ofKind("command").some((c) => c.display === "kubectl get istiooperator installed-state -n istio-system -o 'jsonpath={.spec.meshConfig.outboundTrafficPolicy.mode}'"));

  await kubectl.apply({ manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio", namespace: "istio-system" }, data: { mesh: "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n" } } });
  const current = istioSession({ version: "1.30.0", lines: { KUBECONFIG: cluster.kubeconfigFile } });
  const fromConfigMap = await outboundTrafficPolicyMode({ kubectl: new Kubectl({ session: current.session }), features: new Istioctl({ session: current.session }).features });
  t.deepEqual([fromConfigMap.mode, fromConfigMap.source], ["REGISTRY_ONLY", "configmap"]);
  t.deepEqual(current.events.ofKind("command").map((c) => c.display), ["kubectl get cm istio -n istio-system -o 'jsonpath={.data.mesh}'"]);

  await kubectl.apply({ manifest: { apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", metadata: { name: "installed-state", namespace: "istio-system" }, spec: { meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } } } });
  const fromIop = await outboundTrafficPolicyMode({ kubectl, features: istioctl.features });
  t.deepEqual([fromIop.mode, fromIop.source], ["REGISTRY_ONLY", "installed-state"]);
});
