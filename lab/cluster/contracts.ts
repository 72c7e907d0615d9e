// In-process contracts between the cluster stand-in's parts (API server + controllers, kubelet, DNS, kube-proxy).
// The cluster daemon is one Node process (like k3s): these interfaces are how its parts talk to each other.
// Objects are plain Kubernetes JSON (kind/apiVersion/metadata/spec/status), never classes.

/** A Kubernetes object as stored and served: always carries kind and apiVersion. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    finalizers?: string[];
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** Identifies a resource type: group ("" for core), version, plural resource name. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
}

/** One change seen by a watcher. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
}

/** Listing options shared by list() and watch(). */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The API as seen by in-process components (controllers, kubelet, DNS, kube-proxy, istiod stand-in when in-process).
 * Errors are thrown as ApiError with the HTTP status and Kubernetes reason (NotFound, AlreadyExists, Conflict, Invalid, Forbidden). */
export interface ClusterApi {
  get(type: ResourceType, name: string, namespace?: string): Promise<KubeObject>;
  list(type: ResourceType, options?: ListOptions): Promise<KubeObject[]>;
  create(type: ResourceType, object: KubeObject): Promise<KubeObject>;
  /** Replaces the object (optimistic concurrency on metadata.resourceVersion when set). */
  update(type: ResourceType, object: KubeObject): Promise<KubeObject>;
  /** Replaces only .status (the /status subresource). */
  updateStatus(type: ResourceType, object: KubeObject): Promise<KubeObject>;
  delete(type: ResourceType, name: string, namespace?: string): Promise<void>;
  /** Calls `onEvent` with ADDED for every existing object, then every later change, until the returned function is called. */
  watch(type: ResourceType, options: ListOptions, onEvent: (event: WatchEvent) => void): () => void;
}

/** The error shape of ClusterApi calls (mirrors a metav1.Status). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A running `kubectl exec` session inside a pod's container, as the API server's exec endpoint drives it. */
export interface ExecSession {
  /** Bytes for the process's stdin (undefined when stdin was not requested). */
  writeStdin(chunk: Buffer): void;
  closeStdin(): void;
  resize(size: { width: number; height: number }): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  /** Resolves with the exit code (or a signal name) once the process ended and its output was delivered. */
  readonly exited: Promise<{ exitCode: number | null; signal: string | null }>;
  kill(): void;
}

/** What the API server's `pods/exec` endpoint needs from the kubelet. */
export interface ExecBackend {
  /** Starts `command` in container `container` of pod `namespace/pod`; throws ApiError (e.g. 400 "container not found",
   * 500 when the container is not running) if it cannot start. */
  exec(request: {
    namespace: string;
    pod: string;
    container: string;
    command: string[];
    stdin: boolean;
    tty: boolean;
  }): Promise<ExecSession>;
}

/** A request for a container's log, as the API server's `pods/log` endpoint receives it (query parameters of kubectl logs). */
export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** The previous (terminated) instance of the container. */
  previous?: boolean;
  /** Prefix each line with its RFC3339Nano timestamp. */
  timestamps?: boolean;
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines newer than this many seconds. */
  sinceSeconds?: number;
  /** Only lines at or after this RFC3339 time. */
  sinceTime?: string;
  /** Stop after this many bytes. */
  limitBytes?: number;
  /** Keep streaming new lines until the container ends or `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
}

/** What the API server's `pods/log` endpoint needs from the kubelet: the log bytes, already formatted as kubectl prints
 * them. Throws ApiError (400 "container … is waiting to start: …", 400 "previous terminated container … not found",
 * 404 pod not found on this node) before streaming starts. */
export interface LogBackend {
  logs(request: LogRequest): Promise<AsyncIterable<Buffer>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Added by the API server part (compatible extensions: nothing above changed).

/** A request seen by in-process admission plugins (the lab's stand-in for admission webhooks). */
export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  resource: ResourceType;
  subresource?: string;
  kind: { group: string; version: string; kind: string };
  namespace?: string;
  name: string;
  /** The incoming object; mutating plugins change it in place. */
  object?: KubeObject;
  oldObject?: KubeObject;
  userInfo: { username: string; groups: string[] };
  dryRun: boolean;
}

/** An in-process admission plugin (sidecar injection, policy checks). Throw an ApiError to deny the request. */
export interface AdmissionPlugin {
  name: string;
  /** Mutating phase (before validation): change `request.object` in place. */
  mutate?(request: AdmissionRequest): void | Promise<void>;
  /** Validating phase (after the object is final). */
  validate?(request: AdmissionRequest): void | Promise<void>;
}

/** What the cluster daemon hands to each component besides the API when it starts it. */
export interface ClusterComponentContext {
  /** Instance number and state folder of the lab. */
  instance: number;
  stateDir: string;
  /** Adds an admission plugin; returns a function that removes it. */
  registerAdmission(plugin: AdmissionPlugin): () => void;
  /** Writes a line to the cluster log, tagged with the component's name. */
  log(message: string): void;
}

/** A part of the cluster daemon started after the API server (kubelet, DNS, kube-proxy, istiod stand-in…). */
export interface ClusterComponent {
  readonly name: string;
  /** The kubelet provides exec and logs for pods. */
  readonly exec?: ExecBackend;
  readonly logs?: LogBackend;
  /** True when this component runs pods and deletes them after their grace period (enables graceful pod deletion). */
  readonly runsPods?: boolean;
  /** Starts the component (the context adds admission hooks, logging and the lab's facts). */
  start(api: ClusterApi, context: ClusterComponentContext): Promise<void>;
  stop(): Promise<void>;
}
