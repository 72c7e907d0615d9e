// The Deployment controller: one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`), the new one
// scaled to `replicas`, older ones scaled down as new pods become available (a rolling update), revision
// annotations, and status with the Available and Progressing conditions `kubectl wait` and `rollout status` read.
import type { KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { fromStructured, matchesLabels } from "../store/selectors.js";
import { recordEvent } from "./events.js";
import { keyOf, splitKey, WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";
import { controllerRef, isControlledBy, nowStamp, podTemplateHash } from "./workload-helpers.js";

type Obj = Record<string, any>;
const component = "deployment-controller";
const revisionKey = "deployment.kubernetes.io/revision";

/** Creates the Deployment controller. */
export const deploymentController = (ctx: ControllerContext): Controller => {
  const stops: Array<() => void> = [];
  const queue = new WorkQueue(async (key) => sync(ctx, key), (key, error) => ctx.log(`deployment ${key}: ${(error as Error).message}`));
  return {
    name: "deployment",
    start: async () => {
      stops.push(ctx.api.watch(types.deployments, {}, (e) => queue.add(keyOf(e.object))));
      stops.push(
        ctx.api.watch(types.replicaSets, {}, (e) => {
          const ref = (e.object.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === "Deployment");
          if (ref) queue.add(`${e.object.metadata.namespace}/${ref.name}`);
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

const condition = (type: string, status: string, reason: string, message: string, previous: Obj[]): Obj => {
  const before = previous.find((c) => c["type"] === type);
  const changed = before?.["status"] !== status;
  return { type, status, lastUpdateTime: changed || before?.["reason"] !== reason ? nowStamp() : before["lastUpdateTime"], lastTransitionTime: changed ? nowStamp() : before["lastTransitionTime"], reason, message };
};

const sync = async (ctx: ControllerContext, key: string): Promise<void> => {
  const { namespace, name } = splitKey(key);
  const d = ctx.registry.store.get({ group: "apps", resource: "deployments" }, namespace, name);
  if (!d || d.metadata.deletionTimestamp) return;
  const selector = fromStructured(d.spec?.selector);
  const owned = ctx.registry.store.list({ group: "apps", resource: "replicasets" }, { namespace }).items.filter((rs) => isControlledBy(rs, d) && matchesLabels(selector, rs.metadata.labels));
  const template = structuredClone(d.spec?.template ?? {}) as Obj;
  const hash = podTemplateHash(template, Number(d.status?.collisionCount ?? 0));
  const replicas = Number(d.spec?.replicas ?? 1);
  const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[revisionKey] ?? 0)));
  let newRs = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  if (!newRs) {
    const labels = { ...(template["metadata"]?.["labels"] ?? {}), "pod-template-hash": hash };
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: `${d.metadata.name}-${hash}`, namespace, labels, annotations: { [revisionKey]: String(maxRevision + 1), "deployment.kubernetes.io/desired-replicas": String(replicas), "deployment.kubernetes.io/max-replicas": String(replicas + 1) }, ownerReferences: [controllerRef(d) as never] },
      spec: {
        replicas: owned.length ? Math.min(replicas, 1) : replicas,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), "pod-template-hash": hash } },
        template: { ...template, metadata: { ...(template["metadata"] ?? {}), labels } },
        ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      },
    };
    try {
      newRs = await ctx.api.create(types.replicaSets, rs);
      await recordEvent(ctx.api, d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${rs.metadata.name} from 0 to ${rs.spec.replicas}`, component);
    } catch (error) {
      if (error instanceof ApiError && error.code === 403) return;
      throw error;
    }
  } else if (Number(newRs.metadata.annotations?.[revisionKey] ?? 0) < maxRevision) {
    newRs = await ctx.api.update(types.replicaSets, { ...newRs, metadata: { ...newRs.metadata, annotations: { ...(newRs.metadata.annotations ?? {}), [revisionKey]: String(maxRevision + 1) } } });
  }
  const olds = owned.filter((rs) => rs.metadata.uid !== newRs!.metadata.uid);
  const oldAvailable = olds.reduce((n, rs) => n + Number(rs.status?.availableReplicas ?? 0), 0);
  const newAvailable = Number(newRs.status?.availableReplicas ?? 0);
  const recreate = d.spec?.strategy?.type === "Recreate";
  // New pods come up first (all at once when nothing old is left); old ones go as new ones become available.
  const wantNew = recreate && olds.some((rs) => Number(rs.status?.replicas ?? 0) > 0) ? 0 : !olds.length || oldAvailable === 0 ? replicas : Math.min(replicas, Math.max(Number(newRs.spec?.replicas ?? 0), newAvailable + 1));
  if (Number(newRs.spec?.replicas) !== wantNew) {
    await ctx.api.update(types.replicaSets, { ...newRs, spec: { ...newRs.spec, replicas: wantNew } });
    await recordEvent(ctx.api, d, "Normal", "ScalingReplicaSet", `Scaled ${wantNew > Number(newRs.spec?.replicas) ? "up" : "down"} replica set ${newRs.metadata.name} from ${newRs.spec?.replicas} to ${wantNew}`, component);
  }
  let budget = recreate ? Infinity : newAvailable;
  for (const rs of olds) {
    const current = Number(rs.spec?.replicas ?? 0);
    const target = recreate ? 0 : Math.max(0, Math.min(current, replicas - budget));
    budget = Math.max(0, budget - current);
    if (target !== current) {
      await ctx.api.update(types.replicaSets, { ...rs, spec: { ...rs.spec, replicas: target } });
      await recordEvent(ctx.api, d, "Normal", "ScalingReplicaSet", `Scaled down replica set ${rs.metadata.name} from ${current} to ${target}`, component);
    }
  }
  const limit = Number(d.spec?.revisionHistoryLimit ?? 10);
  const idleOld = olds.filter((rs) => Number(rs.spec?.replicas ?? 0) === 0 && Number(rs.status?.replicas ?? 0) === 0).sort((a, b) => Number(a.metadata.annotations?.[revisionKey] ?? 0) - Number(b.metadata.annotations?.[revisionKey] ?? 0));
  for (const rs of idleOld.slice(0, Math.max(0, idleOld.length - limit))) await ctx.api.delete(types.replicaSets, rs.metadata.name, namespace).catch(() => undefined);

  const all = [newRs, ...olds];
  const sum = (f: (rs: KubeObject) => number) => all.reduce((n, rs) => n + f(rs), 0);
  const total = sum((rs) => Number(rs.status?.replicas ?? 0));
  const ready = sum((rs) => Number(rs.status?.readyReplicas ?? 0));
  const available = sum((rs) => Number(rs.status?.availableReplicas ?? 0));
  const updated = Number(newRs.status?.replicas ?? 0);
  const previous = (d.status?.conditions as Obj[] | undefined) ?? [];
  const maxUnavailable = unavailableAllowance(d, replicas);
  const availableOk = available >= replicas - maxUnavailable;
  const complete = updated === replicas && Number(newRs.status?.availableReplicas ?? 0) === replicas && total === replicas;
  const conditions = [
    condition("Available", availableOk ? "True" : "False", availableOk ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", availableOk ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", previous),
    condition("Progressing", "True", complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", complete ? `ReplicaSet "${newRs.metadata.name}" has successfully progressed.` : `ReplicaSet "${newRs.metadata.name}" is progressing.`, previous),
  ];
  const status: Obj = { observedGeneration: d.metadata.generation, replicas: total, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available, unavailableReplicas: Math.max(0, replicas - available), conditions };
  for (const k of ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"]) if (!status[k]) delete status[k];
  if (d.status?.collisionCount) status["collisionCount"] = d.status.collisionCount;
  const strip = (s: Obj | undefined) => JSON.stringify({ ...(s ?? {}), conditions: ((s?.["conditions"] as Obj[] | undefined) ?? []).map((c) => ({ ...c, lastUpdateTime: undefined, lastTransitionTime: undefined })) });
  const revision = String(Number(newRs.metadata.annotations?.[revisionKey] ?? 1));
  if (d.metadata.annotations?.[revisionKey] !== revision) {
    await ctx.api.update(types.deployments, { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [revisionKey]: revision } } });
    return;
  }
  if (strip(d.status) !== strip(status)) await ctx.api.updateStatus(types.deployments, { ...d, status });
};

/** maxUnavailable of a RollingUpdate deployment in pods (25% by default, rounded down). */
const unavailableAllowance = (d: KubeObject, replicas: number): number => {
  if (d.spec?.strategy?.type === "Recreate") return 0;
  const v = d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m ? Math.floor((replicas * Number(m[1])) / 100) : Number(v) || 0;
};
