// A shared informer in miniature: list a resource, keep a cache, watch from the list's resourceVersion, re-list when
// the watch ends (410 Gone, server timeout, dropped connection). Missing resources (CRDs not installed yet) are
// retried, like istiod waiting for its CRDs. Every cache change calls `onChange`.
import { setTimeout as sleep } from "node:timers/promises";
import { KubeRestError, type KubeJson, type KubeRest } from "./rest.js";

/** A cache change. */
export interface InformerEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeJson;
}

/** A watch that ends sooner than this after it started is followed by a pause before the re-list (client-go's reflector
 * backs off too), so a server that closes watches at once cannot turn the loop into a busy one. */
export const MIN_WATCH_MS = 1000;

/** The watch URL for a collection path that may already carry a query (a fieldSelector, say). */
export const watchPath = (path: string, resourceVersion: string): string =>
  `${path}${path.includes("?") ? "&" : "?"}watch=1&allowWatchBookmarks=true${resourceVersion ? `&resourceVersion=${encodeURIComponent(resourceVersion)}` : ""}`;

const keyOf = (o: KubeJson): string => `${o["metadata"]?.["namespace"] ?? ""}/${o["metadata"]?.["name"]}`;

/** Lists and watches one collection path (e.g. /api/v1/services). */
export class Informer {
  private readonly cache = new Map<string, KubeJson>();
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private syncedResolve?: () => void;
  /** Resolves after the first complete list. */
  readonly synced: Promise<void>;

  constructor(
    private readonly rest: KubeRest,
    /** Collection path, or a function resolving it (for CRDs whose version is discovered). */
    private readonly path: string | (() => Promise<string | undefined>),
    private readonly onChange: (event: InformerEvent) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  /** Starts the list/watch loop (returns at once). */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Every cached object. */
  items(): KubeJson[] {
    return [...this.cache.values()];
  }

  /** A cached object. */
  get(namespace: string | undefined, name: string): KubeJson | undefined {
    return this.cache.get(`${namespace ?? ""}/${name}`);
  }

  /** Stops the loop and waits for it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private apply(event: InformerEvent): void {
    const key = keyOf(event.object);
    if (event.type === "DELETED") {
      if (!this.cache.delete(key)) return;
    } else {
      const old = this.cache.get(key);
      if (old?.["metadata"]?.["resourceVersion"] && old["metadata"]["resourceVersion"] === event.object["metadata"]?.["resourceVersion"]) return;
      this.cache.set(key, event.object);
      if (old) event = { type: "MODIFIED", object: event.object };
      else event = { type: "ADDED", object: event.object };
    }
    this.onChange(event);
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const path = typeof this.path === "string" ? this.path : await this.path();
        if (!path) {
          await sleep(1000, undefined, { signal }).catch(() => undefined);
          continue;
        }
        const list = await this.rest.request("GET", path);
        const kind = String(list["kind"] ?? "").replace(/List$/, "");
        const apiVersion = String(list["apiVersion"] ?? "");
        const seen = new Set<string>();
        for (const item of (list["items"] ?? []) as KubeJson[]) {
          const object = { kind, apiVersion, ...item };
          seen.add(keyOf(object));
          this.apply({ type: "ADDED", object });
        }
        for (const [key, object] of [...this.cache]) if (!seen.has(key)) this.apply({ type: "DELETED", object });
        this.syncedResolve?.();
        const rv = String(list["metadata"]?.["resourceVersion"] ?? "");
        const watchStarted = Date.now();
        await this.rest.watch(
          watchPath(path, rv),
          (event) => {
            if (event.type === "ADDED" || event.type === "MODIFIED" || event.type === "DELETED") this.apply({ type: event.type, object: { kind, apiVersion, ...event.object } });
          },
          signal,
        );
        const lasted = Date.now() - watchStarted;
        if (lasted < MIN_WATCH_MS) await sleep(MIN_WATCH_MS - lasted, undefined, { signal }).catch(() => undefined);
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof KubeRestError && error.status === 404)) this.log(`list/watch ${typeof this.path === "string" ? this.path : "resource"}: ${(error as Error).message}`);
        await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

/** The served version of an API group to use: `wanted` when served, else the group's preferred version; undefined
 * while the group does not exist. */
export const servedGroupVersion = async (rest: KubeRest, group: string, wanted: readonly string[]): Promise<string | undefined> => {
  const g = await rest.getOptional(`/apis/${group}`);
  if (!g) return undefined;
  const served = ((g["versions"] ?? []) as KubeJson[]).map((v) => String(v["version"]));
  const pick = wanted.find((v) => served.includes(v)) ?? String(g["preferredVersion"]?.["version"] ?? served[0] ?? "");
  return pick ? `${group}/${pick}` : undefined;
};
