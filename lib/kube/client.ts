// The structured side of the cluster (client-node's KubeConfig + plain JSON over the API): typed reads recorded as the
// kubectl command a student would type, server reachability, and the hub for watches, waits, apply and exec.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Session } from "../run/session.js";
import { quoteArgv } from "../run/quote.js";
import { KubeApiError } from "./api-error.js";
import { Discovery, type ResourceRef } from "./discovery.js";
import { kubeTarget, type KubeTarget } from "./kubeconfig.js";
import { recordOperation } from "./record.js";
import { restRequest } from "./rest.js";
import { collectionPath, objectPath, type ResolvedType } from "./resources.js";
import { validateName, validateNamespace } from "./names.js";
import { serverSideApply, type ServerSideApplyOptions } from "./apply.js";
import { execInPod, type ExecInPodOptions } from "./exec.js";
import { waitForCondition, waitForDeletion, waitForObjects, type WaitForConditionOptions, type WaitForDeletionOptions, type WaitForObjectsOptions } from "./wait.js";
import { watchUntil, type WatchOutcome } from "./watch.js";
import type { CommandResult } from "../run/result.js";

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Options shared by reads. */
export interface ReadOptions {
  /** The type: a kubectl name ("svc", "deployment", "workloadentries") or { apiVersion, kind }. */
  resource: ResourceRef;
  /** Namespace of namespaced types (default: the context's namespace). */
  namespace?: string;
  /** Record the read in the event log as a kubectl command (default true; internal lookups pass false). */
  record?: boolean;
  step?: string;
}

/** Options of get. */
export interface GetOptions extends ReadOptions {
  name: string;
}

/** Options of list. */
export interface ListOptions extends ReadOptions {
  /** All namespaces (kubectl -A). */
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Whether the API server answers, and what it said. */
export interface Reachability {
  ok: boolean;
  server: string;
  context: string;
  /** The server's gitVersion when it answered. */
  version?: string;
  /** Why not (Portuguese), when it did not. */
  problem?: string;
  /** The low-level error (code or HTTP status). */
  error?: string;
}

/** The API client of a session. Reads return undefined / [] in plan mode (nothing is contacted). */
export class KubeClient {
  readonly session: Session;
  #discovery: Discovery | undefined;

  constructor({ session }: { session: Session }) {
    this.session = session;
  }

  /** The cluster target (kubeconfig, context), loaded once; throws InputError for a bad KUBECONFIG or context. */
  get target(): KubeTarget {
    return kubeTarget(this.session);
  }

  /** client-node's KubeConfig with the session's context selected. */
  get kubeConfig(): KubeConfig {
    return this.target.kubeConfig;
  }

  /** True in plan mode: nothing is contacted. */
  get planned(): boolean {
    return this.session.mode === "plan";
  }

  /** The type discovery of this cluster. */
  get discovery(): Discovery {
    this.#discovery ??= new Discovery({ kubeConfig: this.kubeConfig });
    return this.#discovery;
  }

  /** Resolves a type by discovery (served version and plural). */
  async resolve(resource: ResourceRef): Promise<ResolvedType> {
    return this.#explained(() => this.discovery.resolve(resource));
  }

  /** The namespace a namespaced call uses. */
  namespaceOf(namespace: string | undefined): string {
    if (namespace !== undefined) {
      validateNamespace(namespace);
      return namespace;
    }
    if (!this.planned) return this.target.namespace;
    // Planning needs no kubeconfig: without one, kubectl's own default applies.
    try {
      return this.target.namespace;
    } catch {
      return "default";
    }
  }

