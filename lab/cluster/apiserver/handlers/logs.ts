// `pods/log`: checks the pod and container, then streams what the kubelet's LogBackend returns.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../../contracts.js";
import type { ResourceDef } from "../../resources/catalog.js";
import { badRequest } from "../../store/errors.js";
import type { RequestInfo } from "../request-info.js";
import type { HandlerContext } from "./context.js";

type Obj = Record<string, any>;

const optionalInt = (params: URLSearchParams, name: string): number | undefined => {
  const v = params.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
};

/** Resolves the container of a pod for exec/logs (the only one, or the one named; 400 otherwise). */
export const pickContainer = (pod: { metadata: { name: string }; spec?: Obj }, requested: string | null): string => {
  const names = [...((pod.spec?.["containers"] as Obj[] | undefined) ?? []), ...((pod.spec?.["initContainers"] as Obj[] | undefined) ?? [])].map((c) => c["name"] as string);
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const main = ((pod.spec?.["containers"] as Obj[] | undefined) ?? []).map((c) => c["name"] as string);
  if (main.length === 1) return main[0]!;
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(" ")}]`);
};

/** Streams the logs of a pod's container. */
export const serveLogs = async (context: HandlerContext, req: IncomingMessage, res: ServerResponse, def: ResourceDef, info: RequestInfo, params: URLSearchParams): Promise<void> => {
  const pod = await context.registry.get(def, info.version, info.namespace, info.name!);
  const container = pickContainer(pod, params.get("container"));
  const backend = context.logs();
  if (!backend) throw new ApiError(503, "ServiceUnavailable", `no kubelet is running in the lab cluster: cannot read the logs of container "${container}" in pod "${pod.metadata.name}"`);
  const abort = new AbortController();
  const sinceTime = params.get("sinceTime");
  const stream = await backend.logs({
    namespace: info.namespace!,
    pod: info.name!,
    container,
    follow: params.get("follow") === "true",
    previous: params.get("previous") === "true",
    timestamps: params.get("timestamps") === "true",
    tailLines: optionalInt(params, "tailLines"),
    sinceSeconds: optionalInt(params, "sinceSeconds"),
    ...(sinceTime ? { sinceTime } : {}),
    limitBytes: optionalInt(params, "limitBytes"),
    signal: abort.signal,
  });
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  const stop = () => abort.abort();
  const untrack = context.trackStream(stop);
  req.on("close", stop);
  try {
    for await (const chunk of stream) {
      if (abort.signal.aborted || res.writableEnded) break;
      res.write(chunk);
    }
  } catch (error) {
    if (!abort.signal.aborted) res.write(`\n${(error as Error).message}\n`);
  } finally {
    untrack();
    req.off("close", stop);
    if (!res.writableEnded) res.end();
  }
};
