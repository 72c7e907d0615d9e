// The istiod stand-in's informer: list, cache, watch from the list's resourceVersion, re-list when the watch ends.
import test from "ava";
import { setTimeout as sleep } from "node:timers/promises";
import { Informer, MIN_WATCH_MS, watchPath, type InformerEvent } from "../../../../../lab/istio/istiod/kube/informer.js";
import type { KubeJson, KubeRest, KubeWatchEvent } from "../../../../../lab/istio/istiod/kube/rest.js";

/** A REST double: answers lists from `lists` (the last one repeats) and plays `events` on the first watch. */
const fakeRest = ({ lists, events = [], watchHoldsMs = 0 }: { lists: KubeJson[]; events?: KubeWatchEvent[]; watchHoldsMs?: number }) => {
  const calls: string[] = [];
  let listed = 0;
  let watched = 0;
  const rest = {
    request: async (_method: string, path: string) => {
      calls.push(path);
      return lists[Math.min(listed++, lists.length - 1)];
    },
    watch: async (path: string, onEvent: (event: KubeWatchEvent) => void, signal: AbortSignal) => {
      calls.push(path);
      if (watched++ === 0) for (const event of events) onEvent(event);
      await sleep(watchHoldsMs, undefined, { signal }).catch(() => undefined);
    },
  };
  return { rest: rest as unknown as KubeRest, calls };
};

const configMap = (name: string, resourceVersion: string): KubeJson => ({ metadata: { name, namespace: "default", resourceVersion } });
const list = (resourceVersion: string, ...items: KubeJson[]): KubeJson => ({ kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion }, items });

test("the watch URL joins a path that already has a query with &", (t) => {
  t.is(watchPath("/api/v1/configmaps?fieldSelector=metadata.name%3Droot", "12"), "/api/v1/configmaps?fieldSelector=metadata.name%3Droot&watch=1&allowWatchBookmarks=true&resourceVersion=12");
  t.is(watchPath("/api/v1/namespaces", ""), "/api/v1/namespaces?watch=1&allowWatchBookmarks=true");
});

test("lists into the cache, then watches from the list's resourceVersion with the selector kept", async (t) => {
  const { rest, calls } = fakeRest({ lists: [list("7", configMap("a", "5"))], watchHoldsMs: 60_000 });
  const seen: InformerEvent[] = [];
  const informer = new Informer(rest, "/api/v1/configmaps?fieldSelector=metadata.name%3Da", (e) => seen.push(e)).start();
  await informer.synced;
  await sleep(50);
  await informer.stop();
  t.deepEqual(calls, ["/api/v1/configmaps?fieldSelector=metadata.name%3Da", "/api/v1/configmaps?fieldSelector=metadata.name%3Da&watch=1&allowWatchBookmarks=true&resourceVersion=7"]);
  t.deepEqual(seen.map((e) => [e.type, e.object["metadata"]["name"], e.object["kind"]]), [["ADDED", "a", "ConfigMap"]]);
  t.is(informer.get("default", "a")?.["apiVersion"], "v1");
});

test("watch events change the cache; a re-list deletes what is gone and does not repeat what is unchanged", async (t) => {
  const { rest } = fakeRest({
    lists: [list("7", configMap("a", "5"), configMap("b", "6")), list("9", configMap("a", "5"), configMap("c", "8"))],
    events: [{ type: "MODIFIED", object: configMap("b", "7") }],
  });
  const seen: string[] = [];
  const informer = new Informer(rest, "/api/v1/configmaps", (e) => seen.push(`${e.type} ${e.object["metadata"]["name"]}@${e.object["metadata"]["resourceVersion"]}`)).start();
  await informer.synced;
  await sleep(MIN_WATCH_MS + 300);
  await informer.stop();
  t.deepEqual(seen, ["ADDED a@5", "ADDED b@6", "MODIFIED b@7", "ADDED c@8", "DELETED b@7"]);
  t.deepEqual(informer.items().map((o) => o["metadata"]["name"]).sort(), ["a", "c"]);
});

test("a server that ends every watch at once is re-listed about once a second, not in a busy loop", async (t) => {
  const { rest, calls } = fakeRest({ lists: [list("7")] });
  const informer = new Informer(rest, "/api/v1/configmaps", () => undefined).start();
  await informer.synced;
  await sleep(MIN_WATCH_MS * 2 + 200);
  await informer.stop();
  const lists = calls.filter((c) => !c.includes("watch=1")).length;
  t.true(lists >= 2 && lists <= 4, `${lists} lists in ${MIN_WATCH_MS * 2 + 200} ms`);
});
