// The registry: Kubernetes API semantics on top of the object store — defaults, validation, admission,
// field validation, managedFields, optimistic concurrency, patches (JSON, merge, strategic, apply), status
// subresources, finalizers, graceful deletion and namespace termination. Every request is recorded in the
// action log and goes through the reactor chain first (fault injection).
import type { AdmissionPlugin, AdmissionRequest, KubeObject, ResourceType } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { apiVersionOf, type ResourceCatalog, type ResourceDef } from "../resources/catalog.js";
import { builtinSchema, crdSchema, type SchemaNode } from "../resources/schema.js";
import type { Action, ActionLog } from "../store/actions.js";
import { badRequest, conflict, conflictMessage, forbidden, invalid, isReason, methodNotAllowed, notFound, unsupportedMediaType, type GroupResource } from "../store/errors.js";
import type { ObjectStore, StoreWatch } from "../store/object-store.js";
import type { ReactorChain } from "../store/reactors.js";
import { parseFieldSelector, parseLabelSelector } from "../store/selectors.js";
import { AdmissionChain } from "./admission.js";
import { ApplyConflictError, serverSideApply, trackUpdate } from "./apply/managed-fields.js";
import { enforceFieldValidation } from "./field-validation.js";
import { clearServerMetadataForCreate, keepServerMetadata, newUid, resolveGenerateName, timestamp, validateMetadata } from "./metadata.js";
import { applyJsonPatch } from "./patch/json-patch.js";
import { applyMergePatch } from "./patch/merge-patch.js";
import { applyStrategicMergePatch, stripDirectives } from "./patch/strategic-merge.js";
import type { DeleteOptions, ListQuery, UserInfo, WriteOptions } from "./request.js";
import { strategyFor, type Strategy, type StrategyContext } from "./strategies/index.js";

/** Patch content types the API server accepts. */
export const patchTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
  applyCbor: "application/apply-patch+cbor",
} as const;

/** Options of the registry. */
export interface RegistryOptions {
  store: ObjectStore;
  catalog: ResourceCatalog;
  actions: ActionLog;
  reactors: ReactorChain;
  serviceCidr: string;
  reservedServiceIps?: string[];
  nodePortRange?: { min: number; max: number };
  /** True while a component runs pods (the kubelet): deleting a scheduled pod is then graceful. */
  gracefulPodDeletion?: () => boolean;
}

/** A watch event as the registry delivers it. */
export interface RegistryWatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
}

type Obj = Record<string, any>;
const protectedNamespaces = new Set(["default", "kube-system", "kube-public"]);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Kubernetes API semantics over the object store. */
export class Registry {
  readonly admission = new AdmissionChain();
  readonly store: ObjectStore;
  readonly catalog: ResourceCatalog;
  readonly actions: ActionLog;
  readonly reactors: ReactorChain;

