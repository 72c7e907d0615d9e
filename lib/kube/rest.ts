// One JSON request to the Kubernetes API with the kubeconfig's credentials (client-node's KubeConfig supplies the TLS
// agent and auth headers), returning plain JSON objects exactly as the server sent them.
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { apiErrorFromStatus, KubeApiError } from "./api-error.js";

/** One API request. */
export interface RestRequest {
  kubeConfig: KubeConfig;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path under the server URL, e.g. "/api/v1/namespaces/legacy". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialized here). */
  body?: unknown;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  /** Abandon the request after this long (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The full URL of a request (server URL + path + query). */
export const requestUrl = ({ server, path, query }: { server: string; path: string; query?: RestRequest["query"] }): URL => {
  const url = new URL(server.replace(/\/$/, "") + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
};

/** Sends the request; resolves with the parsed JSON body of a 2xx answer, rejects with KubeApiError otherwise. */
export const restRequest = async <T = unknown>(req: RestRequest): Promise<T> => {
  const cluster = req.kubeConfig.getCurrentCluster();
  if (!cluster) throw new KubeApiError(0, "NoCluster", "the kubeconfig has no current cluster", `${req.method} ${req.path}`);
  const url = requestUrl({ server: cluster.server, path: req.path, ...(req.query ? { query: req.query } : {}) });
  const label = `${req.method} ${url.pathname}${url.search}`;
  const options: https.RequestOptions = { method: req.method, headers: { Accept: "application/json" } };
  try {
    await req.kubeConfig.applyToHTTPSOptions(options);
  } catch (error) {
    throw new KubeApiError(0, "ConfigError", (error as Error).message, label);
  }
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  if (payload) options.headers = { ...options.headers, "Content-Type": req.contentType ?? "application/json", "Content-Length": payload.length };
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const transport = url.protocol === "http:" ? http : https;
    const request = transport.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("error", (error) => reject(networkError(error, label)));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    const onAbort = () => request.destroy(Object.assign(new Error("request aborted"), { code: "ABORTED" }));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer after ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    request.on("error", (error) => reject(networkError(error, label)));
    request.on("close", () => req.signal?.removeEventListener("abort", onAbort));
    request.end(payload);
  });

  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the error message
  }
  if (status < 200 || status > 299) throw apiErrorFromStatus({ code: status, body, request: label });
  if (typeof body === "string") throw new KubeApiError(status, "NotJSON", `the server answered with something that is not JSON: ${body.slice(0, 200)}`, label);
  return body as T;
};

/** A network failure as a KubeApiError with code 0 (reason = the system error code). */
const networkError = (error: Error & { code?: string }, label: string): KubeApiError =>
  new KubeApiError(0, error.code ?? "NetworkError", error.message, label);