  /** Reads one object; undefined when it does not exist (or in plan mode). Other errors reject with KubeApiError. */
  async get<T extends KubeObject = KubeObject>(options: GetOptions): Promise<T | undefined> {
    validateName(options.name);
    const namespace = this.namespaceOf(options.namespace);
    const display = ["kubectl", "get", refName(options.resource), options.name, ...nsArgs(options.resource, namespace), "-o", "json"];
    if (this.planned) return this.#read({ display, exact: "GET", options, run: async () => undefined, describe: () => "" });
    const type = await this.resolve(options.resource);
    const path = objectPath({ type, name: options.name, namespace });
    return this.#read({
      display,
      exact: `GET ${path} (client-node)`,
      options,
      run: async () => {
        try {
          return await restRequest<T>({ kubeConfig: this.kubeConfig, method: "GET", path });
        } catch (error) {
          if (error instanceof KubeApiError && error.notFound) return undefined;
          throw error;
        }
      },
      describe: (found) => (found ? `${type.plural}/${options.name}\n` : `Error from server (NotFound): ${type.plural} "${options.name}" not found\n`),
    });
  }

  /** Lists objects (following pagination); [] in plan mode. */
  async list<T extends KubeObject = KubeObject>(options: ListOptions): Promise<T[]> {
    const namespace = options.allNamespaces ? undefined : this.namespaceOf(options.namespace);
    const display = [
      "kubectl",
      "get",
      refName(options.resource),
      ...(options.allNamespaces ? ["-A"] : nsArgs(options.resource, namespace!)),
      ...(options.labelSelector ? ["-l", options.labelSelector] : []),
      ...(options.fieldSelector ? [`--field-selector=${options.fieldSelector}`] : []),
      "-o",
      "json",
    ];
    if (this.planned) return this.#read({ display, exact: "LIST", options, run: async (): Promise<T[]> => [], describe: () => "" });
    const type = await this.resolve(options.resource);
    const path = collectionPath({ type, namespace });
    return this.#read({
      display,
      exact: `GET ${path} (client-node)`,
      options,
      run: () => this.listPath<T>({ path, ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}) }),
      describe: (items) =>
        items.length ? items.map((o) => `${type.plural}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`).join("\n") + "\n" : "No resources found\n",
    });
  }

  /** Lists a collection path, following `continue` tokens (not recorded: a building block). */
  async listPath<T>({ path, labelSelector, fieldSelector }: { path: string; labelSelector?: string; fieldSelector?: string }): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await restRequest<{ metadata?: { continue?: string }; items?: T[] }>({
        kubeConfig: this.kubeConfig,
        method: "GET",
        path,
        query: { labelSelector, fieldSelector, limit: 500, continue: token },
      });
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  /** Waits until an object has a condition (kubectl wait --for=condition=…), by watching. */
  waitForCondition(options: Omit<WaitForConditionOptions, "client">): Promise<CommandResult> {
    return waitForCondition({ client: this, ...options });
  }

  /** Waits until an object is gone (kubectl wait --for=delete), by watching. */
  waitForDeletion(options: Omit<WaitForDeletionOptions, "client">): Promise<CommandResult> {
    return waitForDeletion({ client: this, ...options });
  }

  /** Waits until a predicate holds for the objects of a type (e.g. the VM's auto-registered WorkloadEntry). */
  waitForObjects(options: Omit<WaitForObjectsOptions, "client">): Promise<CommandResult> {
    return waitForObjects({ client: this, ...options });
  }

  /** Server-side apply (field manager "istio-em-vms"), recorded as kubectl apply --server-side. */
  apply(options: Omit<ServerSideApplyOptions, "client">): Promise<CommandResult> {
    return serverSideApply({ client: this, ...options });
  }

  /** Runs a command in a container over the API (exit code from the status channel). */
  exec(options: Omit<ExecInPodOptions, "client">): Promise<CommandResult> {
    return execInPod({ client: this, ...options });
  }

  /** Watches a type until `until` holds (not recorded: a building block for checks). Rejects with WatchTimeoutError at the deadline. */
  async watchUntil<T extends KubeObject = KubeObject>(options: {
    resource: ResourceRef;
    namespace?: string;
    allNamespaces?: boolean;
    labelSelector?: string;
    fieldSelector?: string;
    until: (objects: T[]) => boolean;
    timeoutMs: number;
    signal?: AbortSignal;
  }): Promise<WatchOutcome<T>> {
    const type = await this.resolve(options.resource);
    const namespace = options.allNamespaces ? undefined : this.namespaceOf(options.namespace);
    return watchUntil<T>({
      kubeConfig: this.kubeConfig,
      path: collectionPath({ type, namespace }),
      until: options.until,
      timeoutMs: options.timeoutMs,
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Asks the API server for /version; never throws for an unreachable server (returns the problem in Portuguese). */
  async reachability({ timeoutMs = 5_000 }: { timeoutMs?: number } = {}): Promise<Reachability> {
    const { context, cluster } = this.target;
    try {
      const info = await restRequest<{ gitVersion?: string }>({ kubeConfig: this.kubeConfig, method: "GET", path: "/version", timeoutMs });
      return { ok: true, server: cluster.server, context, ...(info.gitVersion ? { version: info.gitVersion } : {}) };
    } catch (error) {
      const e = error as KubeApiError;
      return { ok: false, server: cluster.server, context, problem: unreachableProblem({ error: e, server: cluster.server, context }), error: `${e.reason}: ${e.message}` };
    }
  }

  /** Runs an API call; a server that cannot be reached (or refuses the credentials) becomes a Portuguese explanation. */
  async #explained<R>(run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof KubeApiError && (error.unreachable || error.code === 401 || error.code === 403) && !error.message.includes("contexto")) {
        const { cluster, context } = this.target;
        throw new KubeApiError(error.code, error.reason, `${unreachableProblem({ error, server: cluster.server, context })} [${error.reason}: ${error.message}]`, error.request);
      }
      throw error;
    }
  }

  /** Runs a read, recorded as its kubectl equivalent unless `record: false`; rethrows the read's own error. */
  async #read<R>({ display, exact, options, run, describe }: { display: string[]; exact: string; options: ReadOptions; run: () => Promise<R>; describe: (value: R) => string }): Promise<R> {
    if (options.record === false) return this.#explained(run);
    let value: R | undefined;
    let failure: unknown;
    await recordOperation({
      session: this.session,
      display: quoteArgv(display),
      exact,
      argv: display,
      quiet: true,
      nothrow: true,
      ...(options.step !== undefined ? { step: options.step } : {}),
      operation: async () => {
        try {
          value = await this.#explained(run);
          return { exitCode: 0, stdout: describe(value), stderr: "" };
        } catch (error) {
          failure = error;
          return { exitCode: 1, stdout: "", stderr: `${(error as Error).message}\n`, ...(error instanceof KubeApiError && error.unreachable ? { cause: error.reason } : {}) };
        }
      },
    });
    if (failure !== undefined) throw failure;
    // In plan mode the operation did not run: `run` is then the planned stand-in (undefined, []).
    return this.planned ? run() : (value as R);
  }
}

