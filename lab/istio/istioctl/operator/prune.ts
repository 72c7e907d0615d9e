// Removing what an install made: after an install, objects of the same owner (istioctl's core labels) that the new
// manifests no longer contain; on uninstall --purge, everything with an `operator.istio.io/component` label (plus the
// CRDs, and on ≤ 1.20 the IstioOperator CRs). Each removal prints the release's "  Removed …." line.
import type { ReleaseFacts } from "../../release/versions.js";
import { KubeApiError, type KubeClient, type KubeObj } from "../kube/client.js";
import { collectionPath, objectPath, resourceKind, type ResourceKind } from "../kube/resources.js";
import { ownerLabels, type ComponentName, type InstallPlan } from "./plan.js";

const COMPONENT_LABEL = "operator.istio.io/component";

/** Namespaced kinds istioctl prunes, in its order (kinds the cluster does not serve are skipped, as istioctl does). */
const namespacedKinds = (facts: ReleaseFacts): string[] =>
  facts.version.minor < 21
    ? ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Deployment", "DaemonSet", "Service", "ConfigMap", "PersistentVolumeClaim", "Pod", "Secret", "ServiceAccount", "RoleBinding", "Role", "DestinationRule", "EnvoyFilter", "Gateway", "VirtualService", "PeerAuthentication"]
    : ["Deployment", "DaemonSet", "Service", "ConfigMap", "Pod", "Secret", "ServiceAccount", "RoleBinding", "Role", "PodDisruptionBudget", "HorizontalPodAutoscaler", "EnvoyFilter"];

/** Cluster-scoped kinds pruned after installs; uninstall --purge adds the CRDs. */
const clusterKinds = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ClusterRole", "ClusterRoleBinding"];

/** istioctl's name of an object in "Removed" lines: `Kind:ns:name` (≤ 1.20) or `group/version, Kind=Kind/name.ns`. */
export const removedName = (facts: ReleaseFacts, obj: KubeObj): string => {
  const kind = String(obj["kind"]);
  const ns = String(obj["metadata"]["namespace"] ?? "");
  const name = String(obj["metadata"]["name"]);
  if (facts.version.minor < 21) return `${kind}:${kind === "ClusterRole" || kind === "ClusterRoleBinding" ? "" : ns}:${name}`;
  const apiVersion = String(obj["apiVersion"]);
  return `${apiVersion.includes("/") ? apiVersion : `/${apiVersion}`}, Kind=${kind}/${name}.${ns}`;
};

/** Objects of a kind matching a label selector, across namespaces ([] when the cluster does not serve the kind). */
const listKind = async (client: KubeClient, kind: ResourceKind, labelSelector: string): Promise<KubeObj[]> => {
  try {
    const list = await client.request("GET", collectionPath(kind), { query: { labelSelector } });
    const itemKind = String(list["kind"] ?? "").replace(/List$/, "");
    return ((list["items"] ?? []) as KubeObj[]).map((o) => ({ apiVersion: list["apiVersion"], kind: itemKind, ...o }));
  } catch (error) {
    if (error instanceof KubeApiError) return [];
    throw error;
  }
};

/** Deletes one object and prints its line; "no longer exists" when it is already gone. */
const remove = async (client: KubeClient, facts: ReleaseFacts, obj: KubeObj, print: (line: string) => void): Promise<void> => {
  const kind = resourceKind(String(obj["kind"]));
  const name = removedName(facts, obj);
  try {
    await client.request("DELETE", objectPath(kind, String(obj["metadata"]["name"]), obj["metadata"]["namespace"]), {
      body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: facts.version.minor < 21 ? "Background" : "Foreground" },
    });
  } catch (error) {
    if (error instanceof KubeApiError && error.notFound) {
      print(`object: ${name} is not being deleted because it no longer exist${facts.version.minor < 21 ? "" : "s"}\n`);
      return;
    }
    throw error;
  }
  print(`  Removed ${name}.\n`);
};

const selectorOf = (labels: Record<string, string>): string => [...Object.entries(labels).map(([k, v]) => `${k}=${v}`), COMPONENT_LABEL].join(",");
const matches = (obj: KubeObj, labels: Record<string, string>): boolean => Object.entries(labels).every(([k, v]) => obj["metadata"]["labels"]?.[k] === v);
const keyOf = (obj: KubeObj): string => `${obj["kind"]}:${obj["metadata"]["namespace"] ?? ""}:${obj["metadata"]["name"]}`;

/** The key an applied object is remembered by. */
export const appliedKey = keyOf;

/** After an install: deletes the owner's objects of each component that the install did not apply. */
export const pruneAfterInstall = async ({ client, plan, applied, print }: { client: KubeClient; plan: InstallPlan; applied: Map<ComponentName, Set<string>>; print: (line: string) => void }): Promise<void> => {
  const selector = selectorOf(ownerLabels(plan));
  const components: ComponentName[] = ["Base", "Pilot", "IngressGateways", "EgressGateways"];
  for (const kindName of [...namespacedKinds(plan.facts), ...clusterKinds]) {
    const objects = await listKind(client, resourceKind(kindName), selector);
    for (const component of components) {
      const keep = applied.get(component) ?? new Set<string>();
      for (const obj of objects) {
        if (!matches(obj, ownerLabels(plan, component)) || keep.has(keyOf(obj))) continue;
        await remove(client, plan.facts, obj, print);
      }
    }
  }
};

/** Everything uninstall --purge removes, in istioctl's order (duplicates dropped). */
export const purgeList = async (client: KubeClient, facts: ReleaseFacts): Promise<KubeObj[]> => {
  const out: KubeObj[] = [];
  if (facts.installedState) out.push(...(await listKind(client, resourceKind("IstioOperator"), "")));
  for (const kindName of [...namespacedKinds(facts), ...clusterKinds, "CustomResourceDefinition"]) out.push(...(await listKind(client, resourceKind(kindName), COMPONENT_LABEL)));
  const seen = new Set<string>();
  return out.filter((o) => !seen.has(keyOf(o)) && Boolean(seen.add(keyOf(o))));
};

/** Deletes a list of objects (uninstall). */
export const deleteObjects = async (client: KubeClient, facts: ReleaseFacts, objects: readonly KubeObj[], print: (line: string) => void): Promise<void> => {
  for (const obj of objects) await remove(client, facts, obj, print);
};
