// Resource requests: routes a parsed request (verb, resource, subresource) to the registry and writes the answer
// in the negotiated form (object, List, Table, watch stream), recording every request in the action log.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../../contracts.js";
import { ApiError } from "../../contracts.js";
import { patchTypes } from "../../registry/registry.js";
import type { UserInfo, WriteOptions } from "../../registry/request.js";
import type { ResourceDef } from "../../resources/catalog.js";
import { badRequest, methodNotAllowed } from "../../store/errors.js";
import { decodeBody, negotiate, readBody, sendObject } from "../http.js";
import type { RequestInfo } from "../request-info.js";
import { toTable } from "../tables/table.js";
import type { HandlerContext } from "./context.js";
import { serveLogs } from "./logs.js";
import { parseQuery } from "./query.js";
import { bindPod, createToken, finalizeNamespace, reviewToken, selfSubjectAccessReview, selfSubjectReview, toScale, updateScale } from "./special.js";
import { serveWatch } from "./watch.js";

type Obj = Record<string, any>;

const bodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "*/*"];

/** The field manager the apiserver records when a request names none: the user agent's product (`kubectl`). */
export const managerFromUserAgent = (userAgent: string | undefined): string => (userAgent ? userAgent.split("/")[0]!.trim() || "unknown" : "unknown");

const notFoundResource = (): ApiError => new ApiError(404, "NotFound", "the server could not find the requested resource");

