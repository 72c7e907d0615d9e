// Keeps a ClusterIndex current from the Kubernetes API over HTTP (list, then watch from its resourceVersion; re-list
// whenever a watch ends), as CoreDNS does from inside its pod.
import { CoreV1Api, Watch, type KubeConfig } from "@kubernetes/client-node";
import type { WatchEvent } from "../contracts.js";
import type { ClusterIndex } from "./cluster-index.js";

const KINDS = [
  { kind: "Namespace", path: "/api/v1/namespaces", list: (api: CoreV1Api) => api.listNamespace() },
  { kind: "Service", path: "/api/v1/services", list: (api: CoreV1Api) => api.listServiceForAllNamespaces() },
  { kind: "Endpoints", path: "/api/v1/endpoints", list: (api: CoreV1Api) => api.listEndpointsForAllNamespaces() },
] as const;

/** A running feed: `synced` resolves after the first full list of every kind. */
export interface KubeApiFeed {
  readonly synced: Promise<void>;
  stop(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lists and watches namespaces, services and endpoints through `kc` into `index` until stopped. */
export const feedIndexFromKubeApi = (kc: KubeConfig, index: ClusterIndex, log: (line: string) => void = () => undefined): KubeApiFeed => {
  let stopped = false;
  const aborts = new Set<AbortController>();
  const core = kc.makeApiClient(CoreV1Api);
  const syncs = KINDS.map(({ kind, path, list: listKind }) =>
    new Promise<void>((markSynced) => {
      const loop = async () => {
        while (!stopped) {
          try {
            const list: any = await listKind(core);
            index.resetKind(kind);
            for (const item of list.items ?? []) index.apply({ type: "ADDED", object: { ...item, kind, apiVersion: "v1" } });
            markSynced();
            await new Promise<void>((resolve) => {
              void new Watch(kc)
                .watch(path, { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true }, (type, object) => {
                  if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
                    index.apply({ type, object: { ...object, kind, apiVersion: "v1" } } as WatchEvent);
                  }
                }, (err) => {
                  if (err) log(`watch ${path} ended: ${String(err?.message ?? err)}`);
                  resolve();
                })
                .then((abort) => {
                  aborts.add(abort);
                  if (stopped) abort.abort();
                }, (err) => {
                  log(`watch ${path} failed: ${String(err?.message ?? err)}`);
                  resolve();
                });
            });
          } catch (error) {
            log(`list ${path} failed: ${String((error as Error)?.message ?? error)}`);
            await sleep(1000);
          }
        }
      };
      void loop();
    }),
  );
  return {
    synced: Promise.all(syncs).then(() => undefined),
    stop: () => {
      stopped = true;
      for (const a of aborts) a.abort();
    },
  };
};
