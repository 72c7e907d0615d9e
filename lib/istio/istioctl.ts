// istioctl as a process, through the session's execution seam: the release's binary with the session's --context and
// KUBECONFIG, version-aware flags (1.8 vs current), displayed the way the course types each command.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { sessionContext } from "../kube/kubeconfig.js";
import { displayPath, Kubectl } from "../kube/kubectl.js";
import { parseYaml, toYaml, type Manifest } from "../kube/manifest.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../kube/names.js";
import { requireProgram } from "../kube/tools.js";
import { isIpAddress } from "../params/validate.js";
import { projectRoot } from "../project.js";
import { quoteArgv } from "../run/quote.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import { IstioRelease, RELEASE_FILES } from "./release.js";
import { validatePortName } from "./resources/validate.js";
import { istioFeatures, type IstioFeatures } from "./versions.js";
import { inspectWorkloadFiles, type WorkloadFiles } from "./workload-files.js";

/** Options every istioctl call accepts. */
export interface IstioctlCallOptions {
  step?: string;
  nothrow?: boolean;
  quiet?: boolean;
  /** Default 10 min for installs, the session's default otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Options of Istioctl.install. */
export interface IstioInstallOptions extends IstioctlCallOptions {
  /** --set key=value pairs, in order (e.g. values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: "true"). */
  set?: Record<string, string>;
  /** -f files (IstioOperator YAML), relative to the project folder or absolute. */
  files?: readonly string[];
  /** An IstioOperator sent on stdin (`-f -`), shown as a heredoc. */
  manifest?: Manifest;
  /** Answer yes to the confirmation (default true): --skip-confirmation, or -y when confirmFlag is "-y". */
  skipConfirmation?: boolean;
  confirmFlag?: "--skip-confirmation" | "-y";
}

/** Options of Istioctl.eastWestGateway. */
export interface EastWestGatewayOptions extends IstioctlCallOptions {
  /** The cluster's network (CLUSTER_NETWORK); empty = single network (--single-cluster). */
  network?: string;
  /** Cluster and mesh IDs, passed only to releases that still read them (≤ 1.11). */
  cluster?: string;
  mesh?: string;
}

/** Options of Istioctl.workloadGroupCreate (defaults: the chapter's parameters). */
export interface WorkloadGroupCreateOptions extends IstioctlCallOptions {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ports?: Record<string, number>;
  serviceAccount?: string;
  /** Where to write the YAML (default: workloadgroup.yaml next to WORK_DIR, so `scp $WORK_DIR/*` does not copy it). */
  file?: string;
}

/** What workloadGroupCreate produced. */
export interface WorkloadGroupCreated {
  result: CommandResult;
  /** Absolute path of the written file. */
  file: string;
  /** The YAML istioctl printed ("" in plan mode). */
  yaml: string;
}

/** Options of Istioctl.workloadEntryConfigure. */
export interface WorkloadEntryConfigureOptions extends IstioctlCallOptions {
  /** The WorkloadGroup file (default: the one workloadGroupCreate writes). */
  file?: string;
  /** Output folder (default WORK_DIR). */
  output?: string;
  /** --clusterID (default CLUSTER_ID; passed when the release needs it or it differs from "Kubernetes"). */
  clusterID?: string;
  /** --autoregister: istiod creates the WorkloadEntry when the VM connects. */
  autoregister?: boolean;
  /** --tokenDuration in seconds (≥ 600; istioctl's default is 3600). */
  tokenDuration?: number;
  /** --ingressIP: the east-west gateway's address when istioctl cannot find it (empty hosts file). */
  ingressIP?: string;
  /** --ingressService (default istio-eastwestgateway). */
  ingressService?: string;
  /** --internalIP / --externalIP (Istio 1.11.2+; mutually exclusive). */
  internalIP?: string;
  externalIP?: string;
  /** --capture-dns=false turns off the VM's DNS proxy (a workaround for 1.8's DNS loop with systemd-resolved). */
  captureDns?: boolean;
  revision?: string;
}

/** What workloadEntryConfigure produced. */
export interface WorkloadEntryConfigured extends WorkloadFiles {
  result: CommandResult;
}

/** `istioctl version` parsed. */
export interface IstioVersions {
  result: CommandResult;
  client?: string;
  controlPlane: string[];
  dataPlane: string[];
}

/** One row of `istioctl proxy-status`. */
export type ProxyStatusRow = Record<string, string>;

/** istioctl for a session. Construct with `new Istioctl({ session })`. */
export class Istioctl {
  readonly session: Session;
  readonly features: IstioFeatures;
  readonly release: IstioRelease;
  readonly kubectl: Kubectl;
  #program: string | undefined;

