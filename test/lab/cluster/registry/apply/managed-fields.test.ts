// Server-side apply: merge (not replace), removal of fields a manager stops applying, conflicts and force.
import test from "ava";
import type { KubeObject } from "../../../../../lab/cluster/contracts.js";
import { ApplyConflictError, serverSideApply, trackUpdate } from "../../../../../lab/cluster/registry/apply/managed-fields.js";
import { builtinSchema } from "../../../../../lab/cluster/resources/schema.js";

const schema = builtinSchema("V1Deployment");
const deploy = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", ...metadata }, spec });
const apply = (live: KubeObject | undefined, applied: KubeObject, manager: string, force = false) => serverSideApply({ live, applied, schema, manager, apiVersion: "apps/v1", force });

test("a second apply by another manager merges instead of replacing", (t) => {
  const first = apply(undefined, deploy({ replicas: 2, template: { spec: { containers: [{ name: "a", image: "a:1" }] } } }), "kubectl");
  const second = apply(first, deploy({}, { annotations: { note: "x" } }), "kubectl-last-applied");
  t.is(second.spec.replicas, 2);
  t.is(second.spec.template.spec.containers[0].image, "a:1");
  t.deepEqual(second.metadata.annotations, { note: "x" });
});

test("containers merge by name: another manager's container survives", (t) => {
  const a = apply(undefined, deploy({ template: { spec: { containers: [{ name: "app", image: "app:1" }] } } }), "app-team");
  const b = apply(a, deploy({ template: { spec: { containers: [{ name: "sidecar", image: "proxy:1" }] } } }), "mesh");
  t.deepEqual(b.spec.template.spec.containers.map((c: { name: string }) => c.name), ["app", "sidecar"]);
});

test("a field the manager stops applying is removed", (t) => {
  const a = apply(undefined, deploy({ replicas: 3, minReadySeconds: 5 }), "kubectl");
  const b = apply(a, deploy({ replicas: 3 }), "kubectl");
  t.is(b.spec.minReadySeconds, undefined);
  t.is(b.spec.replicas, 3);
});

test("changing a field another manager owns is a conflict naming it, unless forced", (t) => {
  const live = deploy({ replicas: 1 });
  trackUpdate({ previous: undefined, next: live, schema, manager: "kubectl-client-side-apply", apiVersion: "apps/v1" });
  const err = t.throws(() => apply(live, deploy({ replicas: 5 }), "kubectl"), { instanceOf: ApplyConflictError });
  t.is(err?.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  const forced = apply(live, deploy({ replicas: 5 }), "kubectl", true);
  t.is(forced.spec.replicas, 5);
  const owners = (forced.metadata.managedFields as Array<{ manager: string; fieldsV1: Record<string, unknown> }>).filter((m) => JSON.stringify(m.fieldsV1).includes("f:replicas"));
  t.deepEqual(owners.map((m) => m.manager), ["kubectl"]);
});

test("applying the same value another manager set shares ownership without conflict", (t) => {
  const live = deploy({ replicas: 1 });
  trackUpdate({ previous: undefined, next: live, schema, manager: "editor", apiVersion: "apps/v1" });
  t.notThrows(() => apply(live, deploy({ replicas: 1 }), "kubectl"));
});
