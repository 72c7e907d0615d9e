// Kubernetes Events about pods (what `kubectl describe pod` and `kubectl get events` show), aggregated like the real
// recorder: a repeated event bumps `count` and `lastTimestamp` instead of making a new object.
import { randomBytes } from "node:crypto";
import type { ClusterApi, KubeObject } from "../contracts.js";

const EVENTS = { group: "", version: "v1", resource: "events" };

/** Who reports an event. */
export interface EventSource {
  component: string;
  host?: string;
}

/** Records events through the API; failures to record never break the caller (like client-go's recorder). */
export class EventRecorder {
  private readonly seen = new Map<string, { name: string; count: number; firstTimestamp: string }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly api: () => ClusterApi | undefined, private readonly onError: (error: unknown) => void = () => undefined) {}

  /** Records `reason`/`message` about `pod` (and `fieldPath`, e.g. `spec.containers{payment}`). Resolves once written. */
  record(pod: KubeObject, type: "Normal" | "Warning", reason: string, message: string, { fieldPath, source = { component: "kubelet", host: "lab-node" } }: { fieldPath?: string; source?: EventSource } = {}): Promise<void> {
    const work = async () => {
      const api = this.api();
      if (!api) return;
      const namespace = pod.metadata.namespace ?? "default";
      const key = [namespace, pod.metadata.uid, fieldPath ?? "", reason, message, source.component].join("\u0000");
      const now = new Date().toISOString();
      const prev = this.seen.get(key);
      const involvedObject = {
        kind: "Pod",
        namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: "v1",
        resourceVersion: pod.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      };
      if (prev) {
        prev.count++;
        try {
          const current = await api.get(EVENTS, prev.name, namespace);
          await api.update(EVENTS, { ...current, count: prev.count, lastTimestamp: now } as KubeObject);
          return;
        } catch {
          // gone (events expire): make a new one
        }
      }
      const name = `${pod.metadata.name}.${randomBytes(8).toString("hex")}`;
      const event: KubeObject = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject,
        reason,
        message,
        source,
        firstTimestamp: prev?.firstTimestamp ?? now,
        lastTimestamp: now,
        count: prev?.count ?? 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? "",
      };
      await api.create(EVENTS, event);
      this.seen.set(key, { name, count: prev?.count ?? 1, firstTimestamp: prev?.firstTimestamp ?? now });
    };
    const next = this.queue.then(work).catch((error) => this.onError(error));
    this.queue = next;
    return next;
  }

  /** Forgets the aggregation keys of a pod (it is gone). */
  forget(podUid: string | undefined): void {
    for (const key of this.seen.keys()) if (key.split("\u0000")[1] === podUid) this.seen.delete(key);
  }
}