  constructor(private readonly options: RegistryOptions) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.actions = options.actions;
    this.reactors = options.reactors;
  }

  /** Adds an in-process admission plugin. */
  registerAdmission(plugin: AdmissionPlugin): () => void {
    return this.admission.register(plugin);
  }

  /** Finds the definition of a resource type or throws NotFound like the apiserver. */
  resolve(type: ResourceType): ResourceDef {
    const def = this.catalog.find(type.group, type.resource, type.version);
    if (!def) throw new ApiError(404, "NotFound", "the server could not find the requested resource", { group: type.group, kind: type.resource });
    return def;
  }

  /** The schema of a resource at a version. */
  schemaOf(def: ResourceDef, version?: string): SchemaNode {
    if (def.typeName) return builtinSchema(def.typeName);
    const v = def.versions.find((x) => x.name === version) ?? def.versions[0];
    return crdSchema(v?.schema);
  }

  /** Runs a request: records it, consults the reactor chain, then `fn`; fills the action's outcome. */
  async track<T>(action: Omit<Action, "seq" | "at">, fn: () => Promise<T>): Promise<T> {
    const entry = this.actions.record(action);
    try {
      const injected = await this.reactors.run(entry);
      const result = injected ? (injected.object as T) : await fn();
      entry.code ??= action.verb === "create" ? 201 : 200;
      return result;
    } catch (error) {
      entry.code = error instanceof ApiError ? error.code : 500;
      entry.reason = error instanceof ApiError ? error.reason : "InternalError";
      throw error;
    }
  }

  private gr(def: ResourceDef): GroupResource {
    return { group: def.group, resource: def.plural };
  }

  private context(dryRun: boolean): StrategyContext {
    return {
      store: this.store,
      serviceCidr: this.options.serviceCidr,
      reservedServiceIps: this.options.reservedServiceIps ?? [],
      nodePortRange: this.options.nodePortRange ?? { min: 30000, max: 32767 },
      dryRun,
    };
  }

  /** Sets apiVersion/kind of an object for the version a client asked for (conversion "None"). */
  toVersion(def: ResourceDef, version: string | undefined, object: KubeObject): KubeObject {
    object.apiVersion = apiVersionOf(def.group, version ?? def.versions[0]!.name);
    object.kind = def.kind;
    return object;
  }

  private storageForm(def: ResourceDef, object: KubeObject): KubeObject {
    return this.toVersion(def, def.versions[0]!.name, object);
  }

  /** Reads one object. */
  async get(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string): Promise<KubeObject> {
    const o = this.store.get(this.gr(def), def.namespaced ? namespace : undefined, name);
    if (!o) throw notFound(this.gr(def), name);
    return this.toVersion(def, version, o);
  }

  private filter(def: ResourceDef, query: ListQuery) {
    const fields = parseFieldSelector(query.fieldSelector);
    const allowed = new Set(["metadata.name", "metadata.namespace", ...def.fieldSelectors]);
    for (const f of fields) {
      if (!allowed.has(f.field)) {
        if (def.crd) throw badRequest(`"${f.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
        throw badRequest(`field label not supported: ${f.field}`);
      }
    }
    return { namespace: def.namespaced ? query.namespace : undefined, labels: parseLabelSelector(query.labelSelector), fields };
  }

  /** Lists objects as a `<Kind>List`. */
  async list(def: ResourceDef, version: string | undefined, query: ListQuery): Promise<KubeObject> {
    const result = this.store.list(this.gr(def), this.filter(def, query), { limit: query.limit, continue: query.continue });
    const metadata: Obj = { resourceVersion: result.resourceVersion };
    if (result.continue) {
      metadata["continue"] = result.continue;
      metadata["remainingItemCount"] = result.remainingItemCount;
    }
    return {
      apiVersion: apiVersionOf(def.group, version ?? def.versions[0]!.name),
      kind: def.listKind,
      metadata: metadata as KubeObject["metadata"],
      items: result.items.map((o) => this.toVersion(def, version, o)),
    };
  }

  /** Watches objects; `resourceVersion` undefined/""/"0" starts with ADDED for existing objects. */
  watch(def: ResourceDef, version: string | undefined, query: ListQuery, listener: (event: RegistryWatchEvent) => void): StoreWatch {
    return this.store.watch(this.gr(def), this.filter(def, query), query.resourceVersion, (e) =>
      listener({ type: e.type, object: this.toVersion(def, version, e.object) }),
    );
  }

  private admissionRequest(def: ResourceDef, operation: AdmissionRequest["operation"], object: KubeObject | undefined, old: KubeObject | undefined, user: UserInfo, dryRun: boolean, subresource?: string): AdmissionRequest {
    const o = object ?? old!;
    return {
      operation,
      resource: { group: def.group, version: def.versions[0]!.name, resource: def.plural },
      ...(subresource ? { subresource } : {}),
      kind: { group: def.group, version: def.versions[0]!.name, kind: def.kind },
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      name: o.metadata.name,
      object,
      oldObject: old,
      userInfo: { username: user.username, groups: user.groups },
      dryRun,
    };
  }

  private async checkNamespace(def: ResourceDef, namespace: string | undefined, name: string): Promise<void> {
    if (!def.namespaced) return;
    if (!namespace) throw badRequest("the server could not find the requested resource (namespace is required)");
    const ns = this.store.get({ group: "", resource: "namespaces" }, undefined, namespace);
    if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") {
      const err = forbidden(this.gr(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      (err.details as Obj)["causes"] = [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }];
      throw err;
    }
  }

  private decodePrefix(def: ResourceDef, object: KubeObject): string {
    const version = object.apiVersion ? object.apiVersion.split("/").pop() : def.versions[0]!.name;
    return `${object.kind || def.kind} in version "${version}" cannot be handled as a ${def.kind}: `;
  }

  private checkBodyType(def: ResourceDef, body: unknown): KubeObject {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error`);
    }
    const o = body as KubeObject;
    o.metadata ??= {} as KubeObject["metadata"];
    if (o.kind && o.kind !== def.kind) {
      throw badRequest(`${o.kind} in version "${String(o.apiVersion ?? "").split("/").pop()}" cannot be handled as a ${def.kind}: no kind "${o.kind}" is registered for version "${apiVersionOf(def.group, def.versions[0]!.name)}"`);
    }
    if (o.apiVersion) {
      const g = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : "";
      const v = o.apiVersion.split("/").pop()!;
      if (g !== def.group || !def.versions.some((x) => x.name === v)) {
        throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${apiVersionOf(def.group, def.versions[0]!.name)})`);
      }
    }
    return o;
  }

  private finalize(def: ResourceDef, strategy: Strategy, object: KubeObject, old: KubeObject | undefined): void {
    const causes = [...validateMetadata(def, object), ...(strategy.validate?.(object, this.context(false)) ?? [])];
    if (old && strategy.validateUpdate) causes.push(...strategy.validateUpdate(object, old, this.context(false)).filter((c) => !causes.some((x) => x.field === c.field && x.message === c.message)));
    if (causes.length) throw invalid({ group: def.group, kind: def.kind }, object.metadata.name, causes);
  }

  private manager(options: WriteOptions): string {
    return options.fieldManager || "unknown";
  }

  /** Creates an object. `managedFieldsSet` is used by server-side apply, which computes managedFields itself. */
  async create(def: ResourceDef, version: string | undefined, namespace: string | undefined, body: unknown, options: WriteOptions, managedFieldsSet = false): Promise<KubeObject> {
    if (!def.verbs.includes("create")) throw methodNotAllowed("create", this.gr(def));
    const object = this.checkBodyType(def, structuredClone(body));
    if (def.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace;
    } else delete object.metadata.namespace;
    if (!managedFieldsSet) {
      enforceFieldValidation({ object, schema: this.schemaOf(def, version), mode: options.fieldValidation ?? "Warn", warnings: options.warnings, prefix: this.decodePrefix(def, object) });
    }
    const managed = managedFieldsSet ? object.metadata.managedFields : undefined;
    clearServerMetadataForCreate(object);
    if (managed) object.metadata.managedFields = managed;
    resolveGenerateName(object);
    this.storageForm(def, object);
    const strategy = strategyFor(def);
    strategy.defaults?.(object);
    strategy.prepareForCreate?.(object, this.context(!!options.dryRun));
    await this.checkNamespace(def, object.metadata.namespace, object.metadata.name);
    object.metadata.uid = newUid();
    object.metadata.creationTimestamp = timestamp();
    if (strategy.tracksGeneration) object.metadata.generation = 1;

    const request = this.admissionRequest(def, "CREATE", object, undefined, options.user, !!options.dryRun);
    await this.admission.mutate(request);
    const admitted = request.object!;
    strategy.defaults?.(admitted);
    this.finalize(def, strategy, admitted, undefined);
    await this.admission.validate(request);
    if (this.store.get(this.gr(def), admitted.metadata.namespace, admitted.metadata.name)) {
      throw new ApiError(409, "AlreadyExists", `${def.group ? `${def.plural}.${def.group}` : def.plural} "${admitted.metadata.name}" already exists`, { name: admitted.metadata.name, ...(def.group ? { group: def.group } : {}), kind: def.plural });
    }
    strategy.allocate?.(admitted, undefined, this.context(!!options.dryRun));
    if (!managedFieldsSet) trackUpdate({ previous: undefined, next: admitted, schema: this.schemaOf(def), manager: this.manager(options), apiVersion: admitted.apiVersion });
    if (options.dryRun) return this.toVersion(def, version, admitted);
    return this.toVersion(def, version, this.store.create(this.gr(def), admitted));
  }

  /** Replaces an object (PUT), or its status with `subresource: "status"`. */
  async update(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string, body: unknown, options: WriteOptions & { subresource?: string }): Promise<KubeObject> {
    if (!def.verbs.includes("update")) throw methodNotAllowed("update", this.gr(def));
    const object = this.checkBodyType(def, structuredClone(body));
    if (object.metadata.name && object.metadata.name !== name) {
      throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    }
    object.metadata.name = name;
    if (def.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      object.metadata.namespace = namespace;
    } else delete object.metadata.namespace;
    enforceFieldValidation({ object, schema: this.schemaOf(def, version), mode: options.fieldValidation ?? "Warn", warnings: options.warnings, prefix: this.decodePrefix(def, object) });
    return this.writeUpdate(def, version, namespace, name, object, options, false);
  }

  /**
   * The update path shared by PUT, PATCH and finalizer removal. Retries internally when the client did not ask
   * for a precondition (unconditional update), like the apiserver's GuaranteedUpdate.
   */
  private async writeUpdate(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string, incoming: KubeObject | ((old: KubeObject) => KubeObject), options: WriteOptions & { subresource?: string }, managedFieldsSet: boolean): Promise<KubeObject> {
    const gr = this.gr(def);
    for (let attempt = 0; ; attempt++) {
      const old = this.store.get(gr, def.namespaced ? namespace : undefined, name);
      if (!old) throw notFound(gr, name);
      const object = typeof incoming === "function" ? incoming(structuredClone(old)) : structuredClone(incoming);
      const requestedRv = object.metadata.resourceVersion;
      if (requestedRv && requestedRv !== old.metadata.resourceVersion) throw conflict(gr, name);
      try {
        return await this.updateFrom(def, version, old, object, options, managedFieldsSet);
      } catch (error) {
        if (!requestedRv && isReason(error, "Conflict") && attempt < 5 && !(error instanceof ApiError && error.message.startsWith("Apply failed"))) continue;
        throw error;
      }
    }
  }

  private async updateFrom(def: ResourceDef, version: string | undefined, old: KubeObject, incoming: KubeObject, options: WriteOptions & { subresource?: string }, managedFieldsSet: boolean): Promise<KubeObject> {
    const gr = this.gr(def);
    const strategy = strategyFor(def);
    const subresource = options.subresource;
    let object: KubeObject;
    if (subresource === "status") {
      object = structuredClone(old);
      object.status = incoming.status;
      if (managedFieldsSet) object.metadata.managedFields = incoming.metadata.managedFields;
    } else {
      object = incoming;
      this.storageForm(def, object);
      keepServerMetadata(object, old);
      if (managedFieldsSet) object.metadata.managedFields = incoming.metadata.managedFields;
      strategy.defaults?.(object);
      strategy.prepareForUpdate?.(object, old, this.context(!!options.dryRun));
      if (def.subresources.some((s) => s.name === "status") && !strategy.prepareForUpdate) object.status = old.status;
    }
    this.storageForm(def, object);
    object.metadata.resourceVersion = old.metadata.resourceVersion;
    if (strategy.tracksGeneration) {
      const body = (o: KubeObject) => {
        const { metadata: _m, status: _s, ...rest } = o;
        return rest;
      };
      object.metadata.generation = (old.metadata.generation ?? 1) + (same(body(object), body(old)) ? 0 : 1);
    }
    if (old.metadata.deletionTimestamp) {
      const added = (object.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        throw invalid({ group: def.group, kind: def.kind }, object.metadata.name, [
          { reason: "FieldValueForbidden", field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}` },
        ]);
      }
    }
    const request = this.admissionRequest(def, "UPDATE", object, old, options.user, !!options.dryRun, subresource);
    await this.admission.mutate(request);
    const admitted = request.object!;
    if (subresource !== "status") strategy.defaults?.(admitted);
    if (subresource !== "status") this.finalize(def, strategy, admitted, old);
    await this.admission.validate(request);
    const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined, resourceVersion: undefined } });
    const ownership = (o: KubeObject) => ((o.metadata.managedFields as Obj[] | undefined) ?? []).map((e) => ({ ...e, time: undefined }));
    if (!options.dryRun) strategy.allocate?.(admitted, old, this.context(false));
    if (!managedFieldsSet) trackUpdate({ previous: old, next: admitted, schema: this.schemaOf(def), manager: this.manager(options), apiVersion: apiVersionOf(def.group, version ?? def.versions[0]!.name), subresource });
    // A no-op write changes nothing, not even the resourceVersion (like the apiserver).
    if (same(strip(admitted), strip(old)) && (!managedFieldsSet || same(ownership(admitted), ownership(old)))) return this.toVersion(def, version, old);
    if (options.dryRun) return this.toVersion(def, version, admitted);
    const stored = this.store.update(gr, admitted);
    if (stored.metadata.deletionTimestamp && this.finalizersDone(def, stored)) {
      return this.toVersion(def, version, this.store.delete(gr, stored.metadata.namespace, stored.metadata.name));
    }
    return this.toVersion(def, version, stored);
  }

  private finalizersDone(def: ResourceDef, o: KubeObject): boolean {
    if ((o.metadata.finalizers ?? []).length) return false;
    if (def.group === "" && def.plural === "namespaces" && ((o.spec?.finalizers as string[] | undefined) ?? []).length) return false;
    return true;
  }

  /** Patches an object (JSON patch, merge patch, strategic merge patch, or server-side apply). */
  async patch(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string, contentType: string, patchBody: unknown, options: WriteOptions & { subresource?: string; force?: boolean }): Promise<KubeObject> {
    if (!def.verbs.includes("patch")) throw methodNotAllowed("patch", this.gr(def));
    const type = contentType.split(";")[0]!.trim().toLowerCase();
    const accepted = [patchTypes.json, patchTypes.merge, patchTypes.apply, ...(def.crd ? [] : [patchTypes.strategic])];
    if (!accepted.includes(type as (typeof accepted)[number])) throw unsupportedMediaType(type, accepted);
    if (type === patchTypes.apply) return this.apply(def, version, namespace, name, patchBody, options);
    const schema = this.schemaOf(def, version);
    const manager = this.manager(options);
    return this.writeUpdate(def, version, namespace, name, (old) => {
      const current = this.toVersion(def, version, old);
      let patched: unknown;
      if (type === patchTypes.json) patched = applyJsonPatch(current, patchBody);
      else if (type === patchTypes.merge) patched = applyMergePatch(current, patchBody);
      else patched = applyStrategicMergePatch(current, patchBody, schema);
      const object = stripDirectives(patched) as KubeObject;
      if (!object || typeof object !== "object" || !object.metadata) throw badRequest("the patch removed the object's metadata");
      if (object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
      if (object.metadata.resourceVersion === old.metadata.resourceVersion) delete object.metadata.resourceVersion;
      enforceFieldValidation({ object: object as unknown as Record<string, unknown>, schema, mode: options.fieldValidation ?? "Warn", warnings: options.warnings, prefix: "" });
      return object;
    }, { ...options, fieldManager: manager }, false);
  }

  /** Server-side apply: creates or merges `applied` owned by `fieldManager`; 409 on conflicts unless forced. */
  private async apply(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string, body: unknown, options: WriteOptions & { subresource?: string; force?: boolean }): Promise<KubeObject> {
    if (!options.fieldManager) {
      throw new ApiError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`, {
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }],
      });
    }
    const applied = this.checkBodyType(def, structuredClone(body));
    if (!applied.apiVersion || !applied.kind) throw badRequest("apiVersion and kind must be set in an apply configuration");
    if (applied.metadata.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata.name = name;
    if (def.namespaced) {
      if (applied.metadata.namespace && namespace && applied.metadata.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      applied.metadata.namespace = namespace;
    }
    const schema = this.schemaOf(def, version);
    enforceFieldValidation({ object: applied as unknown as Record<string, unknown>, schema, mode: options.fieldValidation ?? "Warn", warnings: options.warnings, prefix: "" });
    const apiVersion = apiVersionOf(def.group, version ?? def.versions[0]!.name);
    const ssa = (live: KubeObject | undefined): KubeObject => {
      try {
        return serverSideApply({ live, applied, schema, manager: options.fieldManager!, apiVersion, force: !!options.force, subresource: options.subresource });
      } catch (error) {
        if (error instanceof ApplyConflictError) {
          throw conflictMessage(this.gr(def), name, error.message, error.conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${c.manager}`, field: c.path })));
        }
        throw error;
      }
    };
    const existing = this.store.get(this.gr(def), def.namespaced ? namespace : undefined, name);
    if (!existing) {
      if (options.subresource) throw notFound(this.gr(def), name);
      const created = ssa(undefined);
      return this.create(def, version, namespace, created, options, true);
    }
    return this.writeUpdate(def, version, namespace, name, (old) => {
      const merged = ssa(this.toVersion(def, version, old));
      delete merged.metadata.resourceVersion;
      return merged;
    }, options, true);
  }

  /** Deletes an object: finalizers and namespaces make it Terminating; scheduled pods are deleted gracefully. */
  async delete(def: ResourceDef, version: string | undefined, namespace: string | undefined, name: string, deleteOptions: DeleteOptions, options: WriteOptions): Promise<KubeObject> {
    if (!def.verbs.includes("delete")) throw methodNotAllowed("delete", this.gr(def));
    const gr = this.gr(def);
    const ns = def.namespaced ? namespace : undefined;
    const old = this.store.get(gr, ns, name);
    if (!old) throw notFound(gr, name);
    const pre = deleteOptions.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const isNamespace = def.group === "" && def.plural === "namespaces";
    if (isNamespace && protectedNamespaces.has(name)) throw forbidden(gr, name, "this namespace may not be deleted");
    if (isNamespace && old.metadata.deletionTimestamp) {
      throw conflict(gr, name, "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.");
    }
    const request = this.admissionRequest(def, "DELETE", undefined, old, options.user, !!options.dryRun);
    await this.admission.validate(request);

    const policy = deleteOptions.propagationPolicy ?? (deleteOptions.orphanDependents ? "Orphan" : undefined);
    const updated = structuredClone(old);
    const finalizers = new Set(updated.metadata.finalizers ?? []);
    if (policy === "Orphan") finalizers.add("orphan");
    if (policy === "Foreground") finalizers.add("foregroundDeletion");
    if (policy === "Background") {
      finalizers.delete("orphan");
      finalizers.delete("foregroundDeletion");
    }
    if (finalizers.size) updated.metadata.finalizers = [...finalizers];
    else delete updated.metadata.finalizers;
    const markDeleting = (grace: number) => {
      if (!updated.metadata.deletionTimestamp) {
        updated.metadata.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
        updated.metadata["deletionGracePeriodSeconds"] = grace;
      }
    };
    const save = (): KubeObject => {
      if (options.dryRun || same(updated, old)) return this.toVersion(def, version, options.dryRun ? updated : old);
      return this.toVersion(def, version, this.store.update(gr, updated));
    };
    if (isNamespace) {
      markDeleting(0);
      updated.status = { ...(updated.status ?? {}), phase: "Terminating" };
      return save();
    }
    const grace = this.podGracePeriod(def, old, deleteOptions);
    if (grace > 0) {
      markDeleting(grace);
      return save();
    }
    if (finalizers.size) {
      markDeleting(0);
      return save();
    }
    return this.remove(def, version, updated, options);
  }

  private remove(def: ResourceDef, version: string | undefined, object: KubeObject, options: WriteOptions): KubeObject {
    if (options.dryRun) return this.toVersion(def, version, object);
    return this.toVersion(def, version, this.store.delete(this.gr(def), object.metadata.namespace, object.metadata.name));
  }

  /** Seconds a pod deletion waits for the kubelet (0 = remove at once): only scheduled, running pods while a kubelet runs. */
  private podGracePeriod(def: ResourceDef, pod: KubeObject, options: DeleteOptions): number {
    if (def.group !== "" || def.plural !== "pods") return 0;
    if (!this.options.gracefulPodDeletion?.()) return 0;
    if (!pod.spec?.nodeName || ["Succeeded", "Failed"].includes(pod.status?.phase)) return 0;
    const grace = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  }

  /** Replaces a namespace's spec.finalizers (namespaces/finalize); the namespace goes away once it is deleting and none are left. */
  async finalizeNamespace(name: string, finalizers: string[], options: WriteOptions): Promise<KubeObject> {
    const gr = { group: "", resource: "namespaces" };
    const def = this.resolve({ group: "", version: "v1", resource: "namespaces" });
    const current = this.store.get(gr, undefined, name);
    if (!current) throw notFound(gr, name);
    const updated = { ...current, spec: { ...(current.spec ?? {}), finalizers } };
    if (!finalizers.length) delete (updated.spec as Obj)["finalizers"];
    if (options.dryRun || same(updated, current)) return this.toVersion(def, "v1", updated);
    const stored = this.store.update(gr, updated);
    if (stored.metadata.deletionTimestamp && this.finalizersDone(def, stored)) return this.toVersion(def, "v1", this.store.delete(gr, undefined, name));
    return this.toVersion(def, "v1", stored);
  }

  /** Deletes every matching object (deletecollection); returns the list of what was deleted or marked. */
  async deleteCollection(def: ResourceDef, version: string | undefined, query: ListQuery, deleteOptions: DeleteOptions, options: WriteOptions): Promise<KubeObject> {
    if (!def.verbs.includes("deletecollection")) throw methodNotAllowed("deletecollection", this.gr(def));
    const list = await this.list(def, version, { ...query, limit: undefined, continue: undefined });
    const items: KubeObject[] = [];
    for (const o of list["items"] as KubeObject[]) {
      try {
        items.push(await this.delete(def, version, o.metadata.namespace, o.metadata.name, deleteOptions, options));
      } catch (error) {
        if (!isReason(error, "NotFound")) throw error;
      }
    }
    return { ...list, items };
  }
}
