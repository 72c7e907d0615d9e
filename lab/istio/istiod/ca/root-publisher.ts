// istiod's namespace controller: ConfigMap istio-ca-root-cert (key root-cert.pem, label istio.io/config=true) in every
// namespace, created for new namespaces, recreated when deleted, restored when edited — except the namespaces the
// release skips and terminating ones.
import { Informer, type InformerEvent } from "../kube/informer.js";
import { KubeRestError, type KubeJson, type KubeRest } from "../kube/rest.js";
import type { IstiodLogger } from "../log.js";

/** Name of the per-namespace root certificate ConfigMap. */
export const ROOT_CERT_CONFIGMAP = "istio-ca-root-cert";

/** Keeps istio-ca-root-cert in every namespace. */
export class RootCertPublisher {
  private readonly namespaces: Informer;
  private readonly configMaps: Informer;
  private readonly queue = new Set<string>();
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly o: { rest: KubeRest; rootPem: string; skipped: ReadonlySet<string>; log: IstiodLogger },
  ) {
    this.namespaces = new Informer(o.rest, "/api/v1/namespaces", (e) => this.enqueue(e.object["metadata"]["name"]), (m) => o.log.warn("default", m));
    this.configMaps = new Informer(o.rest, `/api/v1/configmaps?fieldSelector=metadata.name%3D${ROOT_CERT_CONFIGMAP}`, (e) => this.onConfigMap(e), (m) => o.log.warn("default", m));
  }

  /** Starts watching; resolves once both caches are synced and the first pass is queued. */
  async start(): Promise<void> {
    this.namespaces.start();
    this.configMaps.start();
    await Promise.all([this.namespaces.synced, this.configMaps.synced]);
    this.o.log.info("default", "Namespace controller started");
    for (const ns of this.namespaces.items()) this.enqueue(ns["metadata"]["name"]);
  }

  private onConfigMap(event: InformerEvent): void {
    const ns = String(event.object["metadata"]?.["namespace"] ?? "");
    if (ns) this.enqueue(ns);
  }

  private enqueue(namespace: string): void {
    if (this.stopped || this.o.skipped.has(namespace)) return;
    this.queue.add(namespace);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const [ns] = this.queue;
      this.queue.delete(ns!);
      try {
        await this.reconcile(ns!);
      } catch (error) {
        this.o.log.error("default", `error when inserting CA cert to configmap ${ROOT_CERT_CONFIGMAP}: ${(error as Error).message}`);
      }
    }
  }

  private async reconcile(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    if (!ns || ns["status"]?.["phase"] === "Terminating" || ns["metadata"]?.["deletionTimestamp"]) return;
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const current: KubeJson | undefined = this.configMaps.get(namespace, ROOT_CERT_CONFIGMAP) ?? (await this.o.rest.getOptional(`${path}/${ROOT_CERT_CONFIGMAP}`));
    if (!current) {
      try {
        await this.o.rest.request("POST", path, {
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: ROOT_CERT_CONFIGMAP, namespace, labels: { "istio.io/config": "true" } }, data: { "root-cert.pem": this.o.rootPem } },
        });
      } catch (error) {
        if (!(error instanceof KubeRestError && (error.status === 409 || error.status === 404 || error.status === 403))) throw error;
      }
      return;
    }
    if (current["data"]?.["root-cert.pem"] === this.o.rootPem) return;
    await this.o.rest.request("PUT", `${path}/${ROOT_CERT_CONFIGMAP}`, { body: { ...current, data: { ...(current["data"] ?? {}), "root-cert.pem": this.o.rootPem } } });
  }

  /** Stops the informers. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.namespaces.stop(), this.configMaps.stop()]);
    await this.running;
  }
}
