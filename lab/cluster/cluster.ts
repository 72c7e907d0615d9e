// Assembles the cluster stand-in in one process: store (persisted), registry, PKI, HTTPS API server, kubeconfig,
// built-in admission, controllers, and the components other parts register (kubelet, DNS, proxy, istiod…).
// The daemon runs it for a lab instance; tests run it on loopback with an ephemeral port and a temp state dir.
import path from "node:path";
import type { ClusterApi, ClusterComponent } from "./contracts.js";
import { labNetPlan, type LabNetPlan } from "../net/plan.js";
import { defaultTolerationSecondsAdmission, serviceAccountAdmission } from "./admission/builtin.js";
import { writeKubeconfig } from "./apiserver/kubeconfig.js";
import { ensureClusterPki, type ClusterPki } from "./apiserver/pki.js";
import { startApiServer, type RunningApiServer } from "./apiserver/server.js";
import { defaultIssuer } from "./apiserver/tokens.js";
import { startControllers, type RunningControllers } from "./controllers/index.js";
import { inProcessApi } from "./registry/cluster-api.js";
import { Registry } from "./registry/registry.js";
import { componentUser } from "./registry/request.js";
import { ResourceCatalog } from "./resources/catalog.js";
import { ActionLog } from "./store/actions.js";
import { ObjectStore } from "./store/object-store.js";
import { loadStore, persistStore, type StorePersistence } from "./store/persistence.js";
import { ReactorChain } from "./store/reactors.js";

/** Options of startCluster. */
export interface ClusterOptions {
  /** The instance's state folder: `cluster/` (store, PKI) and `kubeconfig` go there. */
  stateDir: string;
  /** Lab instance (address plan). */
  instance: number;
  /** Where the API server listens (default: the plan's gateway:6443, plus 127.0.0.1:6443 for instance 0). */
  listen?: Array<{ host: string; port: number }>;
  /** Kubeconfig to write (default `<stateDir>/kubeconfig`); its server is the first listener's URL. */
  kubeconfigFile?: string;
  /** Server URL written in the kubeconfig (default: the first listener). */
  kubeconfigServer?: string;
  /** Keep the store in `<stateDir>/cluster/store.json` (default true). */
  persist?: boolean;
  /** Components started after the API server and controllers, stopped in reverse order. */
  components?: ClusterComponent[];
  bookmarkIntervalMs?: number;
  /** One line per event worth logging (requests, controller errors, component messages). */
  log?: (line: string) => void;
}

/** A running cluster. */
export interface RunningCluster {
  plan: LabNetPlan;
  registry: Registry;
  store: ObjectStore;
  actions: ActionLog;
  reactors: ReactorChain;
  pki: ClusterPki;
  server: RunningApiServer;
  controllers: RunningControllers;
  /** URLs of the API server. */
  urls: string[];
  kubeconfigFile: string;
  /** The API as an in-process client named `name`. */
  api(name: string): ClusterApi;
  /** Writes the store to disk now. */
  flush(): Promise<void>;
  /** Stops components, controllers, the API server; writes the store. */
  stop(): Promise<void>;
}

/** Starts the cluster stand-in. */
export const startCluster = async (options: ClusterOptions): Promise<RunningCluster> => {
  const plan = labNetPlan(options.instance);
  const log = options.log ?? (() => {});
  const clusterDir = path.join(options.stateDir, "cluster");
  const store = new ObjectStore();
  const catalog = new ResourceCatalog();
  const actions = new ActionLog();
  const reactors = new ReactorChain();
  const components = options.components ?? [];
  let persistence: StorePersistence | undefined;
  if (options.persist ?? true) {
    await loadStore(store, path.join(clusterDir, "store.json"));
    persistence = persistStore({ store, file: path.join(clusterDir, "store.json"), onError: (e) => log(`store: ${(e as Error).message}`) });
  }
  const registry = new Registry({
    store,
    catalog,
    actions,
    reactors,
    serviceCidr: plan.serviceCidr,
    reservedServiceIps: [plan.kubernetesServiceIp, plan.clusterDnsIp],
    gracefulPodDeletion: () => components.some((c) => c.runsPods),
  });
  registry.registerAdmission(serviceAccountAdmission(store));
  registry.registerAdmission(defaultTolerationSecondsAdmission());
  // 127.0.0.1:6443 can belong to one instance only: instance 0 (a developer's lab) takes it, others use their gateway.
  const listen = options.listen ?? [
    { host: plan.gateway, port: plan.apiServerPort },
    ...(plan.instance === 0 ? [{ host: "127.0.0.1", port: plan.apiServerPort }] : []),
  ];
  const pki = await ensureClusterPki({ dir: path.join(clusterDir, "pki"), serverIps: [...new Set([...listen.map((l) => l.host), "127.0.0.1", plan.gateway, plan.kubernetesServiceIp])] });
  const api = (name: string) => inProcessApi({ registry, user: componentUser(name), fieldManager: name, tokens: { key: pki.saKey, issuer: defaultIssuer } });
  const execComponent = () => components.find((c) => c.exec)?.exec;
  const logsComponent = () => components.find((c) => c.logs)?.logs;
  const server = await startApiServer({ registry, pki, listen, exec: execComponent, logs: logsComponent, bookmarkIntervalMs: options.bookmarkIntervalMs, log: (l) => log(`apiserver: ${l}`) });
  const controllers = await startControllers({
    api: api("kube-controller-manager"),
    registry,
    caCert: pki.caCert,
    plan,
    log: (l) => log(`controllers: ${l}`),
  });
  const kubeconfigFile = options.kubeconfigFile ?? path.join(options.stateDir, "kubeconfig");
  const first = new URL(server.urls[0]!);
  await writeKubeconfig(kubeconfigFile, {
    server: options.kubeconfigServer ?? server.urls[0]!,
    otherServer: `https://${first.hostname}:${Number(first.port) + 1}`,
    caCert: pki.caCert,
    token: pki.adminToken,
  });
  const started: ClusterComponent[] = [];
  for (const component of components) {
    await component.start(api(component.name), {
      instance: options.instance,
      stateDir: options.stateDir,
      registerAdmission: (plugin) => registry.registerAdmission(plugin),
      log: (message) => log(`${component.name}: ${message}`),
    });
    started.push(component);
  }
  return {
    plan,
    registry,
    store,
    actions,
    reactors,
    pki,
    server,
    controllers,
    urls: server.urls,
    kubeconfigFile,
    api,
    flush: async () => persistence?.flush(),
    stop: async () => {
      for (const c of [...started].reverse()) {
        try {
          await c.stop();
        } catch (error) {
          log(`${c.name}: stop failed: ${(error as Error).message}`);
        }
      }
      await controllers.stop();
      await server.close();
      await persistence?.close();
    },
  };
};