/** Handles one resource request end to end. */
export const handleResource = async (context: HandlerContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, user: UserInfo, params: URLSearchParams): Promise<void> => {
  const { registry } = context;
  const def = registry.catalog.find(info.group, info.resource, info.version);
  if (!def) throw notFoundResource();
  if (info.namespace !== undefined && !def.namespaced) throw notFoundResource();
  if (info.subresource && !def.subresources.some((s) => s.name === info.subresource)) throw notFoundResource();
  const query = parseQuery(params, info.namespace);
  const version = info.version;
  const method = req.method ?? "GET";
  const hasBody = ["POST", "PUT", "PATCH", "DELETE"].includes(method);
  const rawBody = hasBody ? await readBody(req) : Buffer.alloc(0);
  const contentType = req.headers["content-type"];
  const patchType = method === "PATCH" ? (contentType ?? "").split(";")[0]!.trim().toLowerCase() : undefined;
  const body =
    method === "PATCH"
      ? decodeBody(rawBody, contentType, [patchTypes.json, patchTypes.merge, patchTypes.strategic, patchTypes.apply])
      : hasBody && rawBody.length
        ? decodeBody(rawBody, contentType, bodyTypes)
        : undefined;
  const warnings: string[] = [];
  const write: WriteOptions = {
    user,
    dryRun: query.dryRun,
    fieldManager: query.fieldManager ?? (patchType === patchTypes.apply ? undefined : managerFromUserAgent(req.headers["user-agent"])),
    fieldValidation: query.fieldValidation,
    warnings,
  };
  const deprecation = def.versions.find((v) => v.name === version);
  if (deprecation?.deprecated) warnings.push(deprecation.deprecationWarning ?? `${def.group}/${version} ${def.kind} is deprecated`);
  const verb = info.verb;
  const action = {
    verb,
    group: info.group,
    version,
    resource: info.resource,
    ...(info.subresource ? { subresource: info.subresource } : {}),
    ...(info.namespace ? { namespace: info.namespace } : {}),
    ...(info.name ? { name: info.name } : {}),
    user: user.username,
    ...(patchType ? { patchType } : {}),
    ...(write.fieldManager ? { fieldManager: write.fieldManager } : {}),
    ...(query.dryRun ? { dryRun: true } : {}),
    ...(body !== undefined ? { body } : {}),
  };

  if (verb === "watch") {
    const asTable = negotiate(req.headers.accept, { allowTable: true }).table;
    await registry.track(action, async () => undefined);
    await serveWatch({ context, req, res, def, version, query, asTable, name: info.name });
    return;
  }
  if (info.subresource === "log") {
    await registry.track(action, async () => undefined);
    await serveLogs(context, req, res, def, info, params);
    return;
  }
  if (verb === "connect") throw badRequest("Upgrade request required");

  const accept = negotiate(req.headers.accept, { allowTable: (verb === "get" || verb === "list") && !info.subresource });
  const { code, object } = await registry.track(action, () => dispatch(context, def, info, query, write, body, patchType, user));
  if (accept.table && object && (verb === "get" || verb === "list")) {
    const objects = verb === "list" ? ((object as Obj)["items"] as KubeObject[]) : [object];
    const meta = verb === "list" ? (object.metadata as Obj) : { resourceVersion: object.metadata.resourceVersion };
    sendObject(res, 200, toTable({ def, version, objects, listMetadata: meta, includeObject: query.includeObject }), { warnings, contentType: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    return;
  }
  sendObject(res, code, object, { format: accept.format, warnings });
};

const dispatch = async (context: HandlerContext, def: ResourceDef, info: RequestInfo, query: ReturnType<typeof parseQuery>, write: WriteOptions, body: unknown, patchType: string | undefined, user: UserInfo): Promise<{ code: number; object: KubeObject }> => {
  const { registry } = context;
  const { verb, namespace, name, subresource, version } = info;
  const resourceKey = `${def.group}/${def.plural}`;
  const subresourceDef = def.subresources.find((s) => s.name === subresource);
  if (subresourceDef && !subresourceDef.verbs.includes(verb === "list" ? "get" : verb)) throw methodNotAllowed(verb, { group: def.group, resource: `${def.plural}/${subresource}` });
  if (!subresource && !def.verbs.includes(verb)) throw methodNotAllowed(verb, { group: def.group, resource: def.plural });

  if (verb === "create" && !name) {
    if (resourceKey === "authentication.k8s.io/tokenreviews") return { code: 201, object: reviewToken(context, body) };
    if (resourceKey === "authentication.k8s.io/selfsubjectreviews") return { code: 201, object: selfSubjectReview(user) };
    if (resourceKey === "authorization.k8s.io/selfsubjectaccessreviews") return { code: 201, object: selfSubjectAccessReview(body) };
    const created = await registry.create(def, version, namespace, body ?? {}, write);
    return { code: write.dryRun ? 200 : 201, object: created };
  }
  if (verb === "create" && subresource === "token") return { code: 201, object: await createToken(context, namespace!, name!, body) };
  if (verb === "create" && subresource === "binding") return { code: 201, object: await bindPod(context, namespace!, name!, body) };
  if (verb === "create") throw methodNotAllowed("create", { group: def.group, resource: def.plural });

  if (subresource === "scale") {
    if (verb === "get") return { code: 200, object: toScale(def, await registry.get(def, version, namespace, name!)) };
    if (verb === "update") return { code: 200, object: await updateScale(context, def, version, namespace, name!, { body }, write) };
    if (verb === "patch") return { code: 200, object: await updateScale(context, def, version, namespace, name!, { patchType, patch: body }, write) };
  }
  if (subresource === "finalize" && verb === "update") return { code: 200, object: await finalizeNamespace(context, name!, body, write) };

  switch (verb) {
    case "get":
      return { code: 200, object: await registry.get(def, version, namespace, name!) };
    case "list":
      return { code: 200, object: await registry.list(def, version, query.list) };
    case "update":
      return { code: 200, object: await registry.update(def, version, namespace, name!, body ?? {}, { ...write, subresource }) };
    case "patch": {
      const existed = registry.store.get({ group: def.group, resource: def.plural }, def.namespaced ? namespace : undefined, name!) !== undefined;
      const object = await registry.patch(def, version, namespace, name!, patchType ?? "", body, { ...write, subresource, force: query.force });
      return { code: !existed && patchType === patchTypes.apply && !write.dryRun ? 201 : 200, object };
    }
    case "delete": {
      const options = { ...query.delete, ...deleteOptionsFrom(body) };
      return { code: 200, object: await registry.delete(def, version, namespace, name!, options, write) };
    }
    case "deletecollection": {
      const options = { ...query.delete, ...deleteOptionsFrom(body) };
      return { code: 200, object: await registry.deleteCollection(def, version, query.list, options, write) };
    }
    default:
      throw methodNotAllowed(verb, { group: def.group, resource: def.plural });
  }
};

/** DeleteOptions from a DELETE body (kubectl sends one; nulls are ignored). */
const deleteOptionsFrom = (body: unknown): Obj => {
  if (!body || typeof body !== "object") return {};
  const b = body as Obj;
  const out: Obj = {};
  if (b["propagationPolicy"]) out["propagationPolicy"] = b["propagationPolicy"];
  if (typeof b["gracePeriodSeconds"] === "number") out["gracePeriodSeconds"] = b["gracePeriodSeconds"];
  if (b["preconditions"]) out["preconditions"] = b["preconditions"];
  if (typeof b["orphanDependents"] === "boolean") out["orphanDependents"] = b["orphanDependents"];
  if (Array.isArray(b["dryRun"]) && b["dryRun"].includes("All")) out["dryRun"] = true;
  return out;
};
