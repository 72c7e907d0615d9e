// The garbage collector: dependents whose owners are all gone are deleted (Background propagation); an owner
// deleted with Foreground waits (finalizer foregroundDeletion) until its dependents are gone; with Orphan
// (finalizer orphan) its dependents lose their owner reference instead.
import type { KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { componentUser } from "../registry/request.js";
import type { GroupResource } from "../store/errors.js";
import { WorkQueue } from "./queue.js";
import type { Controller, ControllerContext } from "./types.js";

interface Entry {
  gr: GroupResource;
  object: KubeObject;
}

/** Creates the garbage collector. */
export const garbageCollector = (ctx: ControllerContext): Controller => {
  const user = componentUser("garbage-collector");
  const store = ctx.registry.store;
  let unsubscribe: (() => void) | undefined;
  const existsUid = (uid: string): Entry | undefined => store.all().find((e) => e.object.metadata.uid === uid);
  const dependentsOf = (uid: string): Entry[] => store.all().filter((e) => (e.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
  const defOf = (gr: GroupResource) => ctx.registry.catalog.find(gr.group, gr.resource);
  const remove = async (e: Entry, propagationPolicy: "Background" | "Foreground") => {
    const def = defOf(e.gr);
    if (!def) return;
    try {
      await ctx.registry.delete(def, def.versions[0]!.name, e.object.metadata.namespace, e.object.metadata.name, { propagationPolicy }, { user });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  };
  const setOwnerRefs = async (e: Entry, refs: NonNullable<KubeObject["metadata"]["ownerReferences"]>) => {
    const def = defOf(e.gr);
    if (!def) return;
    const current = store.get(e.gr, e.object.metadata.namespace, e.object.metadata.name);
    if (!current) return;
    const metadata: KubeObject["metadata"] = { ...current.metadata, ownerReferences: refs };
    if (!refs.length) delete metadata.ownerReferences;
    await ctx.registry.update(def, def.versions[0]!.name, current.metadata.namespace, current.metadata.name, { ...current, metadata }, { user, fieldManager: "garbage-collector" });
  };
  const removeFinalizer = async (e: Entry, finalizer: string) => {
    const def = defOf(e.gr);
    const current = store.get(e.gr, e.object.metadata.namespace, e.object.metadata.name);
    if (!def || !current) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await ctx.registry.update(def, def.versions[0]!.name, current.metadata.namespace, current.metadata.name, { ...current, metadata: { ...current.metadata, finalizers } }, { user, fieldManager: "garbage-collector" });
  };

  const queue = new WorkQueue(
    async (uid) => {
      const owner = existsUid(uid);
      if (!owner) {
        for (const dep of dependentsOf(uid)) {
          const refs = dep.object.metadata.ownerReferences ?? [];
          const alive = refs.filter((r) => r.uid !== uid && existsUid(r.uid));
          if (alive.length) await setOwnerRefs(dep, alive);
          else await remove(dep, "Background");
        }
        return;
      }
      const finalizers = owner.object.metadata.finalizers ?? [];
      if (!owner.object.metadata.deletionTimestamp) return;
      if (finalizers.includes("orphan")) {
        for (const dep of dependentsOf(uid)) await setOwnerRefs(dep, (dep.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid));
        await removeFinalizer(owner, "orphan");
        return;
      }
      if (finalizers.includes("foregroundDeletion")) {
        const deps = dependentsOf(uid);
        for (const dep of deps) if (!dep.object.metadata.deletionTimestamp) await remove(dep, "Foreground");
        const blocking = dependentsOf(uid).filter((d) => (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && (r as Record<string, unknown>)["blockOwnerDeletion"] === true));
        if (blocking.length) throw new Error(`waiting for ${blocking.length} dependents of ${owner.object.metadata.name}`);
        await removeFinalizer(owner, "foregroundDeletion");
      }
    },
    (key, error) => ctx.log(`garbage-collector ${key}: ${(error as Error).message}`),
  );
  return {
    name: "garbage-collector",
    start: async () => {
      unsubscribe = store.onEvent((e) => {
        const uid = e.object.metadata.uid;
        if (!uid) return;
        if (e.type === "DELETED") queue.add(uid);
        else if (e.object.metadata.deletionTimestamp && (e.object.metadata.finalizers ?? []).some((f) => f === "orphan" || f === "foregroundDeletion")) queue.add(uid);
        // A dependent created after its owner went away is collected too.
        for (const r of e.object.metadata.ownerReferences ?? []) if (e.type === "ADDED" && !existsUid(r.uid)) queue.add(r.uid);
        // Owners waiting in foreground deletion are re-checked when a dependent goes.
        if (e.type === "DELETED") for (const r of e.object.metadata.ownerReferences ?? []) queue.add(r.uid);
      });
      // Collect what an earlier run left behind (after a daemon restart).
      const uids = new Set(store.all().map((e) => e.object.metadata.uid));
      for (const e of store.all()) for (const r of e.object.metadata.ownerReferences ?? []) if (!uids.has(r.uid)) queue.add(r.uid);
    },
    stop: async () => {
      unsubscribe?.();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};