  constructor({ session, kubectl }: { session: Session; kubectl?: Kubectl }) {
    this.session = session;
    this.features = istioFeatures(session.params.ISTIO_VERSION);
    this.release = new IstioRelease({ dir: session.params.ISTIO_DIR, features: this.features });
    this.kubectl = kubectl ?? new Kubectl({ session });
  }

  /** The istioctl binary (checked once; InputError naming ISTIOCTL and how to download the release when missing). */
  get program(): string {
    if (this.session.mode === "plan") return this.session.params.ISTIOCTL;
    const v = this.features.version.text;
    this.#program ??= requireProgram({
      param: "ISTIOCTL",
      program: this.session.params.ISTIOCTL,
      install: `baixe o Istio ${v} com \`curl -L https://istio.io/downloadIstio | ISTIO_VERSION=${v} sh -\` (o istioctl fica em istio-${v}/bin/istioctl)`,
    });
    return this.#program;
  }

  /** The exact argv: binary, the command words, --context (for commands that reach the cluster), then the flags. */
  argv({ command, flags, cluster = true }: { command: readonly string[]; flags: readonly string[]; cluster?: boolean }): string[] {
    const context = cluster ? sessionContext(this.session) : undefined;
    return [this.program, ...command, ...(context ? ["--context", context] : []), ...flags];
  }

  /** Runs `istioctl COMMAND FLAGS` through the seam; the display is `istioctl COMMAND FLAGS`. */
  async run(options: IstioctlCallOptions & { command: readonly string[]; flags: readonly string[]; cluster?: boolean; stdin?: string; stdinAsHeredoc?: boolean; display?: string }): Promise<CommandResult> {
    return this.session.run({
      argv: this.argv(options),
      displayArgv: ["istioctl", ...options.command, ...options.flags],
      ...(options.display !== undefined ? { display: options.display } : {}),
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.stdinAsHeredoc !== undefined ? { stdinAsHeredoc: options.stdinAsHeredoc } : {}),
      ...common(options),
    });
  }

  /** istioctl install [--set k=v]… [-f file]… [-f -] --skip-confirmation. */
  async install(options: IstioInstallOptions = {}): Promise<CommandResult> {
    const setFlags: string[] = [];
    for (const [key, value] of Object.entries(options.set ?? {})) {
      if (!/^[A-Za-z0-9_.[\]-]+$/.test(key)) throw new InputError(`"${key}" não é uma chave válida para --set`, "use o caminho do valor, por exemplo values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION", "set");
      if (value === "" || /[\n\r]/.test(value)) throw new InputError(`o valor de --set ${key} está vazio ou tem quebra de linha`, "passe um valor de uma linha, por exemplo true", "set");
      setFlags.push("--set", `${key}=${value}`);
    }
    const files = (options.files ?? []).map((f) => this.#file(f));
    const stdin = options.manifest !== undefined ? toYaml(options.manifest) : undefined;
    if (stdin !== undefined && !stdin.trim()) throw new InputError("o IstioOperator para istioctl install está vazio", "passe um IstioOperator (por exemplo vmClusterOperator(...))", "manifest");
    const stdinFlags = stdin !== undefined ? ["-f", "-"] : [];
    const confirm = options.skipConfirmation === false ? [] : [options.confirmFlag ?? "--skip-confirmation"];
    // The docs' order: istioctl install -f FILE --set k=v --skip-confirmation
    const exact = [...files.flatMap((f) => ["-f", f.exact]), ...stdinFlags, ...setFlags, ...confirm];
    const display = [...files.flatMap((f) => ["-f", f.display]), ...stdinFlags, ...setFlags, ...confirm];
    return this.session.run({
      argv: this.argv({ command: ["install"], flags: exact }),
      displayArgv: ["istioctl", "install", ...display],
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...(stdin !== undefined ? { stdin, stdinAsHeredoc: true } : {}),
      ...common({ timeoutMs: 600_000, ...options }),
    });
  }

  /** The east-west gateway: the release's gen-eastwest-gateway.sh piped into `istioctl install -y -f -`, as the course types it. */
  async eastWestGateway(options: EastWestGatewayOptions = {}): Promise<CommandResult> {
    const network = options.network ?? this.session.params.CLUSTER_NETWORK;
    if (network && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(network)) throw new InputError(`rede "${network}" inválida`, "use minúsculas, dígitos e '-' (ou deixe vazio para rede única)", "network");
    const script = this.session.mode === "plan" ? this.release.path(RELEASE_FILES.eastWestGateway) : this.release.require(RELEASE_FILES.eastWestGateway);
    let genArgs: string[];
    if (!network) genArgs = ["--single-cluster"];
    else if (this.features.eastWestClusterMeshFlagsIgnored) genArgs = ["--network", network];
    else {
      const cluster = options.cluster ?? this.session.params.CLUSTER_ID;
      const mesh = options.mesh ?? this.session.params.MESH_ID;
      if (!mesh) throw new InputError(`o gen-eastwest-gateway.sh do Istio ${this.features.version.text} exige --mesh numa rede múltipla`, "defina MESH_ID (por exemplo mesh1) ou deixe CLUSTER_NETWORK vazio para rede única", "MESH_ID");
      genArgs = ["--mesh", mesh, "--cluster", cluster, "--network", network];
    }
    const install = this.argv({ command: ["install"], flags: ["-y", "-f", "-"] });
    const display = `${quoteArgv([displayPath(script), ...genArgs])} | istioctl install -y -f -`;
    return this.session.run({
      // One process for the pipeline the student types, so it has one result; every value is its own argument.
      argv: ["bash", "-c", PIPELINE, "gen-eastwest-gateway", script, ...genArgs, "--", ...install],
      display,
      env: { KUBECONFIG: this.session.params.KUBECONFIG },
      ...common({ timeoutMs: 600_000, ...options }),
    });
  }

  /** kubectl apply of the release's expose-istiod.yaml (with -n istio-system where the file names no namespace). */
  async exposeIstiod(options: IstioctlCallOptions = {}): Promise<CommandResult> {
    const file = this.session.mode === "plan" ? this.release.path(RELEASE_FILES.exposeIstiod) : this.release.require(RELEASE_FILES.exposeIstiod);
    return this.kubectl.apply({ file, ...(this.release.exposeIstiodNeedsNamespace() ? { namespace: "istio-system" } : {}), ...options });
  }

  /** `kubectl delete -f samples/multicluster/expose-istiod.yaml`: removes exactly what exposeIstiod applied. */
  async unexposeIstiod(options: IstioctlCallOptions = {}): Promise<CommandResult> {
    const file = this.session.mode === "plan" ? this.release.path(RELEASE_FILES.exposeIstiod) : this.release.require(RELEASE_FILES.exposeIstiod);
    return this.kubectl.delete({ file, ...(this.release.exposeIstiodNeedsNamespace() ? { namespace: "istio-system" } : {}), ...options });
  }

  /** `istioctl x workload group create … > workloadgroup.yaml`: writes the file and returns its YAML. */
  async workloadGroupCreate(options: WorkloadGroupCreateOptions = {}): Promise<WorkloadGroupCreated> {
    const p = this.session.params;
    const name = options.name ?? p.VM_APP;
    const namespace = options.namespace ?? p.VM_NAMESPACE;
    const labels = options.labels ?? { app: name };
    const serviceAccount = options.serviceAccount ?? p.SERVICE_ACCOUNT;
    validateName(name, "nome do WorkloadGroup");
    validateNamespace(namespace);
    validateLabels(labels);
    validateName(serviceAccount, "conta de serviço");
    if (options.annotations) validateLabels(Object.fromEntries(Object.keys(options.annotations).map((k) => [k, "x"])), "anotação");
    for (const [portName, port] of Object.entries(options.ports ?? {})) {
      validatePortName(portName);
      validatePort(port);
    }
    const file = this.#workloadGroupFile(options.file);
    const flags = [
      "--name",
      name,
      "--namespace",
      namespace,
      "--labels",
      pairs(labels),
      ...(options.annotations && Object.keys(options.annotations).length ? ["--annotations", pairs(options.annotations)] : []),
      ...(options.ports && Object.keys(options.ports).length ? ["--ports", pairs(options.ports)] : []),
      "--serviceAccount",
      serviceAccount,
    ];
    const command = ["x", "workload", "group", "create"];
    const result = await this.run({ ...options, command, flags, cluster: false, quiet: options.quiet ?? true, display: `${quoteArgv(["istioctl", ...command, ...flags])} > ${displayPath(file)}` });
    if (result.planned) return { result, file, yaml: "" };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, result.stdout);
    const [doc] = parseYaml({ text: result.stdout, source: "a saída do istioctl x workload group create" }) as Array<{ kind?: string; metadata?: { name?: string } }>;
    if (doc?.kind !== "WorkloadGroup" || doc.metadata?.name !== name) {
      throw new InputError(`o istioctl não imprimiu um WorkloadGroup ${name} (saída: ${result.stdout.slice(0, 200)})`, "confira se ISTIOCTL é o istioctl da versão do Istio em uso", "ISTIOCTL");
    }
    return { result, file, yaml: result.stdout };
  }

  /** `istioctl x workload entry configure -f workloadgroup.yaml -o WORK_DIR …`: the VM's files, checked (the token masked from then on). */
  async workloadEntryConfigure(options: WorkloadEntryConfigureOptions = {}): Promise<WorkloadEntryConfigured> {
    const p = this.session.params;
    const file = this.#file(options.file ?? this.#workloadGroupFile(undefined));
    const output = path.resolve(projectRoot(), options.output ?? p.WORK_DIR);
    const clusterID = options.clusterID ?? p.CLUSTER_ID;
    const flags = ["-f", file.exact, "-o", output];
    const display = ["-f", file.display, "-o", displayPath(output)];
    const extra: string[] = [];
    if (this.features.clusterIdDefault === "from-cluster" || clusterID !== "Kubernetes") extra.push("--clusterID", clusterID);
    if (options.autoregister) extra.push("--autoregister");
    if (options.tokenDuration !== undefined) {
      if (!Number.isInteger(options.tokenDuration) || options.tokenDuration < this.features.minTokenSeconds) {
        throw new InputError(`tokenDuration ${String(options.tokenDuration)} é curto demais ou não é inteiro`, `use pelo menos ${this.features.minTokenSeconds} segundos (o Kubernetes recusa tokens de menos de 10 minutos; o padrão é 3600)`, "tokenDuration");
      }
      extra.push("--tokenDuration", String(options.tokenDuration));
    }
    if (options.ingressIP !== undefined) {
      if (!isIpAddress(options.ingressIP)) throw new InputError(`ingressIP "${options.ingressIP}" não é um endereço IP`, "use o IP externo do istio-eastwestgateway (kubectl get svc -n istio-system)", "ingressIP");
      extra.push("--ingressIP", options.ingressIP);
    }
    if (options.ingressService !== undefined) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(options.ingressService)) throw new InputError(`ingressService "${options.ingressService}" inválido`, "use NOME ou NOME.NAMESPACE do Service do gateway", "ingressService");
      extra.push("--ingressService", options.ingressService);
    }
    if (options.internalIP !== undefined && options.externalIP !== undefined) throw new InputError("internalIP e externalIP ao mesmo tempo", "o istioctl aceita só um dos dois", "internalIP");
    for (const [flag, value] of [["--internalIP", options.internalIP], ["--externalIP", options.externalIP]] as const) {
      if (value === undefined) continue;
      if (!this.features.entryConfigureIpFlags) throw new InputError(`o istioctl ${this.features.version.text} não tem ${flag}`, "use o Istio 1.11.2 ou mais novo, ou deixe o sidecar descobrir o IP da VM (hostname -I)", flag.slice(2));
      if (!isIpAddress(value)) throw new InputError(`${flag.slice(2)} "${value}" não é um endereço IP`, "use o IP da VM", flag.slice(2));
      extra.push(flag, value);
    }
    if (options.captureDns === false) extra.push("--capture-dns=false");
    if (options.revision !== undefined) {
      validateName(options.revision, "revisão");
      extra.push("--revision", options.revision);
    }
    const command = ["x", "workload", "entry", "configure"];
    if (this.session.mode !== "plan") mkdirSync(output, { recursive: true });
    const result = await this.session.run({
      argv: this.argv({ command, flags: [...flags, ...extra] }),
      displayArgv: ["istioctl", ...command, ...display, ...extra],
      env: { KUBECONFIG: p.KUBECONFIG },
      ...common(options),
    });
    const sidecarEnv = options.internalIP !== undefined || options.externalIP !== undefined;
    if (result.planned) return { result, dir: output, files: {}, missing: [], empty: [], hosts: "" };
    const inspected = inspectWorkloadFiles({ dir: output, sidecarEnv, masker: this.session.masker });
    if (inspected.missing.length) this.session.note(`O istioctl não gerou ${inspected.missing.join(", ")} em ${displayPath(output)}: confira a saída acima.`, "warn");
    if (inspected.empty.includes("hosts") || (!inspected.missing.includes("hosts") && !inspected.hosts)) {
      this.session.note(
        "O arquivo hosts está vazio: o istioctl não descobriu o IP do istio-eastwestgateway (sem EXTERNAL-IP, ou só um nome DNS). Sem ele a VM não acha istiod.istio-system.svc. Repita com ingressIP: o endereço externo do gateway (kubectl get svc -n istio-system).",
        "warn",
      );
    }
    return { result, ...inspected };
  }

  /** `istioctl version` (-o json), parsed: client, control plane and data plane versions. */
  async version(options: IstioctlCallOptions & { remote?: boolean } = {}): Promise<IstioVersions> {
    const flags = [...(options.remote === false ? ["--remote=false"] : []), "-o", "json"];
    const result = await this.run({ quiet: true, ...options, command: ["version"], flags, cluster: options.remote !== false });
    const versions = result.planned || !result.ok ? { controlPlane: [], dataPlane: [] } : parseVersionOutput(result.stdout);
    if (versions.client && versions.client !== this.features.version.text) {
      this.session.note(`O istioctl é a versão ${versions.client}, mas ISTIO_VERSION é ${this.features.version.text}: use o istioctl da mesma versão (ISTIOCTL) para que os comandos sejam os do roteiro.`, "warn");
    }
    return { result, ...versions };
  }

  /** Removes Istio from the cluster: `istioctl x uninstall --purge -y` (≤ 1.14) or `istioctl uninstall --purge -y`. */
  async uninstall(options: IstioctlCallOptions & { purge?: boolean; skipConfirmation?: boolean } = {}): Promise<CommandResult> {
    const flags = [...(options.purge ?? true ? ["--purge"] : []), ...(options.skipConfirmation === false ? [] : ["-y"])];
    return this.run({ ...options, timeoutMs: options.timeoutMs ?? 600_000, command: this.features.uninstallCommand, flags });
  }

  /** `istioctl proxy-status`, parsed into rows keyed by the header's columns. */
  async proxyStatus(options: IstioctlCallOptions = {}): Promise<{ result: CommandResult; rows: ProxyStatusRow[] }> {
    const result = await this.run({ ...options, command: ["proxy-status"], flags: [] });
    return { result, rows: result.planned || !result.ok ? [] : parseTable(result.stdout) };
  }

  /** The default WorkloadGroup file: workloadgroup.yaml in WORK_DIR's parent folder. */
  #workloadGroupFile(file: string | undefined): string {
    return path.resolve(projectRoot(), file ?? path.join(path.dirname(this.session.params.WORK_DIR), "workloadgroup.yaml"));
  }

  /** A file argument: exact and display forms; must exist (except in plan mode). */
  #file(file: string): { exact: string; display: string } {
    const exact = path.resolve(projectRoot(), file);
    if (this.session.mode !== "plan" && !existsSync(exact)) {
      throw new InputError(`o arquivo "${displayPath(exact)}" não existe`, "gere-o antes (o passo que cria o WorkloadGroup escreve workloadgroup.yaml) ou corrija o caminho", "file");
    }
    if (this.session.mode !== "plan" && readFileSync(exact, "utf8").trim() === "") {
      throw new InputError(`o arquivo "${displayPath(exact)}" está vazio`, "gere-o de novo (istioctl x workload group create)", "file");
    }
    return { exact, display: displayPath(exact) };
  }
}

