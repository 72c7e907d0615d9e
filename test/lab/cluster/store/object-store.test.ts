// The object store: resourceVersions, watch from a version, 410 when too old, selector watches, pagination.
import test from "ava";
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { ApiError } from "../../../../lab/cluster/contracts.js";
import { ObjectStore, type StoreEvent } from "../../../../lab/cluster/store/object-store.js";
import { parseLabelSelector } from "../../../../lab/cluster/store/selectors.js";

const gr = { group: "", resource: "configmaps" };
const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", labels } });

test("every write gets a higher resourceVersion; a stale update is a Conflict", (t) => {
  const store = new ObjectStore();
  const a = store.create(gr, cm("a"));
  const b = store.update(gr, { ...a, data: { x: "1" } });
  t.true(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  const err = t.throws(() => store.update(gr, { ...a, data: { x: "2" } }), { instanceOf: ApiError });
  t.is(err?.reason, "Conflict");
  t.is(err?.message, 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  t.is(t.throws(() => store.create(gr, cm("a")), { instanceOf: ApiError })?.reason, "AlreadyExists");
});

test("a watch from a resourceVersion replays what happened after it, in order", (t) => {
  const store = new ObjectStore();
  const a = store.create(gr, cm("a"));
  store.update(gr, { ...a, data: { x: "1" } });
  store.delete(gr, "ns", "a");
  const seen: string[] = [];
  const w = store.watch(gr, {}, a.metadata.resourceVersion, (e) => seen.push(e.type));
  w.stop();
  t.deepEqual(seen, ["MODIFIED", "DELETED"]);
});

test("a watch from a version older than the history is 410 Expired", (t) => {
  const store = new ObjectStore({ historySize: 2 });
  const first = store.create(gr, cm("a"));
  for (const n of ["b", "c", "d"]) store.create(gr, cm(n));
  const err = t.throws(() => store.watch(gr, {}, first.metadata.resourceVersion, () => {}), { instanceOf: ApiError });
  t.is(err?.code, 410);
  t.regex(err!.message, /^too old resource version: \d+ \(\d+\)$/);
});

test("a selector watch turns an object leaving the selection into DELETED and entering into ADDED", (t) => {
  const store = new ObjectStore();
  const events: StoreEvent[] = [];
  store.watch(gr, { labels: parseLabelSelector("app=web") }, "", (e) => events.push(e));
  const o = store.create(gr, cm("a", { app: "db" }));
  const inSel = store.update(gr, { ...o, metadata: { ...o.metadata, labels: { app: "web" } } });
  store.update(gr, { ...inSel, metadata: { ...inSel.metadata, labels: { app: "db" } } });
  t.deepEqual(events.map((e) => e.type), ["ADDED", "DELETED"]);
});

test("lists page with limit and continue, in name order", (t) => {
  const store = new ObjectStore();
  for (const n of ["c", "a", "b"]) store.create(gr, cm(n));
  const page1 = store.list(gr, {}, { limit: 2 });
  t.deepEqual(page1.items.map((o) => o.metadata.name), ["a", "b"]);
  t.is(page1.remainingItemCount, 1);
  const page2 = store.list(gr, {}, { limit: 2, continue: page1.continue });
  t.deepEqual(page2.items.map((o) => o.metadata.name), ["c"]);
  t.is(page2.continue, undefined);
});

test("snapshots restore objects and the resourceVersion; older watches then get 410", (t) => {
  const store = new ObjectStore();
  const a = store.create(gr, cm("a"));
  store.create(gr, cm("b"));
  const restored = new ObjectStore();
  restored.restore(JSON.parse(JSON.stringify(store.snapshot())));
  t.is(restored.resourceVersion(), store.resourceVersion());
  t.deepEqual(restored.list(gr).items.map((o) => o.metadata.name), ["a", "b"]);
  t.is(t.throws(() => restored.watch(gr, {}, a.metadata.resourceVersion, () => {}), { instanceOf: ApiError })?.code, 410);
});
