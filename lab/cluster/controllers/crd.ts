// The CRD controller: accepts names (NamesAccepted), establishes (Established) and serves each CRD's custom
// resource in discovery and OpenAPI; on deletion removes every custom resource, then the cleanup finalizer.
import type { KubeObject } from "../contracts.js";
import { crdToResourceDef } from "../resources/crd.js";
import { componentUser } from "../registry/request.js";
import { WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";

type Obj = Record<string, any>;

/** The finalizer apiextensions puts on every CRD. */
export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

const condition = (type: string, status: string, reason: string, message: string, previous: Obj[]): Obj => {
  const before = previous.find((c) => c["type"] === type);
  return { type, status, lastTransitionTime: before?.["status"] === status ? before["lastTransitionTime"] : now(), reason, message };
};

/** Creates the CRD controller. */
export const crdController = (ctx: ControllerContext): Controller => {
  const user = componentUser("apiextensions-controller");
  let stopWatch: (() => void) | undefined;
  const queue = new WorkQueue(
    async (name) => {
      const crd = ctx.registry.store.get({ group: "apiextensions.k8s.io", resource: "customresourcedefinitions" }, undefined, name);
      if (!crd) {
        ctx.registry.catalog.removeCustom(name);
        return;
      }
      if (crd.metadata.deletionTimestamp) {
        await cleanup(ctx, crd, user);
        return;
      }
      if (!(crd.metadata.finalizers ?? []).includes(crdCleanupFinalizer)) {
        await ctx.api.update(types.crds, { ...crd, metadata: { ...crd.metadata, finalizers: [...(crd.metadata.finalizers ?? []), crdCleanupFinalizer] } });
        return;
      }
      const spec = crd.spec as Obj;
      const names = spec["names"] as Obj;
      const previous = ((crd.status as Obj | undefined)?.["conditions"] as Obj[] | undefined) ?? [];
      const clash = ctx.registry.catalog.all().find((d) => d.group === spec["group"] && d.crd !== name && (d.plural === names["plural"] || d.kind === names["kind"]));
      const accepted = !clash;
      const status: Obj = { ...(crd.status ?? {}) };
      status["acceptedNames"] = accepted ? { plural: names["plural"], singular: names["singular"], kind: names["kind"], listKind: names["listKind"], ...(names["shortNames"] ? { shortNames: names["shortNames"] } : {}), ...(names["categories"] ? { categories: names["categories"] } : {}) } : status["acceptedNames"];
      status["conditions"] = [
        condition("NamesAccepted", accepted ? "True" : "False", accepted ? "NoConflicts" : "MultipleNameConflicts", accepted ? "no conflicts found" : `"${names["plural"]}" is already in use`, previous),
        condition("Established", accepted ? "True" : "False", accepted ? "InitialNamesAccepted" : "NotAccepted", accepted ? "the initial names have been accepted" : "not all names are accepted", previous),
      ];
      const established: KubeObject = { ...crd, status };
      if (accepted) {
        const def = crdToResourceDef(established);
        if (def) ctx.registry.catalog.setCustom(def);
        else ctx.registry.catalog.removeCustom(name);
      }
      if (JSON.stringify(crd.status) !== JSON.stringify(status)) await ctx.api.updateStatus(types.crds, established);
    },
    (key, error) => ctx.log(`crd ${key}: ${(error as Error).message}`),
  );
  return {
    name: "crd",
    start: async () => {
      stopWatch = ctx.api.watch(types.crds, {}, (e) => queue.add(e.object.metadata.name));
    },
    stop: async () => {
      stopWatch?.();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};

const cleanup = async (ctx: ControllerContext, crd: KubeObject, user: ReturnType<typeof componentUser>): Promise<void> => {
  const spec = crd.spec as Obj;
  const plural = ((crd.status as Obj | undefined)?.["acceptedNames"]?.["plural"] as string | undefined) || spec["names"]["plural"];
  const gr = { group: spec["group"] as string, resource: plural };
  const def = ctx.registry.catalog.find(gr.group, gr.resource);
  for (const o of ctx.registry.store.list(gr).items) {
    if (def) await ctx.registry.delete(def, def.versions[0]!.name, o.metadata.namespace, o.metadata.name, {}, { user }).catch(() => undefined);
    else ctx.registry.store.delete(gr, o.metadata.namespace, o.metadata.name);
  }
  if (ctx.registry.store.list(gr).items.length) throw new Error(`custom resources of ${crd.metadata.name} are still being deleted`);
  ctx.registry.catalog.removeCustom(crd.metadata.name);
  const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== crdCleanupFinalizer);
  await ctx.api.update(types.crds, { ...crd, metadata: { ...crd.metadata, finalizers } });
};
