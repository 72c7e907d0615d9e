// The course's simul-shop (chapter 4: exemplos/simul-shop/manifests/4/{deployments,services}.yaml in
// kdop-dev/istio-curso-files) and chapter 14's legacy pegasus-pay on the VM, as data: the single source the runbook's
// simul-shop manifests and the architecture picture are generated from.

/** The course's generic service image (every simul-shop module and pegasus-pay run it). */
export const GENERIC_SERVICE_IMAGE = "kdop/generic-service:0.0.5";

/** One container environment variable, in manifest order. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/** A simul-shop module: a Deployment running the generic service and its ClusterIP Service. */
export interface SimulShopService {
  /** Service name, `app` label and container name. */
  readonly name: string;
  readonly namespace: "default";
  /** Deployment name (only front-end carries its version: `front-end-v1`). */
  readonly deploymentName: string;
  readonly labels: { readonly app: string; readonly version: "v1" };
  readonly image: typeof GENERIC_SERVICE_IMAGE;
  readonly imagePullPolicy: "Always";
  /** The containerPort the manifests declare (8080), although the service listens on 8000. */
  readonly containerPort: 8080;
  readonly env: readonly EnvVar[];
  readonly resources: {
    readonly requests: { readonly memory: "80Mi"; readonly cpu: "50m" };
    readonly limits: { readonly memory: "96Mi"; readonly cpu: "100m" };
  };
  readonly terminationGracePeriodSeconds: 5;
  /** The ClusterIP Service: selector `app`, label `app`, one port named `http`. */
  readonly service: { readonly type: "ClusterIP"; readonly port: { readonly name: "http"; readonly port: 8000; readonly targetPort: 8000 } };
}

/** Chapter 14's legacy service: the generic service in Docker on the VM, exposed to the mesh in namespace `legacy`. */
export interface LegacyVmService {
  readonly name: "pegasus-pay";
  readonly namespace: "legacy";
  /** `docker run -d --rm -p 8000:8000 --hostname pegasus-pay --name pegasus-pay -e … kdop/generic-service:0.0.5`. */
  readonly docker: {
    readonly image: typeof GENERIC_SERVICE_IMAGE;
    readonly containerName: "pegasus-pay";
    readonly hostname: "pegasus-pay";
    readonly publish: "8000:8000";
    readonly env: readonly EnvVar[];
  };
  readonly serviceAccount: "legacy-pegasus";
  /** Labels of the WorkloadGroup/WorkloadEntry and the Service's selector. */
  readonly labels: { readonly app: "pegasus-pay" };
  /** The Kubernetes Service chapter 14 creates for the VM (port named `http-vm`). */
  readonly service: { readonly port: { readonly name: "http-vm"; readonly port: 8000; readonly targetPort: 8000 } };
}

/** How one service calls another: its scheduler, its /s fan-out, or a command the course has the student run. */
export type CallKind = "schedule" | "split" | "manual";

/** One edge of the call graph. */
export interface CallEdge {
  readonly from: string;
  readonly to: string;
  /** Path and query called (`/`, `/s`, `/healthz`, `/r?code=404&wait=1s`). */
  readonly path: string;
  readonly kind: CallKind;
  /** The URL as configured or typed. */
  readonly url: string;
  /** Where the call comes from: the env variable, or the course's command. */
  readonly source: string;
}

const RESOURCES = { requests: { memory: "80Mi", cpu: "50m" }, limits: { memory: "96Mi", cpu: "100m" } } as const;
const HTTP_SERVICE = { type: "ClusterIP", port: { name: "http", port: 8000, targetPort: 8000 } } as const;

const simulShopModule = (name: string, extraEnv: readonly EnvVar[], deploymentName = name): SimulShopService => ({
  name,
  namespace: "default",
  deploymentName,
  labels: { app: name, version: "v1" },
  image: GENERIC_SERVICE_IMAGE,
  imagePullPolicy: "Always",
  containerPort: 8080,
  env: [...extraEnv, { name: "APP", value: name }, { name: "VERSION", value: "v1" }],
  resources: RESOURCES,
  terminationGracePeriodSeconds: 5,
  service: HTTP_SERVICE,
});

