// HTTP plumbing of the API server: request bodies (JSON, YAML for apply), content negotiation (JSON, YAML,
// Tables, aggregated discovery), and writing objects and metav1.Status errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import yaml from "js-yaml";
import { ApiError } from "../contracts.js";
import { badRequest, notAcceptable, toStatus, unsupportedMediaType } from "../store/errors.js";
import { decodeKubernetesProtobuf } from "./protobuf.js";

/** One entry of an Accept header. */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** Parses an Accept header (`application/json;as=Table;v=v1;g=meta.k8s.io, application/json`). */
export const parseAccept = (header: string | undefined): MediaType[] =>
  (header || "*/*")
    .split(",")
    .map((part) => {
      const [type, ...params] = part.split(";").map((s) => s.trim());
      return { type: (type ?? "").toLowerCase(), params: Object.fromEntries(params.map((p) => p.split("=").map((s) => s.trim()) as [string, string])) };
    })
    .filter((m) => m.type);

/** What the client wants back. */
export type Negotiated = { format: "json" | "yaml"; table: boolean; discovery?: "v2" | "v2beta1" };

const jsonLike = (t: string) => t === "application/json" || t === "*/*" || t === "application/*";

/** Picks the response format from Accept (Tables only when `allowTable`; aggregated discovery when `allowDiscovery`). */
export const negotiate = (accept: string | undefined, options: { allowTable?: boolean; allowDiscovery?: boolean } = {}): Negotiated => {
  for (const m of parseAccept(accept)) {
    if (m.params["as"] === "Table") {
      if (options.allowTable && jsonLike(m.type) && m.params["g"] === "meta.k8s.io" && (m.params["v"] === "v1" || m.params["v"] === "v1beta1")) return { format: "json", table: true };
      continue;
    }
    if (m.params["as"] === "APIGroupDiscoveryList") {
      if (options.allowDiscovery && m.params["g"] === "apidiscovery.k8s.io" && (m.params["v"] === "v2" || m.params["v"] === "v2beta1")) {
        return { format: "json", table: false, discovery: m.params["v"] as "v2" | "v2beta1" };
      }
      continue;
    }
    if (m.params["as"]) continue;
    if (jsonLike(m.type)) return { format: "json", table: false };
    if (m.type === "application/yaml") return { format: "yaml", table: false };
  }
  throw notAcceptable(["application/json", "application/yaml"]);
};

/** Reads the whole request body (at most 3 MiB, like the apiserver's limit). */
export const readBody = async (req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

/** Decodes a body by Content-Type: JSON, or YAML (apply patches and `application/yaml`). */
export const decodeBody = (body: Buffer, contentType: string | undefined, accepted: string[]): unknown => {
  const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (!accepted.includes(type)) throw unsupportedMediaType(type, accepted);
  if (type === "application/vnd.kubernetes.protobuf") return body.length ? decodeKubernetesProtobuf(body) : undefined;
  const text = body.toString("utf8");
  if (!text.trim()) return undefined;
  if (type.endsWith("yaml")) {
    try {
      return yaml.load(text);
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
};

/** Writes an object as JSON (or YAML). */
export const sendObject = (res: ServerResponse, code: number, body: unknown, options: { format?: "json" | "yaml"; contentType?: string; warnings?: string[]; headers?: Record<string, string> } = {}): void => {
  const headers: Record<string, string | string[]> = { "Cache-Control": "no-cache, private", ...(options.headers ?? {}) };
  if (options.warnings?.length) headers["Warning"] = [...new Set(options.warnings)].map((w) => `299 - ${JSON.stringify(w)}`);
  if (options.format === "yaml") {
    headers["Content-Type"] = "application/yaml";
    res.writeHead(code, headers);
    res.end(yaml.dump(body, { lineWidth: -1 }));
    return;
  }
  headers["Content-Type"] = options.contentType ?? "application/json";
  res.writeHead(code, headers);
  res.end(JSON.stringify(body));
};

/** Writes an error as a metav1.Status with its HTTP code. */
export const sendError = (res: ServerResponse, error: unknown): void => {
  const status = toStatus(error);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendObject(res, Number(status["code"]) || 500, status);
};

/** Writes plain text (health checks). */
export const sendText = (res: ServerResponse, code: number, text: string): void => {
  res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache, private" });
  res.end(text);
};
