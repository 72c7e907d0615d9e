// `kubectl exec` through client-node's Exec (WebSocket): the target resolved like kubectl (svc/NAME → a Running and
// Ready pod of its selector), the exit code taken from the status channel, everything returned as a CommandResult.
import { Readable, Writable } from "node:stream";
import { Exec, type V1Status } from "@kubernetes/client-node";
import { InputError } from "../errors.js";
import { quoteArgv } from "../run/quote.js";
import type { CommandResult } from "../run/result.js";
import type { KubeClient, KubeObject } from "./client.js";
import { validateName } from "./names.js";
import { pickPod } from "./objects.js";
import { recordOperation } from "./record.js";
import { parseObjectRef } from "./resources.js";

/** Options of execInPod. */
export interface ExecInPodOptions {
  client: KubeClient;
  /** "svc/payment", "deploy/sleep", "pod/payment-1" or a pod name. */
  target: string;
  /** Default: the pod's kubectl.kubernetes.io/default-container annotation, else its first container. */
  container?: string;
  namespace?: string;
  command: readonly string[];
  stdin?: string;
  /** Default 60 s; the connection is then closed and the result says timedOut. */
  timeoutMs?: number;
  step?: string;
  nothrow?: boolean;
  quiet?: boolean;
}

/** Runs a command in a container; resolves with its result (exit code from the status channel), throws it on failure unless nothrow. */
export const execInPod = async (options: ExecInPodOptions): Promise<CommandResult> => {
  const { client } = options;
  if (options.command.length === 0) throw new InputError("exec sem comando", "passe command: o comando e seus argumentos", "command");
  const ref = options.target.includes("/") ? parseObjectRef(options.target) : { type: "pod", name: options.target };
  validateName(ref.name);
  if (!["svc", "service", "services", "deploy", "deployment", "deployments", "po", "pod", "pods"].includes(ref.type)) {
    throw new InputError(`exec em "${options.target}": o tipo ${ref.type} não é suportado`, "use svc/NOME, deploy/NOME ou o nome do pod", "target");
  }
  if (options.container !== undefined) validateName(options.container, "nome do contêiner");
  const namespace = client.namespaceOf(options.namespace);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const argv = [
    "kubectl",
    "exec",
    ...(options.stdin !== undefined ? ["-i"] : []),
    options.target,
    ...(options.container ? ["-c", options.container] : []),
    ...(namespace !== "default" ? ["-n", namespace] : []),
    "--",
    ...options.command,
  ];

  return recordOperation({
    session: client.session,
    display: quoteArgv(argv),
    exact: `exec via WebSocket (client-node) em ${namespace}/${options.target}`,
    argv,
    ...(options.step !== undefined ? { step: options.step } : {}),
    ...(options.nothrow !== undefined ? { nothrow: options.nothrow } : {}),
    ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
    operation: async (output) => {
      const pod = await resolvePod({ client, ref, namespace });
      if (typeof pod === "string") return { exitCode: 1, stdout: "", stderr: `${pod}\n` };
      const containers = ((pod["spec"] as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
      const container = options.container ?? pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"] ?? containers[0];
      if (!container || !containers.includes(container)) {
        return { exitCode: 1, stdout: "", stderr: `error: container ${container ?? "?"} not found in pod ${pod.metadata.name} (contêineres: ${containers.join(", ") || "nenhum"})\n` };
      }
      return runExec({ client, namespace, pod: pod.metadata.name, container, command: options.command, stdin: options.stdin, timeoutMs, output });
    },
  });
};

/** The pod to exec into, or an error text (kubectl's wording). */
const resolvePod = async ({ client, ref, namespace }: { client: KubeClient; ref: { type: string; name: string }; namespace: string }): Promise<KubeObject | string> => {
  if (["po", "pod", "pods"].includes(ref.type)) {
    const pod = await client.get({ resource: "pods", name: ref.name, namespace, record: false });
    return pod ?? `Error from server (NotFound): pods "${ref.name}" not found`;
  }
  const isService = ["svc", "service", "services"].includes(ref.type);
  const owner = await client.get({ resource: isService ? "services" : "deployments", name: ref.name, namespace, record: false });
  if (!owner) return `Error from server (NotFound): ${isService ? "services" : "deployments.apps"} "${ref.name}" not found`;
  const spec = owner["spec"] as { selector?: Record<string, string> & { matchLabels?: Record<string, string> } } | undefined;
  const selector = isService ? (spec?.selector ?? {}) : (spec?.selector?.matchLabels ?? {});
  const labelSelector = Object.entries(selector)
    .filter(([, v]) => typeof v === "string")
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  if (!labelSelector) return `error: cannot attach to ${ref.type}/${ref.name}: it has no selector`;
  const pods = await client.list({ resource: "pods", namespace, labelSelector, record: false });
  const pod = pickPod(pods);
  return (pod as KubeObject | undefined) ?? `error: no running pod for ${ref.type}/${ref.name} (selector ${labelSelector}): confira se os pods estão Running (kubectl get pods -n ${namespace} -l ${labelSelector})`;
};

/** One exec over WebSocket, awaited until the socket closes (client-node reports the status through a callback). */
const runExec = ({
  client,
  namespace,
  pod,
  container,
  command,
  stdin,
  timeoutMs,
  output,
}: {
  client: KubeClient;
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
  stdin: string | undefined;
  timeoutMs: number;
  output: { stdout(text: string): void; stderr(text: string): void };
}): Promise<{ exitCode: number | null; stdout: string; stderr: string; timedOut?: boolean; cause?: string }> =>
  new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let status: V1Status | undefined;
    let timedOut = false;
    let socketError: string | undefined;
    let settled = false;
    const sink = (stream: "stdout" | "stderr") =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          const text = chunk.toString("utf8");
          if (stream === "stdout") stdout += text;
          else stderr += text;
          output[stream](text);
          callback();
        },
      });
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (timedOut) return resolve({ exitCode: null, stdout, stderr, timedOut: true });
      if (!status) {
        return resolve({ exitCode: 1, stdout, stderr: `${stderr}${socketError ? `error: ${socketError}\n` : ""}`, cause: socketError ?? "a conexão de exec terminou sem informar o código de saída" });
      }
      const code = exitCodeOf(status);
      const extra = code === 0 ? "" : code !== undefined ? `command terminated with exit code ${code}\n` : `error: ${status.message ?? status.reason ?? "exec falhou"}\n`;
      resolve({ exitCode: code ?? 1, stdout, stderr: stderr + extra });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      socket?.terminate();
      finish();
    }, timeoutMs);
    let socket: import("ws").WebSocket | undefined;
    new Exec(client.kubeConfig)
      .exec(namespace, pod, container, [...command], sink("stdout"), sink("stderr"), stdin !== undefined ? Readable.from([Buffer.from(stdin)]) : null, false, (s) => {
        status = s;
      })
      .then(
        (ws) => {
          socket = ws as unknown as import("ws").WebSocket;
          if (settled) return socket.terminate();
          ws.on("error", (error: Error) => {
            socketError = error.message;
          });
          ws.on("close", () => finish());
          if (ws.readyState === ws.CLOSED) finish();
        },
        (error: unknown) => {
          socketError = (error as Error).message ?? String(error);
          finish();
        },
      );
  });

/** The exit code of an exec status: 0 for Success, the ExitCode cause for NonZeroExitCode, undefined otherwise. */
export const exitCodeOf = (status: V1Status): number | undefined => {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = cause?.message !== undefined ? Number(cause.message) : NaN;
  return Number.isInteger(code) ? code : undefined;
};
