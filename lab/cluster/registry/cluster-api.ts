// The in-process ClusterApi (contracts.ts) on top of the registry: what controllers, the kubelet, DNS, the proxy
// and the istiod stand-in use inside the cluster daemon. `resource: "pods/binding"` style names reach
// subresources (binding, token, status, scale). Every call is recorded in the action log like an HTTP request.
import type { ClusterApi, KubeObject, ListOptions, ResourceType, WatchEvent } from "../contracts.js";
import { ApiError } from "../contracts.js";
import type { Registry } from "./registry.js";
import type { UserInfo } from "./request.js";
import { issueServiceAccountToken } from "../apiserver/tokens.js";
import type { KeyObject } from "node:crypto";
import { conflict, notFound } from "../store/errors.js";

type Obj = Record<string, any>;

/** Options of the in-process API. */
export interface InProcessApiOptions {
  registry: Registry;
  user: UserInfo;
  /** The field manager recorded in managedFields (the component's name). */
  fieldManager: string;
  /** For serviceaccounts/token. */
  tokens?: { key: KeyObject; issuer: string };
}

const split = (type: ResourceType): { base: ResourceType; subresource?: string } => {
  const [resource, subresource] = type.resource.split("/");
  return { base: { ...type, resource: resource! }, ...(subresource ? { subresource } : {}) };
};

/** Creates a ClusterApi acting as `user`. */
export const inProcessApi = (options: InProcessApiOptions): ClusterApi => {
  const { registry, user, fieldManager } = options;
  const write = { user, fieldManager, fieldValidation: "Ignore" as const };
  const action = (verb: string, type: ResourceType, extra: Obj = {}) => {
    const { base, subresource } = split(type);
    return { verb, group: base.group, version: base.version, resource: base.resource, ...(subresource ? { subresource } : {}), user: user.username, fieldManager, ...extra };
  };
  return {
    get: (type, name, namespace) =>
      registry.track(action("get", type, { name, ...(namespace ? { namespace } : {}) }), async () => {
        const { base } = split(type);
        return registry.get(registry.resolve(base), base.version, namespace, name);
      }),
    list: (type, listOptions: ListOptions = {}) =>
      registry.track(action("list", type, listOptions.namespace ? { namespace: listOptions.namespace } : {}), async () => {
        const { base } = split(type);
        const list = await registry.list(registry.resolve(base), base.version, listOptions);
        return list["items"] as KubeObject[];
      }),
    create: (type, object) =>
      registry.track(action("create", type, { name: object.metadata?.name, namespace: object.metadata?.namespace, body: object }), async () => {
        const { base, subresource } = split(type);
        const def = registry.resolve(base);
        if (!subresource) return registry.create(def, base.version, object.metadata.namespace, object, write);
        if (subresource === "binding" && def.plural === "pods") return bind(registry, object);
        if (subresource === "token" && def.plural === "serviceaccounts" && options.tokens) return token(registry, options.tokens, object);
        throw new ApiError(405, "MethodNotAllowed", `create is not supported on ${type.resource}`);
      }),
    update: (type, object) =>
      registry.track(action("update", type, { name: object.metadata.name, namespace: object.metadata.namespace }), async () => {
        const { base, subresource } = split(type);
        return registry.update(registry.resolve(base), base.version, object.metadata.namespace, object.metadata.name, object, { ...write, subresource });
      }),
    updateStatus: (type, object) =>
      registry.track(action("update", { ...type, resource: `${split(type).base.resource}/status` }, { name: object.metadata.name, namespace: object.metadata.namespace }), async () => {
        const { base } = split(type);
        return registry.update(registry.resolve(base), base.version, object.metadata.namespace, object.metadata.name, object, { ...write, subresource: "status" });
      }),
    delete: (type, name, namespace) =>
      registry.track(action("delete", type, { name, ...(namespace ? { namespace } : {}) }), async () => {
        const { base } = split(type);
        await registry.delete(registry.resolve(base), base.version, namespace, name, { propagationPolicy: "Background" }, write);
      }),
    watch: (type, listOptions, onEvent: (event: WatchEvent) => void) => {
      const { base } = split(type);
      const w = registry.watch(registry.resolve(base), base.version, listOptions, (e) => onEvent(e));
      return () => w.stop();
    },
  };
};

const bind = async (registry: Registry, binding: KubeObject): Promise<KubeObject> => {
  const gr = { group: "", resource: "pods" };
  const pod = registry.store.get(gr, binding.metadata.namespace, binding.metadata.name);
  if (!pod) throw notFound(gr, binding.metadata.name);
  if (binding.metadata.uid && binding.metadata.uid !== pod.metadata.uid) throw conflict(gr, binding.metadata.name, "the UID of the binding does not match the pod");
  if (pod.spec?.nodeName) throw conflict(gr, pod.metadata.name, `pod ${pod.metadata.name} is already assigned to node "${pod.spec.nodeName}"`);
  const target = (binding["target"] ?? {}) as Obj;
  pod.spec.nodeName = target["name"];
  const conditions = ((pod.status?.conditions as Obj[] | undefined) ?? []).filter((c) => c["type"] !== "PodScheduled");
  conditions.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
  pod.status = { ...(pod.status ?? {}), conditions };
  registry.store.update(gr, pod);
  return { apiVersion: "v1", kind: "Status", metadata: {} as KubeObject["metadata"], status: "Success", code: 201 };
};

const token = async (registry: Registry, tokens: { key: KeyObject; issuer: string }, request: KubeObject): Promise<KubeObject> => {
  const sa = registry.store.get({ group: "", resource: "serviceaccounts" }, request.metadata.namespace, request.metadata.name);
  if (!sa) throw notFound({ group: "", resource: "serviceaccounts" }, request.metadata.name);
  const spec = (request.spec ?? {}) as Obj;
  const ref = spec["boundObjectRef"] as Obj | undefined;
  const issued = issueServiceAccountToken({
    privateKey: tokens.key,
    issuer: tokens.issuer,
    namespace: request.metadata.namespace!,
    serviceAccount: { name: sa.metadata.name, uid: sa.metadata.uid! },
    audiences: spec["audiences"]?.length ? spec["audiences"] : [tokens.issuer],
    expirationSeconds: spec["expirationSeconds"] ?? 3600,
    ...(ref ? { boundObject: { kind: ref["kind"], name: ref["name"], uid: ref["uid"] } } : {}),
  });
  return { ...request, apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp } };
};
