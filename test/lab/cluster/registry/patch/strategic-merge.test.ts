// Strategic merge patches as kubectl's client-side apply sends them: merge keys and directives, never stored.
import test from "ava";
import { applyStrategicMergePatch } from "../../../../../lab/cluster/registry/patch/strategic-merge.js";
import { builtinSchema } from "../../../../../lab/cluster/resources/schema.js";

const pod = builtinSchema("V1Pod");
const original = { metadata: { name: "p", labels: { a: "1", b: "2" }, finalizers: ["x"] }, spec: { containers: [{ name: "app", image: "app:1", env: [{ name: "A", value: "1" }] }, { name: "proxy", image: "proxy:1" }] } };

test("containers merge by name and null deletes a field", (t) => {
  const out = applyStrategicMergePatch(original, { metadata: { labels: { b: null } }, spec: { containers: [{ name: "app", image: "app:2" }] } }, pod) as any;
  t.deepEqual(out.metadata.labels, { a: "1" });
  t.deepEqual(out.spec.containers.map((c: any) => `${c.name}=${c.image}`), ["app=app:2", "proxy=proxy:1"]);
  t.deepEqual(out.spec.containers[0].env, [{ name: "A", value: "1" }]);
});

test("$patch: delete removes a list element; $setElementOrder orders; nothing $ is kept", (t) => {
  const out = applyStrategicMergePatch(original, { spec: { $setElementOrder$containers: undefined, "$setElementOrder/containers": [{ name: "proxy" }, { name: "app" }], containers: [{ name: "proxy", $patch: "delete" }] } }, pod) as any;
  t.deepEqual(out.spec.containers.map((c: any) => c.name), ["app"]);
  t.false(JSON.stringify(out).includes("$"));
});

test("$deleteFromPrimitiveList and $retainKeys", (t) => {
  const out = applyStrategicMergePatch(original, { metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] } }, pod) as any;
  t.deepEqual(out.metadata.finalizers, []);
  const dep = builtinSchema("V1Deployment");
  const d = applyStrategicMergePatch({ spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } }, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, dep) as any;
  t.deepEqual(d.spec.strategy, { type: "Recreate" });
});

test("$patch: replace swaps a whole map", (t) => {
  const out = applyStrategicMergePatch(original, { metadata: { labels: { $patch: "replace", c: "3" } } }, pod) as any;
  t.deepEqual(out.metadata.labels, { c: "3" });
});
