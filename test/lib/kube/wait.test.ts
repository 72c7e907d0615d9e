import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { workloadEntryView } from "../../../lib/kube/objects.js";
import { CommandResult } from "../../../lib/run/result.js";
import { testSession } from "../../helpers/params.js";
import { MiniApi } from "./helpers/mini-api.js";
import { eventually, kubeSession } from "./helpers/kube-session.js";

const istiod = (available: string, extra: { generation?: number; observedGeneration?: number } = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "istiod", namespace: "istio-system", generation: extra.generation ?? 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: extra.observedGeneration ?? 1, conditions: [{ type: "Available", status: available, reason: available === "True" ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", message: "Deployment has minimum availability." }] },
});

const setup = async () => {
  const api = await new MiniApi().start();
  const { session, events } = kubeSession({ api });
  return { api, client: new KubeClient({ session }), events };
};

test("waitForCondition resolves when the Deployment becomes Available, recorded as kubectl wait", async (t) => {
  const { api, client, events } = await setup();
  try {
    api.put(istiod("False"));
    const waiting = client.waitForCondition({ object: "deployment/istiod", namespace: "istio-system", condition: "Available" });
    await eventually(() => api.openWatches === 1, "watching");
    api.put(istiod("True"));
    const result = await waiting;
    t.true(result.ok);
    t.is(result.stdout, "deployments.apps/istiod condition met\n");
    t.is(events.ofKind("command")[0]!.display, "kubectl wait --for=condition=Available deployment/istiod -n istio-system --timeout=300s");
    t.true(api.actions.some((a) => a.includes("fieldSelector=metadata.name%3Distiod")));
  } finally {
    await api.stop();
  }
});

test("matches the condition type case-insensitively, like kubectl", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(istiod("True"));
    t.true((await client.waitForCondition({ object: "deploy/istiod", namespace: "istio-system", condition: "available" })).ok);
  } finally {
    await api.stop();
  }
});

test("ignores a condition reported for an older generation", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(istiod("True", { generation: 2, observedGeneration: 1 }));
    const waiting = client.waitForCondition({ object: "deployment/istiod", namespace: "istio-system", condition: "Available" });
    await eventually(() => api.openWatches === 1, "still waiting on the stale condition");
    api.put(istiod("True", { generation: 2, observedGeneration: 2 }));
    t.true((await waiting).ok);
  } finally {
    await api.stop();
  }
});

test("a timeout fails with kubectl's message and the last conditions seen, in Portuguese", async (t) => {
  const { api, client, events } = await setup();
  try {
    api.put(istiod("False"));
    const error = await t.throwsAsync(client.waitForCondition({ object: "deployment/istiod", namespace: "istio-system", condition: "Available", timeoutMs: 2000 }), { instanceOf: CommandResult });
    const result = error as CommandResult;
    t.true(result.timedOut);
    t.is(result.exitCode, 1);
    t.regex(result.stderr, /error: timed out waiting for the condition on deployments\/istiod/);
    t.regex(result.stderr, /condições vistas por último: Available=False \(MinimumReplicasUnavailable/);
    t.false(events.ofKind("end")[0]!.ok);
    const missing = await client.waitForCondition({ object: "deployment/nothing", namespace: "istio-system", condition: "Available", timeoutMs: 1000, nothrow: true });
    t.regex(missing.stderr, /o objeto não existe/);
  } finally {
    await api.stop();
  }
});

test("waitForDeletion follows a namespace through Terminating until it is gone", async (t) => {
  const { api, client, events } = await setup();
  try {
    api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy" }, status: { phase: "Active" } });
    api.namespaceDeleteDelayMs = 200;
    const result = await (async () => {
      const waiting = client.waitForDeletion({ object: "namespace/legacy" });
      await eventually(() => api.openWatches === 1, "watching the namespace");
      const response = await fetch(`${api.url}/api/v1/namespaces/legacy`, { method: "DELETE" });
      t.is(response.status, 200);
      return waiting;
    })();
    t.true(result.ok);
    t.is(events.ofKind("command")[0]!.display, "kubectl wait --for=delete namespace/legacy --timeout=300s");
    t.is(api.object({ apiVersion: "v1", kind: "Namespace", name: "legacy" }), undefined);
  } finally {
    await api.stop();
  }
});

test("waitForDeletion of something already gone succeeds at once", async (t) => {
  const { api, client } = await setup();
  try {
    t.true((await client.waitForDeletion({ object: "ns/legacy" })).ok);
    t.false(api.actions.some((a) => a.includes("watch=true")));
  } finally {
    await api.stop();
  }
});

test("waitForObjects waits for the VM's auto-registered WorkloadEntry", async (t) => {
  const { api, client } = await setup();
  try {
    const waiting = client.waitForObjects({
      resource: "workloadentries",
      namespace: "legacy",
      until: (objects) => objects.some((o) => workloadEntryView(o).autoRegisteredBy === "pegasus-pay"),
      describe: (objects) => `${objects.length} WorkloadEntry`,
    });
    await eventually(() => api.openWatches === 1, "watching");
    api.put({ apiVersion: "networking.istio.io/v1", kind: "WorkloadEntry", metadata: { name: "pegasus-pay-198.18.0.10", namespace: "legacy", annotations: { "istio.io/autoRegistrationGroup": "pegasus-pay" } }, spec: { address: "198.18.0.10" } });
    const result = await waiting;
    t.is(result.stdout, "workloadentries.networking.istio.io/legacy/pegasus-pay-198.18.0.10\n");
  } finally {
    await api.stop();
  }
});

test("a deadline that passes before the server ever answered says so, instead of claiming the object is missing", async (t) => {
  const api = await new MiniApi().start();
  const { session } = kubeSession({ api });
  await api.stop();
  const result = await new KubeClient({ session }).waitForCondition({ object: "deployment/istiod", namespace: "istio-system", condition: "Available", timeoutMs: 1000, nothrow: true });
  t.true(result.timedOut);
  t.regex(result.stderr, /não chegou a responder/);
  t.regex(result.stderr, /último erro do watch: .*ECONNREFUSED/);
  t.notRegex(result.stderr, /o objeto não existe/);
});

test("bad wait input is refused before anything is recorded", async (t) => {
  const { api, client, events } = await setup();
  try {
    await t.throwsAsync(client.waitForCondition({ object: "istiod", condition: "Available" }), { instanceOf: InputError });
    await t.throwsAsync(client.waitForCondition({ object: "deployment/istiod", condition: "Available; rm -rf" }), { instanceOf: InputError });
    await t.throwsAsync(client.waitForCondition({ object: "deployment/istiod", condition: "Available", timeoutMs: -5 }), { instanceOf: InputError });
    t.is(events.events.length, 0);
  } finally {
    await api.stop();
  }
});

test("plan mode records the wait without contacting anything", async (t) => {
  const { session, events } = testSession({ lines: { KUBECONFIG: "/nonexistent", KUBE_CONTEXT: "kind" }, mode: "plan" });
  const result = await new KubeClient({ session }).waitForCondition({ object: "crd/workloadentries.networking.istio.io", condition: "Established", timeoutMs: 60_000 });
  t.true(result.planned);
  t.is(events.ofKind("command")[0]!.display, "kubectl wait --for=condition=Established crd/workloadentries.networking.istio.io --timeout=60s");
});
