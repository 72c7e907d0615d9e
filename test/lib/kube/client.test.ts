import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { KubeClient, refName } from "../../../lib/kube/client.js";
import { serviceView } from "../../../lib/kube/objects.js";
import { testSession } from "../../helpers/params.js";
import { MiniApi } from "./helpers/mini-api.js";
import { kubeSession } from "./helpers/kube-session.js";

const withClient = async (fn: (x: { api: MiniApi; client: KubeClient; events: ReturnType<typeof kubeSession>["events"] }) => Promise<void>, namespace?: string): Promise<void> => {
  const api = await new MiniApi().start();
  try {
    const { session, events } = kubeSession({ api, ...(namespace ? { namespace } : {}) });
    await fn({ api, client: new KubeClient({ session }), events });
  } finally {
    await api.stop();
  }
};

test("get reads an object as plain JSON and records the equivalent kubectl command", async (t) => {
  await withClient(async ({ api, client, events }) => {
    api.put({ apiVersion: "v1", kind: "Service", metadata: { name: "istio-eastwestgateway", namespace: "istio-system" }, spec: { type: "LoadBalancer", ports: [{ name: "tls-istiod", port: 15012 }] }, status: { loadBalancer: { ingress: [{ ip: "198.18.98.1" }] } } });
    const svc = await client.get({ resource: "svc", name: "istio-eastwestgateway", namespace: "istio-system" });
    t.deepEqual(serviceView(svc!).externalAddresses, ["198.18.98.1"]);
    t.is(typeof svc!.metadata["creationTimestamp"], "string", "timestamps stay strings (no class deserialization)");
    const [command] = events.ofKind("command");
    t.is(command!.display, "kubectl get svc istio-eastwestgateway -n istio-system -o json");
    t.regex(command!.exact, /^GET \/api\/v1\/namespaces\/istio-system\/services\/istio-eastwestgateway/);
    t.true(events.ofKind("end")[0]!.ok);
  });
});

test("get answers undefined for an object that does not exist", async (t) => {
  await withClient(async ({ client }) => {
    t.is(await client.get({ resource: "deployment", name: "istiod", namespace: "istio-system" }), undefined);
  });
});

test("list filters by label and uses the context's namespace by default", async (t) => {
  await withClient(async ({ api, client, events }) => {
    for (const [name, app, ns] of [["a", "payment", "default"], ["b", "other", "default"], ["c", "payment", "legacy"]] as const) {
      api.put({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, labels: { app } } });
    }
    const pods = await client.list({ resource: "pods", labelSelector: "app=payment" });
    t.deepEqual(pods.map((p) => p.metadata.name), ["a"]);
    t.is(events.ofKind("command")[0]!.display, "kubectl get pods -l app=payment -o json");
    const all = await client.list({ resource: "po", allNamespaces: true, labelSelector: "app=payment" });
    t.deepEqual(all.map((p) => p.metadata.name).sort(), ["a", "c"]);
  });
});

test("a context's namespace is the default for namespaced reads", async (t) => {
  await withClient(async ({ api, client }) => {
    api.put({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "legacy-pegasus", namespace: "legacy" } });
    t.truthy(await client.get({ resource: "sa", name: "legacy-pegasus" }));
  }, "legacy");
});

test("resolves kubectl names, qualified names and apiVersion+kind through discovery", async (t) => {
  await withClient(async ({ client }) => {
    t.like(await client.resolve("svc"), { apiVersion: "v1", plural: "services", namespaced: true });
    t.like(await client.resolve("workloadentry.networking.istio.io"), { apiVersion: "networking.istio.io/v1", plural: "workloadentries" });
    t.like(await client.resolve("we"), { plural: "workloadentries" });
    t.like(await client.resolve({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication" }), { plural: "peerauthentications", namespaced: true });
    t.like(await client.resolve("crd"), { namespaced: false, plural: "customresourcedefinitions" });
  });
});

test("an Istio type the cluster does not serve is an InputError that points at installing Istio", async (t) => {
  await withClient(async ({ client }) => {
    const error = await t.throwsAsync(client.resolve("gateways.networking.istio.io"), { instanceOf: InputError });
    t.regex(error!.message, /não conhece o tipo/);
    t.regex((error as InputError).fix, /istioctl install/);
    await t.throwsAsync(client.resolve("virtualservices"), { instanceOf: InputError });
  });
});

test("reachability reports the server version, or why it cannot be reached, in Portuguese", async (t) => {
  const api = await new MiniApi().start();
  const { session } = kubeSession({ api });
  const client = new KubeClient({ session });
  t.like(await client.reachability(), { ok: true, version: "v1.33.0-mini", context: "mini" });
  await api.stop();
  const down = await client.reachability();
  t.false(down.ok);
  t.regex(down.problem!, /recusou a conexão/);
  t.regex(down.problem!, /lab -- status/);
  t.regex(down.error!, /ECONNREFUSED/);
});

test("a read from a server that is down fails with a Portuguese explanation", async (t) => {
  const api = await new MiniApi().start();
  const { session } = kubeSession({ api });
  await api.stop();
  const client = new KubeClient({ session });
  const error = await t.throwsAsync(client.get({ resource: "svc", name: "payment" }));
  t.regex(error!.message, /recusou a conexão.*\[ECONNREFUSED/);
  const { session: s2, events } = kubeSession({ api });
  const client2 = new KubeClient({ session: s2 });
  await client2.resolve("svc").catch(() => undefined);
  t.is(events.events.length, 0);
});

test("reads in plan mode contact nothing and are recorded as planned", async (t) => {
  const { session, events } = testSession({ lines: { KUBECONFIG: "/nonexistent", KUBE_CONTEXT: "kind" }, mode: "plan" });
  const client = new KubeClient({ session });
  t.is(await client.get({ resource: "svc", name: "istio-eastwestgateway", namespace: "istio-system" }), undefined);
  t.deepEqual(await client.list({ resource: "workloadentries", allNamespaces: true }), []);
  t.deepEqual(events.ofKind("command").map((c) => [c.display, c.planned]), [
    ["kubectl get svc istio-eastwestgateway -n istio-system -o json", true],
    ["kubectl get workloadentries -A -o json", true],
  ]);
});

test("reads with record: false leave the event log alone", async (t) => {
  await withClient(async ({ client, events }) => {
    await client.list({ resource: "pods", record: false });
    t.is(events.events.length, 0);
  });
});

test("bad names are refused before any request", async (t) => {
  await withClient(async ({ api, client }) => {
    await t.throwsAsync(client.get({ resource: "svc", name: "Payment" }), { instanceOf: InputError });
    await t.throwsAsync(client.list({ resource: "pods", namespace: "Legacy_NS" }), { instanceOf: InputError });
    t.deepEqual(api.actions, []);
  });
});

test("refName writes types the way kubectl accepts them", (t) => {
  t.is(refName({ apiVersion: "networking.istio.io/v1", kind: "WorkloadEntry" }), "workloadentry.networking.istio.io");
  t.is(refName({ apiVersion: "apps/v1", kind: "Deployment" }), "deployment");
  t.is(refName({ apiVersion: "v1", kind: "Service" }), "service");
  t.is(refName("svc"), "svc");
});
