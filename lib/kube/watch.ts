// Waits for a state of the cluster by watching, never by sleeping: list, then watch from the list's resourceVersion;
// reconnect when the server closes or the connection goes silent, relist on 410 Gone, stop at a deadline with the last
// state seen. Wraps client-node's callback Watch so that every outcome is an awaited value.
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "./api-error.js";
import { restRequest } from "./rest.js";

/** A Kubernetes object as the watch sees it (plain JSON). */
export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Options of watchUntil. */
export interface WatchUntilOptions<T extends WatchedObject> {
  kubeConfig: KubeConfig;
  /** The collection path, e.g. /apis/apps/v1/namespaces/istio-system/deployments. */
  path: string;
  labelSelector?: string;
  /** e.g. "metadata.name=istiod" (what kubectl wait sends). */
  fieldSelector?: string;
  /** Resolves the wait when it returns true for the current set of objects (an empty set = nothing matches). */
  until: (objects: T[]) => boolean;
  /** Give up after this long and reject with WatchTimeoutError carrying the last objects seen. */
  timeoutMs: number;
  /** A connection with no event (not even a bookmark) for this long is abandoned and reopened (default: the watch's timeoutSeconds + 15 s). */
  idleTimeoutMs?: number;
  /** Stops the wait (rejects with WatchAbortedError). */
  signal?: AbortSignal;
  /** Called on every change seen (for progress displays). */
  onChange?: (type: "ADDED" | "MODIFIED" | "DELETED", object: T) => void;
}

/** How a wait went. */
export interface WatchOutcome<T> {
  /** The objects when the condition held. */
  objects: T[];
  resourceVersion: string | undefined;
  /** Times the collection was listed (1 + relists after 410 Gone). */
  lists: number;
  /** Times a watch connection was reopened (server closed it, it went silent, or failed). */
  reconnects: number;
  /** Change events received. */
  events: number;
}

/** The deadline passed before the condition held. Carries the last state seen (Portuguese message). */
export class WatchTimeoutError<T = WatchedObject> extends Error {
  constructor(
    readonly lastSeen: T[],
    readonly lists: number,
    readonly reconnects: number,
    /** The last connection or server error, if the watch had trouble. */
    readonly lastError: string | undefined,
    timeoutMs: number,
  ) {
    super(`a condição não foi atingida em ${Math.round(timeoutMs / 1000)} s (${lastSeen.length} objeto(s) vistos por último${lastError ? `; último erro: ${lastError}` : ""})`);
    this.name = "WatchTimeoutError";
  }
}

/** The wait was cancelled through its signal. */
export class WatchAbortedError extends Error {
  constructor() {
    super("a espera foi cancelada");
    this.name = "WatchAbortedError";
  }
}

const MAX_WATCH_SECONDS = 60;
const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 5_000;

/** Waits until `until(objects)` holds for the watched collection; see the module comment for the guarantees. */
export const watchUntil = async <T extends WatchedObject>(options: WatchUntilOptions<T>): Promise<WatchOutcome<T>> => {
  const stop = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, options.timeoutMs);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const started = Date.now();
  const selectors = {
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
  };

  const objects = new Map<string, T>();
  const values = () => [...objects.values()];
  let resourceVersion: string | undefined;
  let needList = true;
  let lists = 0;
  let reconnects = 0;
  let events = 0;
  let lastError: string | undefined;
  let backoff = BACKOFF_START_MS;
  const pause = async () => {
    await abortableSleep(backoff, stop.signal);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  };

  try {
    while (!stop.signal.aborted) {
      if (needList) {
        let list: { metadata?: { resourceVersion?: string; continue?: string }; items?: T[] };
        try {
          list = await listAll<T>({ kubeConfig: options.kubeConfig, path: options.path, query: selectors, signal: stop.signal });
        } catch (error) {
          if (stop.signal.aborted) break;
          lastError = describeError(error);
          await pause();
          continue;
        }
        lists++;
        objects.clear();
        for (const item of list.items ?? []) objects.set(keyOf(item), item);
        resourceVersion = list.metadata?.resourceVersion;
        needList = false;
        if (options.until(values())) return { objects: values(), resourceVersion, lists, reconnects, events };
      }

      const remainingSeconds = Math.ceil((options.timeoutMs - (Date.now() - started)) / 1000);
      const watchSeconds = Math.max(1, Math.min(MAX_WATCH_SECONDS, remainingSeconds));
      let satisfied = false;
      let fatal: unknown;
      const end = await watchOnce({
        kubeConfig: options.kubeConfig,
        path: options.path,
        query: { ...selectors, allowWatchBookmarks: true, timeoutSeconds: watchSeconds, ...(resourceVersion ? { resourceVersion } : {}) },
        idleMs: options.idleTimeoutMs ?? (watchSeconds + 15) * 1000,
        signal: stop.signal,
        onEvent: (type, object) => {
          const rv = object?.metadata?.resourceVersion;
          if (type === "ERROR") {
            const status = object as { code?: number; message?: string };
            if (status.code === 410) return "gone";
            lastError = status.message ?? "erro no watch";
            return "error";
          }
          if (rv) resourceVersion = rv;
          if (type === "BOOKMARK") return "continue";
          if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return "continue";
          events++;
          backoff = BACKOFF_START_MS;
          if (type === "DELETED") objects.delete(keyOf(object as T));
          else objects.set(keyOf(object as T), object as T);
          try {
            options.onChange?.(type, object as T);
            if (options.until(values())) satisfied = true;
          } catch (error) {
            fatal = error;
          }
          return satisfied || fatal !== undefined ? "stop" : "continue";
        },
      });
      // A condition that throws is a bug in the caller: surface it now, do not retry until the deadline.
      if (fatal !== undefined) throw fatal;
      if (satisfied) return { objects: values(), resourceVersion, lists, reconnects, events };
      if (end.kind === "stopped") break;
      reconnects++;
      if (end.kind === "gone") {
        needList = true;
      } else if (end.kind === "error") {
        lastError = end.error ?? lastError;
        if (end.gone) needList = true;
        else await pause();
      } else if (end.kind === "closed" && end.events === 0) {
        // A server that closes at once, again and again, must not be hammered.
        await pause();
      }
    }
    if (timedOut) throw new WatchTimeoutError(values(), lists, reconnects, lastError, options.timeoutMs);
    throw new WatchAbortedError();
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", onAbort);
  }
};

