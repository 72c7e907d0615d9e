// Requests that are not plain CRUD: TokenRequest, TokenReview, SelfSubjectReview, SelfSubjectAccessReview,
// pods/binding, the scale subresource and namespaces/finalize.
import type { KubeObject } from "../../contracts.js";
import { ApiError } from "../../contracts.js";
import type { ResourceDef } from "../../resources/catalog.js";
import { badRequest, conflict, invalid, notFound } from "../../store/errors.js";
import { formatSelector } from "../tables/format.js";
import type { UserInfo, WriteOptions } from "../../registry/request.js";
import { applyJsonPatch } from "../../registry/patch/json-patch.js";
import { applyMergePatch } from "../../registry/patch/merge-patch.js";
import { applyStrategicMergePatch } from "../../registry/patch/strategic-merge.js";
import { builtinSchema } from "../../resources/schema.js";
import { issueServiceAccountToken } from "../tokens.js";
import type { HandlerContext } from "./context.js";

type Obj = Record<string, any>;

/** POST serviceaccounts/NAME/token: issues a bound or unbound ServiceAccount token. */
export const createToken = async (context: HandlerContext, namespace: string, name: string, body: unknown): Promise<KubeObject> => {
  const request = (body ?? {}) as Obj;
  const spec = (request["spec"] ?? {}) as Obj;
  const expirationSeconds = spec["expirationSeconds"] ?? 3600;
  const requestName = (request["metadata"]?.["name"] as string | undefined) ?? "";
  if (typeof expirationSeconds !== "number" || expirationSeconds < 600) {
    throw invalid({ group: "authentication.k8s.io", kind: "TokenRequest" }, requestName, [
      { reason: "FieldValueInvalid", field: "spec.expirationSeconds", message: `Invalid value: ${JSON.stringify(expirationSeconds)}: may not specify a duration less than 10 minutes` },
    ]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalid({ group: "authentication.k8s.io", kind: "TokenRequest" }, requestName, [
      { reason: "FieldValueInvalid", field: "spec.expirationSeconds", message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` },
    ]);
  }
  const store = context.registry.store;
  const sa = store.get({ group: "", resource: "serviceaccounts" }, namespace, name);
  if (!sa) throw notFound({ group: "", resource: "serviceaccounts" }, name);
  const audiences: string[] = Array.isArray(spec["audiences"]) && spec["audiences"].length ? spec["audiences"] : [context.issuer];
  const ref = spec["boundObjectRef"] as Obj | null | undefined;
  let boundObject: { kind: "Pod" | "Secret" | "Node"; name: string; uid: string } | undefined;
  if (ref) {
    const kind = ref["kind"] as string;
    const resource = kind === "Pod" ? "pods" : kind === "Secret" ? "secrets" : kind === "Node" ? "nodes" : undefined;
    if (!resource) throw badRequest(`cannot bind token for object of type ${kind}`);
    const target = store.get({ group: "", resource }, kind === "Node" ? undefined : namespace, ref["name"]);
    if (!target) throw notFound({ group: "", resource }, ref["name"]);
    if (ref["uid"] && ref["uid"] !== target.metadata.uid) {
      throw conflict({ group: "", resource }, ref["name"], `the UID in the bound object reference (${ref["uid"]}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    boundObject = { kind: kind as "Pod" | "Secret" | "Node", name: target.metadata.name, uid: target.metadata.uid! };
  }
  const issued = issueServiceAccountToken({
    privateKey: context.saKey,
    issuer: context.issuer,
    namespace,
    serviceAccount: { name, uid: sa.metadata.uid! },
    audiences,
    expirationSeconds,
    boundObject,
  });
  return {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: null } as unknown as KubeObject["metadata"],
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  };
};

/** POST tokenreviews: authenticates a token for the requested audiences (istiod validates istio-tokens this way). */
export const reviewToken = (context: HandlerContext, body: unknown): KubeObject => {
  const spec = ((body as Obj | undefined)?.["spec"] ?? {}) as Obj;
  if (typeof spec["token"] !== "string" || !spec["token"]) {
    throw invalid({ group: "authentication.k8s.io", kind: "TokenReview" }, "", [{ reason: "FieldValueRequired", field: "spec.token", message: "Required value" }]);
  }
  const audiences: string[] = Array.isArray(spec["audiences"]) ? spec["audiences"] : [];
  const result = context.authenticator.authenticateToken(spec["token"], audiences);
  const status: Obj = result.ok
    ? { authenticated: true, user: result.user, audiences: result.audiences }
    : { user: {}, error: result.error };
  return { kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null } as unknown as KubeObject["metadata"], spec, status };
};

/** POST selfsubjectreviews (`kubectl auth whoami`). */
export const selfSubjectReview = (user: UserInfo): KubeObject => ({
  kind: "SelfSubjectReview",
  apiVersion: "authentication.k8s.io/v1",
  metadata: { creationTimestamp: null } as unknown as KubeObject["metadata"],
  status: { userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } },
});

/** POST selfsubjectaccessreviews (`kubectl auth can-i`): the lab has no RBAC, so everything is allowed. */
export const selfSubjectAccessReview = (body: unknown): KubeObject => ({
  kind: "SelfSubjectAccessReview",
  apiVersion: "authorization.k8s.io/v1",
  metadata: { creationTimestamp: null } as unknown as KubeObject["metadata"],
  spec: ((body as Obj | undefined)?.["spec"] ?? {}) as Obj,
  status: { allowed: true, reason: "the lab's API server authorizes every authenticated user (no RBAC)" },
});

/** POST pods/NAME/binding: assigns the pod to a node (what a scheduler does). */
export const bindPod = async (context: HandlerContext, namespace: string, name: string, body: unknown): Promise<KubeObject> => {
  const target = ((body as Obj | undefined)?.["target"] ?? {}) as Obj;
  if (!target["name"]) throw invalid({ group: "", kind: "Binding" }, name, [{ reason: "FieldValueRequired", field: "target.name", message: "Required value" }]);
  const pods = context.registry.resolve({ group: "", version: "v1", resource: "pods" });
  const pod = await context.registry.get(pods, "v1", namespace, name);
  if (pod.spec?.nodeName) throw conflict({ group: "", resource: "pods" }, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  pod.spec.nodeName = target["name"];
  const conditions = ((pod.status?.conditions as Obj[] | undefined) ?? []).filter((c) => c["type"] !== "PodScheduled");
  conditions.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
  context.registry.store.update({ group: "", resource: "pods" }, { ...pod, status: { ...(pod.status ?? {}), conditions } });
  return { kind: "Status", apiVersion: "v1", metadata: {} as KubeObject["metadata"], status: "Success", code: 201 };
};

const selectorString = (def: ResourceDef, o: KubeObject): string => {
  if (def.crd) {
    const path = def.versions[0]?.scale?.labelSelectorPath;
    const v = path ? path.replace(/^\./, "").split(".").reduce<unknown>((acc, k) => (acc as Obj | undefined)?.[k], o) : undefined;
    return typeof v === "string" ? v : "";
  }
  const s = formatSelector(o.spec?.selector);
  return s === "<none>" ? "" : s;
};

const readPath = (o: KubeObject, path: string | undefined): unknown => (path ?? "").replace(/^\./, "").split(".").filter(Boolean).reduce<unknown>((acc, k) => (acc as Obj | undefined)?.[k], o);

/** The autoscaling/v1 Scale of a workload. */
export const toScale = (def: ResourceDef, o: KubeObject): KubeObject => {
  const scale = def.crd ? def.versions[0]?.scale : undefined;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: (scale ? readPath(o, scale.specReplicasPath) : o.spec?.replicas) ?? 0 },
    status: { replicas: (scale ? readPath(o, scale.statusReplicasPath) : o.status?.replicas) ?? 0, selector: selectorString(def, o) },
  };
};

/** PUT or PATCH …/scale: changes spec.replicas. */
export const updateScale = async (context: HandlerContext, def: ResourceDef, version: string, namespace: string | undefined, name: string, change: { body?: unknown; patchType?: string; patch?: unknown }, options: WriteOptions): Promise<KubeObject> => {
  const current = await context.registry.get(def, version, namespace, name);
  let scale = toScale(def, current);
  if (change.patchType) {
    const type = change.patchType.split(";")[0]!.trim();
    if (type === "application/json-patch+json") scale = applyJsonPatch(scale, change.patch) as KubeObject;
    else if (type === "application/strategic-merge-patch+json") scale = applyStrategicMergePatch(scale, change.patch, builtinSchema("V1Scale")) as KubeObject;
    else if (type === "application/merge-patch+json" || type === "application/apply-patch+yaml") scale = applyMergePatch(scale, change.patch) as KubeObject;
    else throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  } else scale = (change.body ?? {}) as KubeObject;
  const replicas = (scale.spec as Obj | undefined)?.["replicas"];
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid({ group: "autoscaling", kind: "Scale" }, name, [{ reason: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const rv = scale.metadata?.resourceVersion;
  const path = def.crd ? def.versions[0]?.scale?.specReplicasPath ?? ".spec.replicas" : ".spec.replicas";
  const updated = structuredClone(current);
  const keys = path.replace(/^\./, "").split(".");
  let target: Obj = updated as Obj;
  for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Obj;
  target[keys[keys.length - 1]!] = replicas;
  if (rv) updated.metadata.resourceVersion = rv;
  else delete updated.metadata.resourceVersion;
  return toScale(def, await context.registry.update(def, version, namespace, name, updated, options));
};

/** PUT namespaces/NAME/finalize: replaces spec.finalizers (the namespace controller's last step). */
export const finalizeNamespace = async (context: HandlerContext, name: string, body: unknown, options: WriteOptions): Promise<KubeObject> => {
  const finalizers = ((body as Obj | undefined)?.["spec"]?.["finalizers"] as string[] | undefined) ?? [];
  return context.registry.finalizeNamespace(name, finalizers, options);
};
