// kubectl as a process, through the session's execution seam: the exact argv passes the session's binary and
// --context (KUBECONFIG in its environment); the display is what a student types (`kubectl get svc -n istio-system`).
import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { projectRoot } from "../project.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import { sessionContext } from "./kubeconfig.js";
import { toYaml, type Manifest } from "./manifest.js";
import { validateName, validateNamespace } from "./names.js";
import { parseObjectRef } from "./resources.js";
import { requireProgram } from "./tools.js";

/** Options every kubectl call accepts. */
export interface KubectlCallOptions {
  step?: string;
  /** Return a failed result instead of throwing it. */
  nothrow?: boolean;
  /** Do not stream the output into the notebook (the result still has it). */
  quiet?: boolean;
  /** Default: the session's (60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Options of Kubectl.run. */
export interface KubectlRunOptions extends KubectlCallOptions {
  /** The arguments after `kubectl`, as a student would type them. */
  args: readonly string[];
  stdin?: string;
  /** Show stdin as the course's heredoc (`cat <<EOF | kubectl apply -f -`). */
  stdinAsHeredoc?: boolean;
  /** A display that replaces the one built from args. */
  display?: string;
  /** Values to mask. */
  secrets?: readonly string[];
}

/** Options of Kubectl.get. */
export interface KubectlGetOptions extends KubectlCallOptions {
  /** "svc", "pods,dr,vs,gw", "workloadentry.networking.istio.io", "se". */
  resource: string;
  name?: string;
  namespace?: string;
  /** kubectl -A. */
  allNamespaces?: boolean;
  /** kubectl -l. */
  selector?: string;
  /** -o value: "json", "yaml", "wide", "name", "jsonpath={…}". */
  output?: string;
}

/** Options of Kubectl.apply. */
export interface KubectlApplyOptions extends KubectlCallOptions {
  /** Files to apply (kubectl apply -f FILE), paths relative to the project folder or absolute. */
  file?: string | readonly string[];
  /** Objects or YAML to send on stdin (kubectl apply -f -, shown as the course's heredoc). */
  manifest?: Manifest;
  namespace?: string;
  /** kubectl apply --server-side (field manager "istio-em-vms" unless given). */
  serverSide?: boolean;
  /** With serverSide: take over fields owned by other managers (--force-conflicts). */
  forceConflicts?: boolean;
  fieldManager?: string;
}

/** Options of Kubectl.delete. */
export interface KubectlDeleteOptions extends KubectlCallOptions {
  /** "ns", "peerauthentication.security.istio.io", or "TYPE/NAME" with no name. */
  resource?: string;
  name?: string;
  /** Delete what a file describes (kubectl delete -f). */
  file?: string | readonly string[];
  namespace?: string;
  /** --ignore-not-found (default true: cleaning up twice is not an error). */
  ignoreNotFound?: boolean;
  /** --wait=false when false (kubectl waits for finalizers by default). */
  wait?: boolean;
}

/** Options of Kubectl.exec. */
export interface KubectlExecOptions extends KubectlCallOptions {
  /** "svc/payment", "deploy/sleep" or a pod name. */
  target: string;
  container?: string;
  namespace?: string;
  /** The command to run in the container (each element is one argument). */
  command: readonly string[];
  stdin?: string;
}

/** Options of Kubectl.wait. */
export interface KubectlWaitOptions extends KubectlCallOptions {
  /** "condition=Available", "delete", "jsonpath={.status.phase}=Active". */
  for: string;
  /** "deployment/istiod", "crd/workloadentries.networking.istio.io". */
  object: string;
  namespace?: string;
  /** kubectl's --timeout (default 300 s). */
  waitTimeoutMs?: number;
}

const FIELD_MANAGER = "istio-em-vms";
/** kubectl's words for a 404 on a resource type's path (not on one named object). */
const STALE_DISCOVERY = /the server could not find the requested resource/;
const TYPE_LIST = /^[a-z][a-z0-9.-]*(,[a-z][a-z0-9.-]*)*$/i;

/** kubectl for a session. Construct with `new Kubectl({ session })`. */
export class Kubectl {
  readonly session: Session;
  #program: string | undefined;