/** How one watch connection ended. */
type WatchEnd =
  | { kind: "closed"; events: number }
  | { kind: "gone" }
  | { kind: "idle" }
  | { kind: "stopped" }
  | { kind: "error"; error: string | undefined; gone: boolean };

/** One watch connection, as an awaited value (client-node delivers events and the end through callbacks). */
const watchOnce = ({
  kubeConfig,
  path,
  query,
  idleMs,
  signal,
  onEvent,
}: {
  kubeConfig: KubeConfig;
  path: string;
  query: Record<string, string | number | boolean>;
  idleMs: number;
  signal: AbortSignal;
  onEvent: (type: string, object: WatchedObject) => "continue" | "stop" | "gone" | "error";
}): Promise<WatchEnd> =>
  new Promise<WatchEnd>((resolve) => {
    let ended = false;
    let count = 0;
    let controller: AbortController | undefined;
    let idle: NodeJS.Timeout | undefined;
    const finish = (end: WatchEnd) => {
      if (ended) return;
      ended = true;
      clearTimeout(idle);
      signal.removeEventListener("abort", onAbort);
      controller?.abort();
      resolve(end);
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish({ kind: "idle" }), idleMs);
    };
    const onAbort = () => finish({ kind: "stopped" });
    if (signal.aborted) return finish({ kind: "stopped" });
    signal.addEventListener("abort", onAbort, { once: true });
    armIdle();
    new Watch(kubeConfig)
      .watch(
        path,
        query,
        (type, object) => {
          if (ended) return;
          armIdle();
          count++;
          const verdict = onEvent(type, object as WatchedObject);
          if (verdict === "stop") finish({ kind: "stopped" });
          else if (verdict === "gone") finish({ kind: "gone" });
          else if (verdict === "error") finish({ kind: "error", error: undefined, gone: false });
        },
        (error: unknown) => {
          if (!error) return finish({ kind: "closed", events: count });
          const code = (error as { statusCode?: number }).statusCode;
          finish({ kind: "error", error: describeError(error), gone: code === 410 });
        },
      )
      .then(
        (c) => {
          controller = c;
          if (ended) c.abort();
        },
        (error: unknown) => finish({ kind: "error", error: describeError(error), gone: false }),
      );
  });

/** Lists the whole collection, following `continue` tokens. */
const listAll = async <T>({
  kubeConfig,
  path,
  query,
  signal,
}: {
  kubeConfig: KubeConfig;
  path: string;
  query: Record<string, string>;
  signal: AbortSignal;
}): Promise<{ metadata?: { resourceVersion?: string }; items: T[] }> => {
  const items: T[] = [];
  let token: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await restRequest<{ metadata?: { resourceVersion?: string; continue?: string }; items?: T[] }>({
      kubeConfig,
      method: "GET",
      path,
      query: { ...query, limit: 500, ...(token ? { continue: token } : {}) },
      signal,
    });
    items.push(...(page.items ?? []));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    token = page.metadata?.continue || undefined;
  } while (token);
  return { metadata: resourceVersion !== undefined ? { resourceVersion } : {}, items };
};

const keyOf = (object: WatchedObject): string => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;

const describeError = (error: unknown): string =>
  error instanceof KubeApiError ? `${error.code || error.reason}: ${error.message}` : error instanceof Error ? error.message : String(error);

/** Sleeps, waking early (without error) when the signal aborts. */
const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
