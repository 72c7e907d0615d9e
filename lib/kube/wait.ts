// `kubectl wait` through the API: a condition (Deployment Available, CRD Established), a deletion (Namespace gone) or
// any predicate over a watched collection, recorded as the kubectl command and answered with a CommandResult.
import { InputError } from "../errors.js";
import { quoteArgv } from "../run/quote.js";
import type { CommandResult } from "../run/result.js";
import type { KubeClient, KubeObject } from "./client.js";
import { conditionOf, describeConditions, type Condition } from "./objects.js";
import { recordOperation } from "./record.js";
import { collectionPath, parseObjectRef, type ResolvedType } from "./resources.js";
import { watchUntil, WatchAbortedError, WatchTimeoutError } from "./watch.js";

const DEFAULT_TIMEOUT_MS = 300_000;

/** Options shared by the waits. */
export interface WaitCommon {
  client: KubeClient;
  /** Namespace of namespaced types (default: the context's namespace). */
  namespace?: string;
  /** Give up after this long (default 5 min); the result then fails with timedOut. */
  timeoutMs?: number;
  step?: string;
  /** Return a failed result instead of throwing it. */
  nothrow?: boolean;
  signal?: AbortSignal;
  /** A silent watch connection is reopened after this long (tests shorten it). */
  idleTimeoutMs?: number;
}

/** Options of waitForCondition. */
export interface WaitForConditionOptions extends WaitCommon {
  /** "deployment/istiod", "crd/workloadentries.networking.istio.io". */
  object: string;
  /** Condition type, matched case-insensitively like kubectl ("Available", "Established", "Ready"). */
  condition: string;
  /** Expected status (default "True"). */
  status?: string;
}

/** Waits until an object has a condition (kubectl wait --for=condition=…); resolves with the recorded result. */
export const waitForCondition = async (options: WaitForConditionOptions): Promise<CommandResult> => {
  const { type: typeName, name } = parseObjectRef(options.object);
  if (!/^[A-Za-z][A-Za-z0-9.-]*$/.test(options.condition)) {
    throw new InputError(`"${options.condition}" não é um nome de condição válido`, "use o tipo da condição, por exemplo Available, Ready ou Established", "condição");
  }
  const wanted = (options.status ?? "True").toLowerCase();
  const forArg = `--for=condition=${options.condition}${options.status && options.status !== "True" ? `=${options.status}` : ""}`;
  return waitOn({
    ...options,
    typeName,
    name,
    forArg,
    until: ([object]) => {
      if (!object) return false;
      const condition = conditionOf(object, options.condition);
      return condition !== undefined && condition.status.toLowerCase() === wanted && !staleCondition(object, condition);
    },
    describe: ([object]) => (object ? `condições vistas por último: ${describeConditions(object) || "nenhuma"}` : "o objeto não existe"),
  });
};

/** Options of waitForDeletion. */
export interface WaitForDeletionOptions extends WaitCommon {
  /** "namespace/legacy", "pod/payment-1". */
  object: string;
}

/** Waits until an object is gone (kubectl wait --for=delete); resolves at once when it does not exist. */
export const waitForDeletion = async (options: WaitForDeletionOptions): Promise<CommandResult> => {
  const { type: typeName, name } = parseObjectRef(options.object);
  return waitOn({
    ...options,
    typeName,
    name,
    forArg: "--for=delete",
    until: (objects) => objects.length === 0,
    describe: ([object]) => {
      const meta = object?.metadata as { deletionTimestamp?: string; finalizers?: string[] } | undefined;
      const phase = (object?.["status"] as { phase?: string } | undefined)?.phase;
      return object ? `o objeto ainda existe${phase ? ` (fase ${phase})` : ""}${meta?.deletionTimestamp ? `, marcado para remoção em ${meta.deletionTimestamp}` : ""}${meta?.finalizers?.length ? `, finalizers: ${meta.finalizers.join(", ")}` : ""}` : "";
    },
  });
};

/** Options of waitForObjects: any predicate over the objects a selector matches. */
export interface WaitForObjectsOptions extends WaitCommon {
  /** The type ("workloadentries", "pods"). */
  resource: string;
  labelSelector?: string;
  /** All namespaces. */
  allNamespaces?: boolean;
  until: (objects: KubeObject[]) => boolean;
  /** Describes the last state seen when the wait fails (Portuguese). */
  describe: (objects: KubeObject[]) => string;
  /** The command to show (default: a kubectl get --watch equivalent). */
  display?: string;
}

