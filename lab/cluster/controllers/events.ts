// core/v1 Events written by controllers (ScalingReplicaSet, SuccessfulCreate…), aggregated by object+reason+message.
import { createHash } from "node:crypto";
import type { ClusterApi, KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { types } from "./types.js";

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/** Records an event about `object` (repeats bump count and lastTimestamp). Errors are ignored, like client-go's recorder. */
export const recordEvent = async (api: ClusterApi, object: KubeObject, type: "Normal" | "Warning", reason: string, message: string, component: string): Promise<void> => {
  const namespace = object.metadata.namespace ?? "default";
  const hash = createHash("sha1").update(`${object.metadata.uid}|${reason}|${message}`).digest("hex").slice(0, 16);
  const name = `${object.metadata.name}.${hash}`;
  try {
    const existing = await api.get(types.events, name, namespace).catch((e: unknown) => {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    });
    if (existing) {
      await api.update(types.events, { ...existing, count: Number(existing["count"] ?? 1) + 1, lastTimestamp: now() });
      return;
    }
    await api.create(types.events, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: now(),
      lastTimestamp: now(),
      count: 1,
      reportingComponent: component,
      reportingInstance: "",
    });
  } catch {
    // Events are best effort.
  }
};