/** The eight simul-shop modules, in the order of the course's deployments.yaml. */
export const SIMUL_SHOP_SERVICES: readonly SimulShopService[] = [
  simulShopModule(
    "front-end",
    [
      { name: "SCHED_CALL_URL_LST", value: "http://front-end:8000/s" },
      { name: "SCHED_CALL_INTERVAL", value: "10" },
      { name: "SPLIT_CALL_URL_LST", value: "http://login:8000/,http://catalogue:8000/,http://orders:8000/s" },
    ],
    "front-end-v1",
  ),
  simulShopModule("login", []),
  simulShopModule("catalogue", []),
  simulShopModule("orders", [{ name: "SPLIT_CALL_URL_LST", value: "http://shipping:8000/,http://cart:8000/,http://payment:8000/,http://accounts:8000/" }]),
  simulShopModule("shipping", []),
  simulShopModule("cart", []),
  simulShopModule("payment", []),
  simulShopModule("accounts", []),
];

/** The order of the course's services.yaml (front-end, login, catalogue, accounts, cart, orders, shipping, payment). */
export const SERVICES_YAML_ORDER: readonly string[] = ["front-end", "login", "catalogue", "accounts", "cart", "orders", "shipping", "payment"];

/** pegasus-pay as chapter 14 runs and registers it. */
export const PEGASUS_PAY: LegacyVmService = {
  name: "pegasus-pay",
  namespace: "legacy",
  docker: {
    image: GENERIC_SERVICE_IMAGE,
    containerName: "pegasus-pay",
    hostname: "pegasus-pay",
    publish: "8000:8000",
    env: [
      { name: "SCHED_CALL_URL_LST", value: "http://localhost:8000/healthz" },
      { name: "SCHED_CALL_INTERVAL", value: "300" },
      { name: "APP", value: "pegasus-pay" },
      { name: "VERSION", value: "v1" },
    ],
  },
  serviceAccount: "legacy-pegasus",
  labels: { app: "pegasus-pay" },
  service: { port: { name: "http-vm", port: 8000, targetPort: 8000 } },
};

/** Commands of chapter 14 that make one service call another (run by the student through kubectl exec or ssh). */
export const CHAPTER_14_CALLS: readonly CallEdge[] = [
  {
    from: "payment",
    to: "pegasus-pay",
    path: "/",
    kind: "manual",
    url: "http://pegasus-pay.legacy.svc.cluster.local:8000",
    source: "kubectl exec -it svc/payment -c payment -- curl pegasus-pay.legacy.svc.cluster.local:8000",
  },
  {
    from: "pegasus-pay",
    to: "payment",
    path: "/",
    kind: "manual",
    url: "http://payment.default.svc:8000/",
    source: "ssh-vm curl -s payment.default.svc:8000/",
  },
  {
    from: "pegasus-pay",
    to: "front-end",
    path: "/r?code=404&wait=1s",
    kind: "manual",
    url: "http://front-end.default.svc:8000/r?code=404&wait=1s",
    source: 'ssh-vm curl -s "front-end.default.svc:8000/r?code=404&wait=1s"',
  },
];

/** The value of `name` in `env`, or undefined. */
export const envValue = (env: readonly EnvVar[], name: string): string | undefined => env.find((v) => v.name === name)?.value;

// Which service a URL's host names, seen from `from` (short names resolve in the caller's namespace, localhost is itself).
const targetOf = (from: string, url: string): { to: string; path: string } => {
  const parsed = new URL(url);
  const host = parsed.hostname;
  const to = host === "localhost" || host === "127.0.0.1" ? from : (host.split(".")[0] ?? host);
  return { to, path: `${parsed.pathname}${parsed.search}` };
};

const edgesFromEnv = (from: string, env: readonly EnvVar[]): CallEdge[] => {
  const edges: CallEdge[] = [];
  for (const [variable, kind] of [["SCHED_CALL_URL_LST", "schedule"], ["SPLIT_CALL_URL_LST", "split"]] as const) {
    for (const url of (envValue(env, variable) ?? "").split(",").filter(Boolean)) {
      edges.push({ from, ...targetOf(from, url), kind, url, source: variable });
    }
  }
  return edges;
};

/** Every call edge: the services' scheduled and split calls (from their env) and chapter 14's manual calls. */
export const callGraph = (): CallEdge[] => [
  ...SIMUL_SHOP_SERVICES.flatMap((s) => edgesFromEnv(s.name, s.env)),
  ...edgesFromEnv(PEGASUS_PAY.name, PEGASUS_PAY.docker.env),
  ...CHAPTER_14_CALLS,
];
