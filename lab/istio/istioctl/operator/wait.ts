// Waiting for a component's resources the way istioctl does: a Deployment is ready when its newest ReplicaSet has
// spec.replicas ready pods (CRDs: Established, on current releases). Readiness is re-checked on every watch event of
// the namespace's ReplicaSets until the readiness timeout, which fails with the release's error text.
import type { ReleaseFacts } from "../../release/versions.js";
import { formatGoDuration } from "../cli/go-values.js";
import type { KubeClient, KubeObj } from "../kube/client.js";
import { collectionPath, objectPath, resourceKind } from "../kube/resources.js";

/** What a component waits for. */
export interface WaitTargets {
  deployments: Array<{ namespace: string; name: string }>;
  crds: string[];
}

/** One pass over the targets: the ids not ready yet and, on current releases, why ("container failed to start: …"). */
interface Readiness {
  ready: boolean;
  notReady: string[];
  debug: Map<string, string>;
}

const REVISION = "deployment.kubernetes.io/revision";

/** The newest ReplicaSet of a Deployment (owned by it, with its revision), if the controller made it. */
const newReplicaSet = async (client: KubeClient, deployment: KubeObj): Promise<KubeObj | undefined> => {
  const ns = deployment["metadata"]["namespace"] as string;
  const list = await client.request("GET", collectionPath(resourceKind("ReplicaSet"), ns));
  const owned = ((list["items"] ?? []) as KubeObj[]).filter((rs) => (rs["metadata"]["ownerReferences"] ?? []).some((o: KubeObj) => o["uid"] === deployment["metadata"]["uid"]));
  const revision = deployment["metadata"]["annotations"]?.[REVISION];
  return owned.find((rs) => revision !== undefined && rs["metadata"]["annotations"]?.[REVISION] === revision);
};

/** Why the Deployment's newest pod is not ready (istioctl's extractPodFailureReason). */
const podFailureReason = async (client: KubeClient, deployment: KubeObj): Promise<string> => {
  const ns = deployment["metadata"]["namespace"] as string;
  const selector = Object.entries((deployment["spec"]["selector"]?.["matchLabels"] ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const pods = ((await client.request("GET", collectionPath(resourceKind("Pod"), ns), { query: { labelSelector: selector } }))["items"] ?? []) as KubeObj[];
  pods.sort((a, b) => String(b["metadata"]["creationTimestamp"]).localeCompare(String(a["metadata"]["creationTimestamp"])));
  for (const pod of pods) {
    for (const cs of (pod["status"]?.["containerStatuses"] ?? []) as KubeObj[]) {
      const waiting = cs["state"]?.["waiting"];
      if (waiting) return `container failed to start: ${waiting["reason"] ?? ""}: ${waiting["message"] ?? ""}`;
    }
    const readyCondition = ((pod["status"]?.["conditions"] ?? []) as KubeObj[]).find((c) => c["type"] === "Ready");
    if (readyCondition && readyCondition["status"] === "False") return String(readyCondition["message"] ?? "");
  }
  return "";
};

/** Checks every target once. */
const check = async (client: KubeClient, facts: ReleaseFacts, targets: WaitTargets): Promise<Readiness> => {
  const notReady: string[] = [];
  const debug = new Map<string, string>();
  let ready = true;
  for (const d of targets.deployments) {
    const deployment = await client.request("GET", objectPath(resourceKind("Deployment"), d.name, d.namespace));
    const rs = await newReplicaSet(client, deployment);
    if (!rs) {
      ready = false;
      continue;
    }
    if (Number(rs["status"]?.["readyReplicas"] ?? 0) >= Number(deployment["spec"]["replicas"] ?? 1)) continue;
    ready = false;
    const id = `Deployment/${d.namespace}/${d.name}`;
    notReady.push(id);
    if (facts.waitDebugInfo) {
      const reason = await podFailureReason(client, deployment);
      if (reason) debug.set(id, reason);
    }
  }
  if (facts.waitDebugInfo) {
    for (const name of targets.crds) {
      const crd = await client.request("GET", objectPath(resourceKind("CustomResourceDefinition"), name));
      const established = ((crd["status"]?.["conditions"] ?? []) as KubeObj[]).some((c) => c["type"] === "Established" && c["status"] === "True");
      if (!established) {
        ready = false;
        notReady.push("CustomResourceDefinition/", name);
      }
    }
  }
  return { ready, notReady, debug };
};

/** The error istioctl gives when the timeout passes (`resources not ready after 5m0s: …`). */
const timeoutMessage = (facts: ReleaseFacts, timeoutMs: number, last: Readiness): string => {
  const lines = facts.waitDebugInfo ? last.notReady.map((id) => (last.debug.has(id) ? `  ${id} (${last.debug.get(id)})` : "  ")) : last.notReady;
  return `resources not ready after ${formatGoDuration(timeoutMs)}: ${facts.waitTimeoutText}\n${lines.join("\n")}`;
};

/**
 * Waits until the targets are ready; `onWaiting` gets the not-ready ids whenever a check finds some. Resolves to
 * undefined when ready, or to the timeout error text.
 */
export const waitForResources = async ({ client, facts, targets, timeoutMs, onWaiting }: { client: KubeClient; facts: ReleaseFacts; targets: WaitTargets; timeoutMs: number; onWaiting: (ids: string[]) => void }): Promise<string | undefined> => {
  const timeout = AbortSignal.timeout(timeoutMs);
  const collections = [
    ...[...new Set(targets.deployments.map((d) => d.namespace))].map((ns) => collectionPath(resourceKind("ReplicaSet"), ns)),
    ...(targets.crds.length && facts.waitDebugInfo ? [collectionPath(resourceKind("CustomResourceDefinition"))] : []),
  ];
  let last: Readiness | undefined;
  for (;;) {
    // The collections' versions first, then the check: a change after the check still wakes the watch below.
    const versions = await Promise.all(collections.map(async (path) => String((await client.request("GET", path))["metadata"]?.["resourceVersion"] ?? "0")));
    last = await check(client, facts, targets);
    if (last.ready) return undefined;
    onWaiting(last.notReady);
    if (timeout.aborted) break;
    const changed = new AbortController();
    const stop = () => changed.abort();
    timeout.addEventListener("abort", stop, { once: true });
    const watches = collections.map((path, i) => client.watch(path, { resourceVersion: versions[i], allowWatchBookmarks: "false" }, () => true, changed.signal));
    await Promise.race(watches.map((w) => w.catch(() => true)));
    changed.abort();
    await Promise.allSettled(watches);
    timeout.removeEventListener("abort", stop);
    if (timeout.aborted) break;
  }
  return timeoutMessage(facts, timeoutMs, last);
};
