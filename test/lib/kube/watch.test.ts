import test from "ava";
import { loadKubeTarget } from "../../../lib/kube/kubeconfig.js";
import { watchUntil, WatchAbortedError, WatchTimeoutError, type WatchedObject } from "../../../lib/kube/watch.js";
import { MiniApi } from "./helpers/mini-api.js";
import { eventually } from "./helpers/kube-session.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const setup = async () => {
  const api = await new MiniApi().start();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "watch-")), "config");
  writeFileSync(file, api.kubeconfig());
  const { kubeConfig } = loadKubeTarget({ kubeconfig: file });
  return { api, kubeConfig };
};

const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "WorkloadEntry",
  metadata: { name, namespace: "legacy", labels: { app: "pegasus-pay" } },
  spec: { address: "198.18.0.10" },
  ...extra,
});

const PATH = "/apis/networking.istio.io/v1/namespaces/legacy/workloadentries";
const hasEntry = (objects: WatchedObject[]) => objects.some((o) => o.metadata?.name === "pegasus-pay-198.18.0.10");

test("resolves from the list when the condition already holds, without opening a watch", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.put(entry("pegasus-pay-198.18.0.10"));
    const outcome = await watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    t.is(outcome.lists, 1);
    t.is(outcome.events, 0);
    t.false(api.actions.some((a) => a.includes("watch=true")));
  } finally {
    await api.stop();
  }
});

test("watches from the list's resourceVersion and resolves when the object appears", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "the watch is open");
    const watchRequest = api.actions.find((a) => a.includes("watch=true"))!;
    t.regex(watchRequest, /resourceVersion=100/);
    t.regex(watchRequest, /allowWatchBookmarks=true/);
    api.put(entry("pegasus-pay-198.18.0.10"));
    const outcome = await waiting;
    t.is(outcome.objects.length, 1);
    t.is(outcome.reconnects, 0);
    await eventually(() => api.openWatches === 0, "the watch connection is closed after the wait");
  } finally {
    await api.stop();
  }
});

test("reopens a watch the server drops and resumes from the last resourceVersion seen", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.watchFaults.push({ kind: "close-after", events: 1 });
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "first watch open");
    const other = api.put(entry("someone-else"));
    await eventually(() => api.actions.filter((a) => a.includes("watch=true")).length === 2, "the watch was reopened");
    t.regex(api.actions.filter((a) => a.includes("watch=true"))[1]!, new RegExp(`resourceVersion=${other.metadata.resourceVersion}`));
    api.put(entry("pegasus-pay-198.18.0.10"));
    const outcome = await waiting;
    t.is(outcome.reconnects, 1);
    t.is(outcome.lists, 1);
    t.deepEqual(outcome.objects.map((o) => o.metadata?.name).sort(), ["pegasus-pay-198.18.0.10", "someone-else"]);
  } finally {
    await api.stop();
  }
});

test("relists after a 410 Gone sent as a watch ERROR event", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.watchFaults.push({ kind: "gone" });
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "second watch open after the relist");
    api.put(entry("pegasus-pay-198.18.0.10"));
    const outcome = await waiting;
    t.is(outcome.lists, 2);
  } finally {
    await api.stop();
  }
});

test("relists after a watch request answered with HTTP 410", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.watchFaults.push({ kind: "gone-http" });
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "watch open after the relist");
    api.put(entry("pegasus-pay-198.18.0.10"));
    t.is((await waiting).lists, 2);
  } finally {
    await api.stop();
  }
});

test("a silent connection is abandoned and reopened instead of hanging", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.watchFaults.push({ kind: "silent" });
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 20_000, idleTimeoutMs: 300 });
    await eventually(() => api.openWatches === 1, "a second, working watch is open");
    api.put(entry("pegasus-pay-198.18.0.10"));
    const outcome = await waiting;
    t.is(outcome.reconnects, 1);
  } finally {
    await api.stop();
  }
});

test("retries a watch that fails with a server error", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.watchFaults.push({ kind: "http-error", status: 500 });
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "watch open after the retry");
    api.put(entry("pegasus-pay-198.18.0.10"));
    t.is((await waiting).reconnects, 1);
  } finally {
    await api.stop();
  }
});

test("sees deletions: waits until nothing matches", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.put(entry("pegasus-pay-198.18.0.10"));
    const waiting = watchUntil({ kubeConfig, path: PATH, until: (objects) => objects.length === 0, timeoutMs: 10_000 });
    await eventually(() => api.openWatches === 1, "watch open");
    api.remove({ apiVersion: "networking.istio.io/v1", kind: "WorkloadEntry", name: "pegasus-pay-198.18.0.10", namespace: "legacy" });
    t.deepEqual((await waiting).objects, []);
  } finally {
    await api.stop();
  }
});

test("label and field selectors reach the server and filter what the condition sees", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.put(entry("pegasus-pay-198.18.0.10"));
    api.put({ ...entry("other"), metadata: { name: "other", namespace: "legacy", labels: { app: "x" } } });
    const outcome = await watchUntil({ kubeConfig, path: PATH, labelSelector: "app=pegasus-pay", until: (o) => o.length > 0, timeoutMs: 10_000 });
    t.deepEqual(outcome.objects.map((o) => o.metadata?.name), ["pegasus-pay-198.18.0.10"]);
    t.true(api.actions.some((a) => a.includes("labelSelector=app%3Dpegasus-pay")));
  } finally {
    await api.stop();
  }
});

test("rejects at the deadline with the last state seen", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    api.put(entry("someone-else"));
    const error = await t.throwsAsync(watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 2000 }), { instanceOf: WatchTimeoutError });
    t.deepEqual((error as WatchTimeoutError).lastSeen.map((o) => (o as WatchedObject).metadata?.name), ["someone-else"]);
    t.regex(error!.message, /a condição não foi atingida/);
    await eventually(() => api.openWatches === 0, "no watch left open after the deadline");
  } finally {
    await api.stop();
  }
});

test("rejects at the deadline with the connection error when the server is gone", async (t) => {
  const { api, kubeConfig } = await setup();
  await api.stop();
  const error = (await t.throwsAsync(watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 1000 }), { instanceOf: WatchTimeoutError })) as WatchTimeoutError;
  t.regex(error.lastError ?? "", /ECONNREFUSED/);
  t.is(error.lists, 0);
});

test("a condition that throws rejects at once instead of retrying until the deadline", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    const waiting = watchUntil({
      kubeConfig,
      path: PATH,
      until: (objects) => {
        if (objects.length) throw new Error("bug in the condition");
        return false;
      },
      timeoutMs: 60_000,
    });
    await eventually(() => api.openWatches === 1, "watch open");
    api.put(entry("x"));
    await t.throwsAsync(waiting, { message: "bug in the condition" });
  } finally {
    await api.stop();
  }
});

test("an abort signal stops the wait", async (t) => {
  const { api, kubeConfig } = await setup();
  try {
    const controller = new AbortController();
    const waiting = watchUntil({ kubeConfig, path: PATH, until: hasEntry, timeoutMs: 60_000, signal: controller.signal });
    await eventually(() => api.openWatches === 1, "watch open");
    controller.abort();
    await t.throwsAsync(waiting, { instanceOf: WatchAbortedError });
  } finally {
    await api.stop();
  }
});
