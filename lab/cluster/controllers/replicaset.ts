// The ReplicaSet controller: keeps `replicas` pods from the template (named `<rs>-<5 chars>`, owned by the RS)
// and reports replicas / readyReplicas / availableReplicas in its status.
import type { KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { fromStructured, matchesLabels } from "../store/selectors.js";
import { recordEvent } from "./events.js";
import { keyOf, splitKey, WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";
import { controllerRef, isActivePod, isControlledBy, isPodAvailable, isPodReady } from "./workload-helpers.js";

type Obj = Record<string, any>;
const component = "replicaset-controller";

/** Creates the ReplicaSet controller. */
export const replicaSetController = (ctx: ControllerContext): Controller => {
  const stops: Array<() => void> = [];
  const queue = new WorkQueue(async (key) => sync(ctx, key), (key, error) => ctx.log(`replicaset ${key}: ${(error as Error).message}`));
  const ownerKey = (pod: KubeObject): string | undefined => {
    const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === "ReplicaSet");
    return ref ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  };
  return {
    name: "replicaset",
    start: async () => {
      stops.push(ctx.api.watch(types.replicaSets, {}, (e) => queue.add(keyOf(e.object))));
      stops.push(
        ctx.api.watch(types.pods, {}, (e) => {
          const k = ownerKey(e.object);
          if (k) queue.add(k);
        }),
      );
    },
    stop: async () => {
      for (const s of stops) s();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};

const sync = async (ctx: ControllerContext, key: string): Promise<void> => {
  const { namespace, name } = splitKey(key);
  const rs = ctx.registry.store.get({ group: "apps", resource: "replicasets" }, namespace, name);
  if (!rs || rs.metadata.deletionTimestamp) return;
  const selector = fromStructured(rs.spec?.selector);
  const pods = ctx.registry.store
    .list({ group: "", resource: "pods" }, { namespace })
    .items.filter((p) => isControlledBy(p, rs) && matchesLabels(selector, p.metadata.labels));
  const active = pods.filter(isActivePod);
  const want = Number(rs.spec?.replicas ?? 1);
  if (active.length < want) {
    const template = (rs.spec?.template ?? {}) as Obj;
    for (let i = active.length; i < want; i++) {
      const pod: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "",
          generateName: `${rs.metadata.name}-`,
          namespace,
          labels: { ...(template["metadata"]?.["labels"] ?? {}) },
          ...(template["metadata"]?.["annotations"] ? { annotations: { ...template["metadata"]["annotations"] } } : {}),
          ownerReferences: [controllerRef(rs) as never],
        },
        spec: structuredClone(template["spec"] ?? {}),
      };
      try {
        const created = await ctx.api.create(types.pods, pod);
        await recordEvent(ctx.api, rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, component);
      } catch (error) {
        if (error instanceof ApiError && error.code === 403) return;
        await recordEvent(ctx.api, rs, "Warning", "FailedCreate", `Error creating: ${(error as Error).message}`, component);
        throw error;
      }
    }
  } else if (active.length > want) {
    const rank = (p: KubeObject) => (p.spec?.nodeName ? 1 : 0) + (isPodReady(p) ? 2 : 0);
    const victims = [...active].sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "")).slice(0, active.length - want);
    for (const p of victims) {
      await ctx.api.delete(types.pods, p.metadata.name, namespace).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      });
      await recordEvent(ctx.api, rs, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, component);
    }
  }
  const now = ctx.registry.store.list({ group: "", resource: "pods" }, { namespace }).items.filter((p) => isControlledBy(p, rs) && isActivePod(p));
  const labels = (rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  const status: Obj = {
    replicas: now.length,
    fullyLabeledReplicas: now.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: now.filter(isPodReady).length,
    availableReplicas: now.filter((p) => isPodAvailable(p, Number(rs.spec?.minReadySeconds ?? 0))).length,
    observedGeneration: rs.metadata.generation,
  };
  for (const k of ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]) if (!status[k]) delete status[k];
  const current = { ...(rs.status ?? {}) };
  delete current["conditions"];
  if (JSON.stringify(current) !== JSON.stringify(status)) {
    await ctx.api.updateStatus(types.replicaSets, { ...rs, status: { ...status, ...(rs.status?.conditions ? { conditions: rs.status.conditions } : {}) } });
  }
};