/** Waits until `until` holds for the objects of a type (e.g. a WorkloadEntry registered for the VM). */
export const waitForObjects = async (options: WaitForObjectsOptions): Promise<CommandResult> =>
  waitOn({
    ...options,
    typeName: options.resource,
    name: undefined,
    forArg: undefined,
    until: options.until,
    describe: options.describe,
  });

/** The shared implementation: resolve the type, record the command, watch until the predicate or the deadline. */
const waitOn = async (
  options: WaitCommon & {
    typeName: string;
    name: string | undefined;
    forArg: string | undefined;
    labelSelector?: string;
    allNamespaces?: boolean;
    display?: string;
    until: (objects: KubeObject[]) => boolean;
    describe: (objects: KubeObject[]) => string;
  },
): Promise<CommandResult> => {
  const { client } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InputError(`tempo de espera inválido: ${String(timeoutMs)} ms`, "use um tempo positivo em milissegundos (por exemplo 300000 para 5 minutos)", "timeoutMs");
  }
  const namespace = options.allNamespaces ? undefined : client.namespaceOf(options.namespace);
  const type: ResolvedType | undefined = client.planned ? undefined : await client.resolve(options.typeName);
  const clusterScoped = type ? !type.namespaced : ["namespace", "namespaces", "ns", "crd", "crds", "customresourcedefinition"].includes(options.typeName);
  const nsArgs = options.allNamespaces ? ["-A"] : !clusterScoped && namespace && namespace !== "default" ? ["-n", namespace] : [];
  const timeoutArg = `--timeout=${Math.ceil(timeoutMs / 1000)}s`;
  const argv = options.name
    ? ["kubectl", "wait", options.forArg!, `${options.typeName}/${options.name}`, ...nsArgs, timeoutArg]
    : ["kubectl", "get", options.typeName, ...nsArgs, ...(options.labelSelector ? ["-l", options.labelSelector] : []), "--watch"];
  const path = type ? collectionPath({ type, namespace }) : "";
  const qualified = type ? `${type.plural}${type.group ? `.${type.group}` : ""}` : options.typeName;

  return recordOperation({
    session: client.session,
    display: options.display ?? quoteArgv(argv),
    exact: `LIST+WATCH ${path}${options.name ? `?fieldSelector=metadata.name=${options.name}` : ""}${options.labelSelector ? `?labelSelector=${options.labelSelector}` : ""} (client-node, até ${Math.ceil(timeoutMs / 1000)} s)`,
    argv,
    ...(options.step !== undefined ? { step: options.step } : {}),
    ...(options.nothrow !== undefined ? { nothrow: options.nothrow } : {}),
    operation: async () => {
      try {
        const outcome = await watchUntil<KubeObject>({
          kubeConfig: client.kubeConfig,
          path,
          ...(options.name ? { fieldSelector: `metadata.name=${options.name}` } : {}),
          ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
          until: options.until,
          timeoutMs,
          ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const stdout = options.name
          ? `${qualified}/${options.name} condition met\n`
          : outcome.objects.map((o) => `${qualified}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`).join("\n") + "\n";
        return { exitCode: 0, stdout, stderr: "" };
      } catch (error) {
        if (error instanceof WatchTimeoutError) {
          // Never listed: nothing is known about the object, so say that rather than "it does not exist".
          const seen = error.lists === 0 ? "o servidor da API não chegou a responder à listagem dentro do prazo" : options.describe(error.lastSeen as KubeObject[]);
          const target = options.name ? ` on ${type!.plural}/${options.name}` : "";
          return {
            exitCode: 1,
            timedOut: true,
            stdout: "",
            stderr: `error: timed out waiting for the condition${target}\n${seen ? `${seen}\n` : ""}${error.lastError ? `último erro do watch: ${error.lastError}\n` : ""}`,
          };
        }
        if (error instanceof WatchAbortedError) return { exitCode: 130, stdout: "", stderr: "a espera foi cancelada\n", cause: "cancelado" };
        throw error;
      }
    },
  });
};

/** A condition reported for an older generation of the object does not count (kubectl ignores it too). */
const staleCondition = (object: KubeObject, condition: Condition): boolean => {
  const generation = (object.metadata as { generation?: number }).generation;
  if (generation === undefined) return false;
  const observed = condition.observedGeneration ?? (object["status"] as { observedGeneration?: number } | undefined)?.observedGeneration;
  return observed !== undefined && observed < generation;
};