  constructor({ session }: { session: Session }) {
    this.session = session;
  }

  /** The kubectl binary (checked once; InputError naming KUBECTL when missing). */
  get program(): string {
    if (this.session.mode === "plan") return this.session.params.KUBECTL;
    this.#program ??= requireProgram({
      param: "KUBECTL",
      program: this.session.params.KUBECTL,
      install: "instale o kubectl (https://kubernetes.io/docs/tasks/tools/); no projeto, `npm ci` extrai um kubectl em .tools/bin/kubectl",
    });
    return this.#program;
  }

  /** The exact argv for `args` (binary, --context, args). */
  argv(args: readonly string[]): string[] {
    const context = sessionContext(this.session);
    return [this.program, ...(context ? ["--context", context] : []), ...args];
  }

  /**
   * Runs `kubectl ARGS` through the seam; the display omits --context and the binary's path. When the server answers
   * 404 for a whole resource type that kubectl's discovery cache maps (a cluster rebuilt at the same address, or Istio
   * reinstalled with other API versions: the cache lives 6 h), the cache is refreshed with `kubectl api-resources`
   * and the command runs once more.
   */
  async run(options: KubectlRunOptions): Promise<CommandResult> {
    const first = await this.#runOnce({ ...options, nothrow: true });
    if (first.ok || first.planned || !STALE_DISCOVERY.test(first.stderr)) {
      if (!first.ok && !options.nothrow) {
        this.session.reportFailure(first);
        throw first;
      }
      return first;
    }
    this.session.note("o kubectl usou uma descoberta de APIs em cache que não vale mais para este cluster (404 para o tipo inteiro); atualizando com `kubectl api-resources` e repetindo o comando", "warn");
    await this.#runOnce({ args: ["api-resources", "-o", "name"], display: "kubectl api-resources -o name", nothrow: true, quiet: true });
    return this.#runOnce(options);
  }

  async #runOnce(options: KubectlRunOptions): Promise<CommandResult> {
    const argv = this.argv(options.args);
    return this.session.run({
      argv,
      displayArgv: ["kubectl", ...options.args],
      ...(options.display !== undefined ? { display: options.display } : {}),
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.stdinAsHeredoc !== undefined ? { stdinAsHeredoc: options.stdinAsHeredoc } : {}),
      ...common(options),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
  }

  /** kubectl get. */
  async get(options: KubectlGetOptions): Promise<CommandResult> {
    if (!TYPE_LIST.test(options.resource)) {
      throw new InputError(`"${options.resource}" não é um tipo de recurso válido para kubectl get`, "use nomes de tipos como svc, pods, deployment ou vários separados por vírgula (pods,dr,vs,gw)", "recurso");
    }
    if (options.name !== undefined) validateName(options.name);
    return this.run({
      ...options,
      args: ["get", options.resource, ...(options.name ? [options.name] : []), ...this.#nsArgs(options), ...(options.selector ? ["-l", options.selector] : []), ...(options.output ? ["-o", options.output] : [])],
    });
  }

  /** kubectl get … -o json, parsed; undefined in plan mode. */
  async getJson<T = unknown>(options: Omit<KubectlGetOptions, "output">): Promise<T | undefined> {
    const result = await this.get({ quiet: true, ...options, output: "json" });
    return result.planned || !result.ok ? undefined : result.json<T>();
  }

  /** kubectl get … -o jsonpath='{…}': the printed text ("" in plan mode). */
  async jsonpath(options: Omit<KubectlGetOptions, "output"> & { path: string }): Promise<string> {
    if (!options.path.includes("{")) {
      throw new InputError(`"${options.path}" não é uma expressão jsonpath do kubectl`, "escreva a expressão entre chaves, por exemplo {.spec.meshConfig.outboundTrafficPolicy.mode}", "jsonpath");
    }
    const result = await this.get({ ...options, output: `jsonpath=${options.path}` });
    return result.stdout;
  }

  /** kubectl apply -f FILE, or the manifest on stdin shown as the course's heredoc; --server-side on request. */
  async apply(options: KubectlApplyOptions): Promise<CommandResult> {
    const files = options.file === undefined ? [] : typeof options.file === "string" ? [options.file] : [...options.file];
    if ((files.length === 0) === (options.manifest === undefined)) {
      throw new InputError("kubectl apply precisa de arquivos (file) ou de um manifesto (manifest), e só de um dos dois", "passe file: \"caminho.yaml\" ou manifest: objeto/YAML", "apply");
    }
    const resolved = files.map((f) => this.#existingFile(f));
    const serverSide = options.serverSide
      ? ["--server-side", `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`, ...(options.forceConflicts ? ["--force-conflicts"] : [])]
      : [];
    const nsArgs = this.#nsArgs(options);
    if (options.manifest !== undefined) {
      const yamlText = toYaml(options.manifest);
      if (!yamlText.trim()) throw new InputError("o manifesto para kubectl apply está vazio", "passe pelo menos um objeto", "manifest");
      return this.run({ ...options, args: ["apply", ...nsArgs, ...serverSide, "-f", "-"], stdin: yamlText, stdinAsHeredoc: true });
    }
    const args = ["apply", ...nsArgs, ...serverSide, ...resolved.flatMap((f) => ["-f", f.exact])];
    const display = ["kubectl", "apply", ...nsArgs, ...serverSide, ...resolved.flatMap((f) => ["-f", f.display])];
    return this.session.run({
      argv: this.argv(args),
      displayArgv: display,
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...common(options),
    });
  }

  /** kubectl create namespace NAME; an existing namespace is not an error when existOk (default): a note says so. */
  async createNamespace({ name, existOk = true, ...options }: KubectlCallOptions & { name: string; existOk?: boolean }): Promise<CommandResult> {
    validateNamespace(name);
    return this.#create({ args: ["create", "namespace", name], what: `o namespace ${name}`, existOk, options });
  }

  /** kubectl create serviceaccount NAME -n NS; existing is fine when existOk (default). */
  async createServiceAccount({ name, namespace, existOk = true, ...options }: KubectlCallOptions & { name: string; namespace: string; existOk?: boolean }): Promise<CommandResult> {
    validateName(name, "nome da conta de serviço");
    validateNamespace(namespace);
    return this.#create({ args: ["create", "serviceaccount", name, "-n", namespace], what: `a conta de serviço ${name} (namespace ${namespace})`, existOk, options });
  }

  /** kubectl delete (by type and name, or by file); --ignore-not-found by default. */
  async delete(options: KubectlDeleteOptions): Promise<CommandResult> {
    const files = options.file === undefined ? [] : typeof options.file === "string" ? [options.file] : [...options.file];
    let target: string[] = [];
    if (files.length === 0) {
      if (!options.resource) throw new InputError("kubectl delete precisa de um tipo (resource) e nome, ou de arquivos (file)", "passe resource: \"ns\", name: \"legacy\" (ou resource: \"ns/legacy\")", "delete");
      if (options.resource.includes("/")) {
        const ref = parseObjectRef(options.resource);
        target = [`${ref.type}/${ref.name}`];
      } else {
        if (!TYPE_LIST.test(options.resource)) throw new InputError(`"${options.resource}" não é um tipo de recurso válido`, "use um tipo como ns, svc ou peerauthentication", "recurso");
        if (!options.name) throw new InputError(`kubectl delete ${options.resource} sem nome apagaria nada ou tudo`, "passe name: o nome do objeto a remover", "delete");
        validateName(options.name);
        target = [options.resource, options.name];
      }
    }
    const resolved = files.map((f) => this.#existingFile(f));
    const flags = [...this.#nsArgs(options), ...(options.ignoreNotFound ?? true ? ["--ignore-not-found"] : []), ...(options.wait === false ? ["--wait=false"] : [])];
    return this.session.run({
      argv: this.argv(["delete", ...target, ...resolved.flatMap((f) => ["-f", f.exact]), ...flags]),
      displayArgv: ["kubectl", "delete", ...target, ...resolved.flatMap((f) => ["-f", f.display]), ...flags],
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...common({ timeoutMs: 300_000, ...options }),
    });
  }

  /** kubectl exec TARGET [-c C] [-n NS] -- COMMAND… (the course's `kubectl exec -it svc/payment -c payment -- …`, without a TTY). */
  async exec(options: KubectlExecOptions): Promise<CommandResult> {
    if (options.command.length === 0) throw new InputError("kubectl exec sem comando", "passe command: o comando e seus argumentos, por exemplo [\"curl\", \"-s\", \"http://…\"]", "command");
    if (options.target.includes("/")) parseObjectRef(options.target);
    else validateName(options.target, "nome do pod");
    if (options.container !== undefined) validateName(options.container, "nome do contêiner");
    return this.run({
      ...options,
      args: ["exec", ...(options.stdin !== undefined ? ["-i"] : []), options.target, ...(options.container ? ["-c", options.container] : []), ...this.#nsArgs(options), "--", ...options.command],
    });
  }

  /** kubectl wait --for=… TYPE/NAME --timeout=…s. */
  async wait(options: KubectlWaitOptions): Promise<CommandResult> {
    const ref = parseObjectRef(options.object);
    if (!/^(delete|condition=[A-Za-z][\w.-]*(=[\w.-]+)?|jsonpath=\{.+\}(=.*)?|create)$/.test(options.for)) {
      throw new InputError(`--for=${options.for} não é uma condição que o kubectl wait entende`, "use condition=Available, condition=Established, delete ou jsonpath={.status.phase}=Active", "for");
    }
    const waitMs = options.waitTimeoutMs ?? 300_000;
    return this.run({
      ...options,
      timeoutMs: options.timeoutMs ?? waitMs + 30_000,
      args: ["wait", `--for=${options.for}`, `${ref.type}/${ref.name}`, ...this.#nsArgs(options), `--timeout=${Math.ceil(waitMs / 1000)}s`],
    });
  }

  async #create({ args, what, existOk, options }: { args: string[]; what: string; existOk: boolean; options: KubectlCallOptions }): Promise<CommandResult> {
    const result = await this.run({ ...options, args, nothrow: true });
    if (!result.ok && existOk && isAlreadyExists(result)) {
      this.session.note(`${what} já existe: nada a fazer (o passo pode ser repetido).`);
      return result;
    }
    if (!result.ok && !options.nothrow) {
      this.session.reportFailure(result);
      throw result;
    }
    return result;
  }

  /** `-n NS` (validated), or -A. */
  #nsArgs(options: { namespace?: string; allNamespaces?: boolean }): string[] {
    if (options.allNamespaces) {
      if (options.namespace !== undefined) throw new InputError("namespace e allNamespaces (-A) ao mesmo tempo", "passe só um dos dois", "namespace");
      return ["-A"];
    }
    if (options.namespace === undefined) return [];
    validateNamespace(options.namespace);
    return ["-n", options.namespace];
  }

  /** A file to pass with -f: its absolute path and the form a student types (relative to the project folder). */
  #existingFile(file: string): { exact: string; display: string } {
    const exact = path.resolve(projectRoot(), file);
    if (this.session.mode !== "plan" && !existsSync(exact)) {
      throw new InputError(`o arquivo "${file}" não existe (${exact})`, "confira o caminho; arquivos gerados por passos anteriores (como workloadgroup.yaml) exigem que esses passos tenham rodado", "file");
    }
    return { exact, display: displayPath(exact) };
  }
}

/** A path as a student types it: relative to the project folder when inside it. */
export const displayPath = (absolute: string): string => {
  const relative = path.relative(projectRoot(), absolute);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolute;
};

/** True when kubectl failed because the object already exists. */
export const isAlreadyExists = (result: CommandResult): boolean => /\(AlreadyExists\)|already exists/.test(result.stderr);

/** True when kubectl failed because the object does not exist. */
export const isNotFound = (result: CommandResult): boolean => /\(NotFound\)|not found/.test(result.stderr);

const common = (options: KubectlCallOptions) => ({
  ...(options.step !== undefined ? { step: options.step } : {}),
  ...(options.nothrow !== undefined ? { nothrow: options.nothrow } : {}),
  ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
  ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  ...(options.signal !== undefined ? { signal: options.signal } : {}),
});
