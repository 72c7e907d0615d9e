// The only way the istioctl stand-in reaches the cluster: HTTPS requests to the Kubernetes API with the kubeconfig's
// credentials (KUBECONFIG / --kubeconfig, --context), like client-go. API errors carry the server's Status message,
// which is what client-go's errors print (`configmaps "istio" not found`).
import https from "node:https";
import http from "node:http";

/** An object as the API returns it. */
export type KubeObj = Record<string, any>;

/** An error answer of the API (a metav1.Status) or a transport failure. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(message);
  }

  /** True for 404 NotFound. */
  get notFound(): boolean {
    return this.code === 404;
  }
}

/** How istioctl was told to reach the cluster. */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

/** Options of one request. */
interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

/** A connection to the API server of one kubeconfig context. */
export class KubeClient {
  readonly server: URL;
  readonly #options: https.RequestOptions;

  private constructor(server: URL, options: https.RequestOptions) {
    this.server = server;
    this.#options = options;
  }

  /** Loads the kubeconfig (--kubeconfig, else the KUBECONFIG files merged, else ~/.kube/config) and selects the context. */
  static async connect({ kubeconfig, context }: KubeTarget): Promise<KubeClient> {
    // Loaded on first use: client-node takes most of istioctl's start-up time, and group create never needs it.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    try {
      if (kubeconfig) kc.loadFromFile(kubeconfig);
      else kc.loadFromDefault();
    } catch (error) {
      throw new KubeApiError(`invalid configuration: ${(error as Error).message}`, 0, "InvalidConfiguration");
    }
    if (context) {
      if (!kc.getContextObject(context)) throw new KubeApiError(`context "${context}" does not exist`, 0, "InvalidConfiguration");
      kc.setCurrentContext(context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeApiError("invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable", 0, "InvalidConfiguration");
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    return new KubeClient(new URL(cluster.server), options);
  }

  /** Sends one request; resolves to the parsed JSON body; throws KubeApiError for a failure. */
  async request(method: string, path: string, { query, body, contentType = "application/json" }: RequestOptions = {}): Promise<KubeObj> {
    const url = this.#url(path, query);
    const payload = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = this.#transport().request(url, { ...this.#options, method, headers: { ...(this.#options.headers ?? {}), Accept: "application/json", ...(payload ? { "Content-Type": contentType, "Content-Length": String(payload.length) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.once("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.once("error", reject);
      });
      req.once("error", (error) => reject(transportError(method, url, error)));
      req.end(payload);
    });
    let json: KubeObj = {};
    try {
      json = text ? (JSON.parse(text) as KubeObj) : {};
    } catch {
      json = {};
    }
    if (status >= 200 && status < 300) return json;
    throw new KubeApiError(json["kind"] === "Status" && json["message"] ? String(json["message"]) : `the server responded with the status code ${status} but did not return more information`, status, String(json["reason"] ?? ""));
  }

  /** GET; undefined when the object does not exist. */
  async getOptional(path: string): Promise<KubeObj | undefined> {
    try {
      return await this.request("GET", path);
    } catch (error) {
      if (error instanceof KubeApiError && error.notFound) return undefined;
      throw error;
    }
  }

  /**
   * Watches `path` (a collection) from `resourceVersion`; calls `onEvent` for each event until it returns true, the
   * signal aborts or the server ends the stream. Resolves to true when onEvent asked to stop.
   */
  async watch(path: string, query: Record<string, string | undefined>, onEvent: (type: string, object: KubeObj) => boolean, signal: AbortSignal): Promise<boolean> {
    const url = this.#url(path, { ...query, watch: "true" });
    return new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return resolve(false);
      const req = this.#transport().request(url, { ...this.#options, method: "GET", headers: { ...(this.#options.headers ?? {}), Accept: "application/json" } }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          res.once("end", () => reject(new KubeApiError(`watch ${path}: status ${res.statusCode}`, res.statusCode ?? 0, "")));
          return;
        }
        let buffer = "";
        let done = false;
        const finish = (value: boolean) => {
          if (done) return;
          done = true;
          signal.removeEventListener("abort", onAbort);
          req.destroy();
          resolve(value);
        };
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as { type: string; object: KubeObj };
            if (onEvent(event.type, event.object)) return finish(true);
          }
        });
        res.once("end", () => finish(false));
        res.once("error", () => finish(false));
      });
      const onAbort = () => {
        req.destroy();
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.once("error", (error) => (signal.aborted ? resolve(false) : reject(transportError("GET", url, error))));
      req.end();
    });
  }

  #transport(): typeof https | typeof http {
    return this.server.protocol === "http:" ? http : https;
  }

  #url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }
}

/** A transport failure worded like Go's net/http (`Get "https://…": dial tcp …: connect: connection refused`). */
const transportError = (method: string, url: URL, error: Error & { code?: string }): KubeApiError => {
  const verb = method[0] + method.slice(1).toLowerCase();
  const hostPort = `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
  const cause = error.code === "ECONNREFUSED" ? `dial tcp ${hostPort}: connect: connection refused` : error.code === "ETIMEDOUT" ? `dial tcp ${hostPort}: i/o timeout` : error.message;
  return new KubeApiError(`${verb} "${url.toString()}": ${cause}`, 0, "Transport");
};