/** `-n NS` for display (kubectl's own default namespace is not shown). */
const nsArgs = (resource: ResourceRef, namespace: string): string[] => (namespace && namespace !== "default" && !isClusterScopedName(resource) ? ["-n", namespace] : []);

const CLUSTER_SCOPED = new Set(["namespace", "namespaces", "ns", "crd", "crds", "customresourcedefinition", "customresourcedefinitions"]);
const isClusterScopedName = (resource: ResourceRef): boolean =>
  typeof resource === "string" ? CLUSTER_SCOPED.has(resource.toLowerCase()) : resource.kind === "Namespace" || resource.kind === "CustomResourceDefinition";

/** The name kubectl would accept for a type reference (kind in lower case, qualified for non-core groups). */
export const refName = (resource: ResourceRef): string => {
  if (typeof resource === "string") return resource;
  const group = resource.apiVersion.includes("/") ? resource.apiVersion.slice(0, resource.apiVersion.indexOf("/")) : "";
  const kind = resource.kind.toLowerCase();
  return group && !["apps", "batch"].includes(group) ? `${kind}.${group}` : kind;
};

/** Why the server was not reached, in Portuguese, naming the likely cause and the fix. */
export const unreachableProblem = ({ error, server, context }: { error: KubeApiError; server: string; context: string }): string => {
  const where = `o servidor da API ${server} (contexto "${context}")`;
  switch (error.reason) {
    case "ECONNREFUSED":
      return `${where} recusou a conexão: nada escuta nesse endereço e porta. Confira se o cluster está no ar (no laboratório: \`npm run lab -- status\`) e se o kubeconfig aponta para o cluster certo`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${where} não respondeu (${error.reason}): rede, firewall ou VPN entre esta máquina e o cluster. Confira a conectividade e o endereço do servidor no kubeconfig`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `o nome do servidor em ${server} não resolve no DNS (${error.reason}): confira o endereço no kubeconfig ou o DNS desta máquina`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
    case "CERT_HAS_EXPIRED":
      return `${where} apresentou um certificado que não confere com o kubeconfig (${error.reason}): gere o kubeconfig de novo com a ferramenta do provedor`;
    default:
      if (error.code === 401) return `${where} recusou as credenciais (401 Unauthorized): o token ou certificado do kubeconfig expirou; gere o kubeconfig de novo`;
      if (error.code === 403) return `${where} respondeu 403 Forbidden: o usuário do kubeconfig não tem permissão; use um usuário com acesso de administrador ao cluster`;
      return `${where} não pôde ser consultado (${error.reason}: ${error.message})`;
  }
};
