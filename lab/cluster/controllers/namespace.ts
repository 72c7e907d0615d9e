// The namespace controller: every active namespace gets the `default` ServiceAccount and the `kube-root-ca.crt`
// ConfigMap; a namespace being deleted has its contents deleted, then its `kubernetes` finalizer removed (which
// makes the API server remove it and send the DELETED event kubectl waits for).
import type { KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { componentUser } from "../registry/request.js";
import { WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";

const ignoreExists = (e: unknown) => {
  if (!(e instanceof ApiError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
};

/** Creates the namespace controller. */
export const namespaceController = (ctx: ControllerContext): Controller => {
  const user = componentUser("namespace-controller");
  let stopWatch: (() => void) | undefined;
  const stopOthers: Array<() => void> = [];
  const queue = new WorkQueue(
    async (name) => {
      const ns = ctx.registry.store.get({ group: "", resource: "namespaces" }, undefined, name);
      if (!ns) return;
      if (ns.metadata.deletionTimestamp) {
        await finalize(ctx, ns, user);
        return;
      }
      if (!ctx.registry.store.get({ group: "", resource: "serviceaccounts" }, name, "default")) {
        await ctx.api.create(types.serviceAccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: name } }).catch(ignoreExists);
      }
      const cm = ctx.registry.store.get({ group: "", resource: "configmaps" }, name, "kube-root-ca.crt");
      if (!cm) {
        await ctx.api
          .create(types.configMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: name, annotations: { "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } }, data: { "ca.crt": ctx.caCert } })
          .catch(ignoreExists);
      } else if ((cm["data"] as Record<string, string> | undefined)?.["ca.crt"] !== ctx.caCert) {
        await ctx.api.update(types.configMaps, { ...cm, data: { "ca.crt": ctx.caCert } });
      }
    },
    (key, error) => ctx.log(`namespace ${key}: ${(error as Error).message}`),
  );
  return {
    name: "namespace",
    start: async () => {
      stopWatch = ctx.api.watch(types.namespaces, {}, (e) => {
        if (e.type !== "DELETED") queue.add(e.object.metadata.name);
      });
      // Recreate the default objects when someone deletes them, like the real controllers do.
      for (const type of [types.serviceAccounts, types.configMaps]) {
        stopOthers.push(ctx.api.watch(type, {}, (e) => {
          if (e.type === "DELETED" && (e.object.metadata.name === "default" || e.object.metadata.name === "kube-root-ca.crt")) queue.add(e.object.metadata.namespace!);
        }));
      }
    },
    stop: async () => {
      stopWatch?.();
      for (const s of stopOthers) s();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};

/** Deletes everything in a terminating namespace; removes the `kubernetes` finalizer once it is empty. */
const finalize = async (ctx: ControllerContext, ns: KubeObject, user: ReturnType<typeof componentUser>): Promise<void> => {
  const name = ns.metadata.name;
  let remaining = 0;
  for (const def of ctx.registry.catalog.all()) {
    if (!def.namespaced || !def.verbs.includes("list")) continue;
    const items = ctx.registry.store.list({ group: def.group, resource: def.plural }, { namespace: name }).items;
    if (!items.length) continue;
    remaining += items.length;
    for (const o of items) {
      if (o.metadata.deletionTimestamp) continue;
      try {
        await ctx.registry.delete(def, def.versions[0]!.name, name, o.metadata.name, { propagationPolicy: "Background" }, { user });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
  }
  const left = ctx.registry.catalog.all().some((def) => def.namespaced && ctx.registry.store.list({ group: def.group, resource: def.plural }, { namespace: name }).items.length > 0);
  if (remaining && left) throw new Error(`namespace ${name} still has content being deleted`);
  const finalizers = ((ns.spec?.finalizers as string[] | undefined) ?? []).filter((f) => f !== "kubernetes");
  await ctx.registry.finalizeNamespace(name, finalizers, { user });
};
