// A small in-cluster Kubernetes REST client (what client-go's rest.InClusterConfig gives istiod and pilot-agent): the
// API server at KUBERNETES_SERVICE_HOST:PORT over HTTPS, verified with the mounted ca.crt, authenticated with the
// mounted service-account token (re-read on every request, as the kubelet refreshes it). Errors carry the API's Status.
import { readFileSync } from "node:fs";
import https from "node:https";

/** Where a pod's service-account files are mounted. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A Kubernetes object as JSON. */
export type KubeJson = Record<string, any>;

/** A failed API call: HTTP status, the Status reason (NotFound, Conflict, …) and message. */
export class KubeRestError extends Error {
  override name = "KubeRestError";
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** How to reach the API server. */
export interface KubeRestConfig {
  host: string;
  port: number;
  caPem: string;
  /** Returns the bearer token for the next request. */
  token: () => string;
}

/** One event of a watch. */
export interface KubeWatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeJson;
}

/** The in-cluster configuration from the environment and the mounted files; throws when not in a pod. */
export const inClusterConfig = (env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeRestConfig => {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  if (!host || !port) throw new Error("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
  const caPem = readFileSync(`${dir}/ca.crt`, "utf8");
  return { host, port: Number(port), caPem, token: () => readFileSync(`${dir}/token`, "utf8").trim() };
};

/** The REST client. Requests share a small keep-alive pool; every watch has its own connection (as over HTTP/1.1 in
 * client-go), so long-lived watches never leave a request waiting for a socket. */
export class KubeRest {
  private readonly agent: https.Agent;
  private readonly watchAgent: https.Agent;

  constructor(readonly config: KubeRestConfig) {
    this.agent = new https.Agent({ keepAlive: true, ca: config.caPem, maxSockets: 16 });
    this.watchAgent = new https.Agent({ keepAlive: false, ca: config.caPem });
  }

  private options(method: string, path: string, headers: Record<string, string>, agent = this.agent): https.RequestOptions {
    return {
      host: this.config.host,
      port: this.config.port,
      method,
      path,
      agent,
      ca: this.config.caPem,
      servername: /^\d+\.\d+\.\d+\.\d+$/.test(this.config.host) ? undefined : this.config.host,
      headers: { accept: "application/json", authorization: `Bearer ${this.config.token()}`, ...headers },
    };
  }

  /** One request; resolves with the parsed JSON answer or throws KubeRestError. `timeoutMs` bounds the whole call,
   * waiting for a pooled connection included. */
  request<T = KubeJson>(method: string, path: string, { body, contentType = "application/json", timeoutMs = 30_000 }: { body?: unknown; contentType?: string; timeoutMs?: number } = {}): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let deadline: NodeJS.Timeout | undefined;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(this.options(method, path, payload ? { "content-type": contentType, "content-length": String(payload.length) } : {}), (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: any;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { message: text };
          }
          if ((res.statusCode ?? 500) >= 400) reject(new KubeRestError(res.statusCode ?? 500, String(parsed?.reason ?? ""), String(parsed?.message ?? text)));
          else resolve(parsed as T);
        });
        res.on("error", reject);
        res.on("close", () => {
          if (!res.complete) reject(new Error(`${method} ${path}: the answer was cut off`));
        });
      });
      deadline = setTimeout(() => {
        // a request still queued for a pooled socket emits its error only once it gets one: reject now
        const error = new Error(`${method} ${path}: no answer within ${timeoutMs} ms`);
        reject(error);
        req.destroy(error);
      }, timeoutMs);
      req.on("error", reject);
      req.end(payload);
    }).finally(() => clearTimeout(deadline));
  }

  /** GET that answers undefined for 404. */
  async getOptional(path: string): Promise<KubeJson | undefined> {
    try {
      return await this.request("GET", path);
    } catch (error) {
      if (error instanceof KubeRestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Streams a watch until the server ends it or `signal` aborts; resolves when it ended. */
  watch(path: string, onEvent: (event: KubeWatchEvent) => void, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const req = https.request(this.options("GET", path, {}, this.watchAgent), (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(new KubeRestError(res.statusCode ?? 500, "", Buffer.concat(chunks).toString("utf8"))));
          return;
        }
        let pending = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          pending += chunk;
          let at = pending.indexOf("\n");
          while (at >= 0) {
            const line = pending.slice(0, at).trim();
            pending = pending.slice(at + 1);
            if (line) {
              try {
                onEvent(JSON.parse(line) as KubeWatchEvent);
              } catch {
                // a partial or foreign line: the next list repairs the cache
              }
            }
            at = pending.indexOf("\n");
          }
        });
        res.on("end", () => resolve());
        res.on("error", () => resolve());
        res.on("close", () => resolve());
      });
      const abort = () => req.destroy();
      signal.addEventListener("abort", abort, { once: true });
      req.on("error", (error) => (signal.aborted ? resolve() : reject(error)));
      req.on("close", () => signal.removeEventListener("abort", abort));
      req.end();
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}