/**
 * The pipeline `gen… | istioctl install -y -f -`, safer than a plain pipe: the generator runs first and istioctl only
 * gets its output when it succeeded and printed something (an empty `-f -` would reinstall the default profile).
 * Arguments after the script: the generator's argv, "--", istioctl's argv.
 */
const PIPELINE = [
  'gen=(); while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do gen+=("$1"); shift; done; shift',
  'out=$("${gen[@]}") || exit $?',
  '[ -n "$out" ] || { echo "o gerador não imprimiu nenhum IstioOperator" >&2; exit 1; }',
  'printf "%s\\n" "$out" | "$@"',
].join("\n");

/** "app=pegasus-pay,version=v1" (istioctl's map flags). */
const pairs = (map: Record<string, string | number>): string =>
  Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Parses `istioctl version -o json` (or the text form "client version: 1.8.1"). */
export const parseVersionOutput = (stdout: string): Omit<IstioVersions, "result"> => {
  try {
    const doc = JSON.parse(stdout) as {
      clientVersion?: { version?: string };
      meshVersion?: Array<{ Component?: string; Info?: { version?: string } }>;
      dataPlaneVersion?: Array<{ IstioVersion?: string }> | null;
    };
    return {
      ...(doc.clientVersion?.version ? { client: doc.clientVersion.version } : {}),
      controlPlane: [...new Set((doc.meshVersion ?? []).map((m) => m.Info?.version ?? "").filter(Boolean))],
      dataPlane: [...new Set((doc.dataPlaneVersion ?? []).map((d) => d.IstioVersion ?? "").filter(Boolean))],
    };
  } catch {
    const client = /client version:\s*(\S+)/i.exec(stdout)?.[1];
    const control = /control plane version:\s*(\S+)/i.exec(stdout)?.[1];
    const data = /data plane version:\s*(\S+)/i.exec(stdout)?.[1];
    return { ...(client ? { client } : {}), controlPlane: control ? [control] : [], dataPlane: data ? [data] : [] };
  }
};

/** Parses a table printed with columns separated by 2+ spaces (istioctl proxy-status). */
export const parseTable = (text: string): Array<Record<string, string>> => {
  const lines = text.split("\n").filter((l) => l.trim());
  const header = lines.shift();
  if (!header) return [];
  const columns = header.trim().split(/\s{2,}/);
  return lines.map((line) => {
    const cells = line.trim().split(/\s{2,}/);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""]));
  });
};

const common = (options: IstioctlCallOptions) => ({
  ...(options.step !== undefined ? { step: options.step } : {}),
  ...(options.nothrow !== undefined ? { nothrow: options.nothrow } : {}),
  ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
  ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  ...(options.signal !== undefined ? { signal: options.signal } : {}),
});
