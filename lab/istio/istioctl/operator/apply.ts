// How istioctl writes one rendered object: server-side apply as field manager `istio-operator` with force (1.21+), or
// create-or-update with kubectl's last-applied annotation (≤ 1.20: GET, then POST, or a merge of the new object over
// the live one), each with the release's error text.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError } from "../cli/command.js";
import { KubeApiError, type KubeClient } from "../kube/client.js";
import { collectionPath, kindOfObject, objectPath } from "../kube/resources.js";
import type { Obj } from "./iop.js";

/** "Deployment/istio-system/istiod" (the form istioctl names objects in messages). */
export const objectLabel = (obj: Obj): string => `${obj["kind"]}/${obj["metadata"]?.["namespace"] ?? ""}/${obj["metadata"]?.["name"]}`;

/** Sorts keys recursively (Go's json.Marshal of maps). */
const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sorted((v as Obj)[k])])) : v;

/** Applies one object. */
export const applyObject = async (client: KubeClient, facts: ReleaseFacts, obj: Obj): Promise<void> => {
  const kind = kindOfObject(obj);
  const name = String(obj["metadata"]["name"]);
  const namespace = obj["metadata"]["namespace"] as string | undefined;
  const label = objectLabel(obj);
  if (facts.serverSideApply) {
    try {
      await client.request("PATCH", objectPath(kind, name, namespace), { query: { fieldManager: "istio-operator", force: "true" }, body: obj, contentType: "application/apply-patch+yaml" });
    } catch (error) {
      if (error instanceof KubeApiError) throw new CommandError(`failed to update resource with server-side apply for obj ${label}: ${error.message}`);
      throw error;
    }
    return;
  }
  const withAnnotation = structuredClone(obj);
  withAnnotation["metadata"]["annotations"] = { ...(withAnnotation["metadata"]["annotations"] ?? {}), "kubectl.kubernetes.io/last-applied-configuration": `${JSON.stringify(sorted(obj))}\n` };
  try {
    const live = await client.getOptional(objectPath(kind, name, namespace));
    if (!live) await client.request("POST", collectionPath(kind, namespace), { body: withAnnotation });
    else await client.request("PATCH", objectPath(kind, name, namespace), { body: withAnnotation, contentType: "application/merge-patch+json" });
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`failed to create ${JSON.stringify(label)}: ${error.message}`);
    throw error;
  }
};
