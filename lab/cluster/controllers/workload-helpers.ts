// Helpers shared by the workload controllers: pod-template-hash, owner references, pod readiness.
import type { KubeObject } from "../contracts.js";
import { suffixAlphabet } from "../registry/names.js";

type Obj = Record<string, any>;

/** FNV-1a 32-bit hash. */
const fnv32a = (text: string): number => {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

/** The pod-template-hash label value of a template (the decimal FNV hash encoded with Kubernetes' safe alphabet). */
export const podTemplateHash = (template: unknown, collisionCount = 0): string =>
  [...String(fnv32a(JSON.stringify(template) + (collisionCount ? String(collisionCount) : "")))].map((c) => suffixAlphabet[c.charCodeAt(0) % suffixAlphabet.length]).join("");

/** A controller owner reference to `owner`. */
export const controllerRef = (owner: KubeObject): Obj => ({ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true });

/** True when `o` is controlled by `owner`. */
export const isControlledBy = (o: KubeObject, owner: KubeObject): boolean => (o.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata.uid);

/** True when the pod's Ready condition is True. */
export const isPodReady = (pod: KubeObject): boolean => ((pod.status?.conditions as Obj[] | undefined) ?? []).some((c) => c["type"] === "Ready" && c["status"] === "True");

/** True when the pod is ready and has been for minReadySeconds. */
export const isPodAvailable = (pod: KubeObject, minReadySeconds: number, now = Date.now()): boolean => {
  const ready = ((pod.status?.conditions as Obj[] | undefined) ?? []).find((c) => c["type"] === "Ready" && c["status"] === "True");
  if (!ready) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(ready["lastTransitionTime"] ?? "");
  return !Number.isNaN(since) && now - since >= minReadySeconds * 1000;
};

/** True for pods that count toward a ReplicaSet (not terminal, not being deleted). */
export const isActivePod = (pod: KubeObject): boolean => !pod.metadata.deletionTimestamp && !["Succeeded", "Failed"].includes(pod.status?.phase);

/** A Kubernetes timestamp for now. */
export const nowStamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
