// The chapter's checks by name (`rb.expect.…`): each runs its probe through the seam, compares what came back with
// what the course expects, retries where the system converges, and renders ✔/✘ with the diagnosis when it fails.
import { existsSync } from "node:fs";
import path from "node:path";
import { check, type CheckResult } from "../check/check.js";
import type { Expectation, Verdict } from "../check/expectation.js";
import { filesPresent, VM_FILES } from "../check/expect/files.js";
import { httpAnswer } from "../check/expect/http.js";
import { serviceHasExternalIp, workloadEntryExists } from "../check/expect/kube.js";
import { pingSucceeded } from "../check/expect/ping.js";
import { sidecarLogHealthy } from "../check/expect/sidecar-log.js";
import { tokenValid } from "../check/expect/token.js";
import { match } from "../check/matchers.js";
import { displayPath, type Kubectl } from "../kube/kubectl.js";
import { istioFeatures } from "../istio/versions.js";
import { parseClusterEnv } from "../parse/cluster-env.js";
import { parseCurl } from "../parse/curl.js";
import { parseEnvoyClusters } from "../parse/envoy-clusters.js";
import { readTokenClaims } from "../parse/token.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import type { Vm } from "../vm/vm.js";
import { PodProbe, nslookupAddresses } from "./probes.js";
import { SIMUL_SHOP_SERVICES } from "./simul-shop.js";

type Obj = Record<string, any>;

/** What a course check needs. */
export interface CourseChecksDeps {
  session: Session;
  kubectl: Kubectl;
  vm: Vm;
  /** The cleanup's snapshot comparison (lib/course/cleanup.ts). */
  verifySnapshot: () => Promise<CheckResult<unknown>>;
}

const verdict = (ok: boolean, expected: string, received: string, detail?: string, data?: unknown): Verdict => ({
  ok,
  expected,
  received,
  ...(detail !== undefined ? { detail } : {}),
  ...(data !== undefined ? { data } : {}),
});

const json = (result: CommandResult): Obj | undefined => {
  if (result.planned || result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as Obj;
  } catch {
    return undefined;
  }
};

/** The chapter's named checks. */
export class CourseChecks {
  readonly #s: Session;
  readonly #k: Kubectl;
  readonly #vm: Vm;
  readonly #verifySnapshot: () => Promise<CheckResult<unknown>>;

  constructor(deps: CourseChecksDeps) {
    this.#verifySnapshot = deps.verifySnapshot;
    this.#s = deps.session;
    this.#k = deps.kubectl;
    this.#vm = deps.vm;
  }

  get #p() {
    return this.#s.params;
  }

  #pod(service: string, namespace = "default"): PodProbe {
    return new PodProbe(this.#k, service, namespace);
  }

  /** `kubectl get … -o json` as a quiet probe (the command is recorded, the JSON is not printed). */
  #getJson(args: { resource: string; name?: string; namespace?: string; allNamespaces?: boolean; selector?: string }): Promise<CommandResult> {
    return this.#k.get({ ...args, output: "json", nothrow: true, quiet: true });
  }

  // ── 01: environment ──────────────────────────────────────────────────────────────────────────────────────────────

  /** kubectl, istioctl (from the release), ssh, scp and curl are installed. */
  async toolsPresent(): Promise<CheckResult<unknown>> {
    const tools: Array<[string, string[]]> = [
      [this.#p.KUBECTL, ["version", "--client"]],
      [this.#p.ISTIOCTL, ["version", "--remote=false"]],
      ["ssh", ["-V"]],
      ["curl", ["--version"]],
    ];
    return check(this.#s, {
      title: "As ferramentas do guia estão instaladas (kubectl, istioctl, ssh, scp, curl)",
      run: async () => {
        const results: CommandResult[] = [];
        for (const [program, args] of tools) results.push(await this.#s.run({ argv: [program, ...args], nothrow: true }));
        results.push(await this.#s.run({ argv: ["sh", "-c", "command -v scp"], displayArgv: ["command", "-v", "scp"], nothrow: true }));
        return results;
      },
      expect: (results) => {
        const missing = results.filter((r) => !r.ok).map((r) => r.command.split(" ")[0]);
        return verdict(missing.length === 0, "todas respondem", missing.length ? `faltando ou com erro: ${missing.join(", ")}` : results.map((r) => `${r.command.split(" ")[0]}: ok`).join(", "), missing.length ? results.filter((r) => !r.ok).map((r) => r.message).join("\n") : undefined);
      },
    });
  }

  /** The kube context exists and its API server answers. */
  async clusterReachable(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O servidor de API do cluster responde no contexto configurado",
      run: () => this.#k.run({ args: ["version"], nothrow: true }),
      expect: match.contains("Server Version"),
      retry: { timeoutMs: 20_000, intervalMs: 2_000 },
    });
  }

  /** ssh with the key reaches the VM (host key accepted on first use, then checked). */
  async vmSshWorks(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O ssh entra na VM (${this.#p.VM_USER}@${this.#p.VM_PUB_ADDRESS}) com a chave do guia`,
      run: () => this.#vm.ssh({ argv: ["hostname"], nothrow: true }),
      expect: (r) => verdict(r.ok, "o hostname da VM", r.ok ? r.text() : r.message),
      retry: { timeoutMs: 30_000, intervalMs: 3_000 },
    });
  }

  /** The VM user has passwordless sudo. */
  async vmSudoWorks(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O usuário ${this.#p.VM_USER} tem sudo sem senha na VM`,
      run: () => this.#vm.sudo({ argv: ["true"], nothrow: true }),
      expect: (r) => verdict(r.ok, "sudo -n true termina com 0", r.ok ? "ok" : r.stderr.trim() || r.message),
    });
  }

  // ── 02: Istio ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** The downloaded release has bin/istioctl and the samples the chapter uses, and istioctl is of ISTIO_VERSION. */
  async istioReleasePresent(): Promise<CheckResult<unknown>> {
    const dir = this.#p.ISTIO_DIR;
    const needed = ["bin/istioctl", "samples/multicluster/gen-eastwest-gateway.sh", "samples/multicluster/expose-istiod.yaml", "samples/sleep/sleep.yaml"];
    return check(this.#s, {
      title: `A distribuição do Istio ${this.#p.ISTIO_VERSION} está em ${displayPath(dir)}`,
      run: () => this.#s.run({ argv: [this.#p.ISTIOCTL, "version", "--remote=false"], nothrow: true }),
      expect: (r) => {
        const missing = needed.filter((f) => !existsSync(path.join(dir, f)));
        if (missing.length) return verdict(false, `os arquivos ${needed.join(", ")}`, `faltam: ${missing.join(", ")}`);
        return verdict(r.ok && r.stdout.includes(this.#p.ISTIO_VERSION), `istioctl versão ${this.#p.ISTIO_VERSION}`, r.ok ? r.text() : r.message);
      },
    });
  }

  /** istiod is Available (waited for by watching the Deployment). */
  async istiodReady(): Promise<CheckResult<unknown>> {
    return this.deploymentAvailable({ name: "istiod", namespace: "istio-system" });
  }

  /** A Deployment is Available (kubectl wait --for=condition=Available). */
  async deploymentAvailable({ name, namespace, timeoutMs = 300_000 }: { name: string; namespace: string; timeoutMs?: number }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O Deployment ${name} (namespace ${namespace}) está disponível`,
      run: () => this.#k.wait({ for: "condition=Available", object: `deployment/${name}`, namespace, waitTimeoutMs: timeoutMs, nothrow: true }),
      expect: (r) => verdict(r.ok, "condition met", r.ok ? r.text() : r.stderr.trim() || r.message),
    });
  }

  /** The networking.istio.io CRDs the chapter uses are served. */
  async istioCrdsServed(): Promise<CheckResult<unknown>> {
    const kinds = ["workloadentries", "workloadgroups", "serviceentries", "gateways", "virtualservices", "destinationrules"];
    return check(this.#s, {
      title: "Os recursos do Istio que o capítulo usa estão disponíveis na API",
      run: () => this.#k.run({ args: ["api-resources", "--api-group=networking.istio.io", "-o", "name"], nothrow: true, quiet: true }),
      expect: (r) => {
        const missing = kinds.filter((k) => !r.stdout.includes(`${k}.networking.istio.io`));
        return verdict(r.ok && missing.length === 0, kinds.join(", "), missing.length ? `faltam: ${missing.join(", ")}` : "todos presentes");
      },
    });
  }

  /** The namespace has istio-injection=enabled. */
  async injectionEnabled({ namespace }: { namespace: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `A injeção de sidecar está ligada no namespace ${namespace}`,
      run: () => this.#getJson({ resource: "namespace", name: namespace }),
      expect: (r) => {
        const label = json(r)?.metadata?.labels?.["istio-injection"];
        return verdict(label === "enabled", "rótulo istio-injection=enabled", label ? `istio-injection=${label}` : "sem o rótulo istio-injection");
      },
    });
  }

  // ── 04: simul-shop ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Every simul-shop Deployment is Available. */
  async simulShopRunning(): Promise<CheckResult<unknown>[]> {
    const out: CheckResult<unknown>[] = [];
    for (const s of SIMUL_SHOP_SERVICES) out.push(await this.deploymentAvailable({ name: s.deploymentName, namespace: "default", timeoutMs: 300_000 }));
    return out;
  }

  /** Every simul-shop pod runs two ready containers (the app and istio-proxy). */
  async simulShopHasSidecars(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "Cada pod da simul-shop tem 2/2 containers prontos (a aplicação e o istio-proxy)",
      run: () => this.#getJson({ resource: "pods", namespace: "default" }),
      expect: (r) => {
        const pods = (json(r)?.items ?? []) as Obj[];
        const apps = new Set(SIMUL_SHOP_SERVICES.map((s) => s.name));
        const rows = pods
          .filter((p) => apps.has(p.metadata?.labels?.app) && !p.metadata?.deletionTimestamp)
          .map((p) => {
            // Istio 1.29+ on Kubernetes 1.29+ injects istio-proxy as a native sidecar: an init container with
            // restartPolicy Always, whose status is under initContainerStatuses (kubectl counts it in READY).
            const sidecars = new Set(((p.spec?.initContainers ?? []) as Obj[]).filter((c) => c.restartPolicy === "Always").map((c) => c.name as string));
            const statuses = [...((p.status?.containerStatuses ?? []) as Obj[]), ...((p.status?.initContainerStatuses ?? []) as Obj[]).filter((c) => sidecars.has(c.name))];
            return { name: p.metadata.name as string, ready: statuses.filter((c) => c.ready).length, total: statuses.length, proxy: statuses.some((c) => c.name === "istio-proxy") };
          });
        const bad = rows.filter((x) => x.ready !== 2 || x.total !== 2 || !x.proxy);
        const missing = [...apps].filter((a) => !rows.some((x) => x.name.startsWith(a)));
        return verdict(
          bad.length === 0 && missing.length === 0,
          "8 pods, cada um 2/2 com istio-proxy",
          rows.map((x) => `${x.name} ${x.ready}/${x.total}${x.proxy ? "" : " (sem istio-proxy)"}`).join("\n") || "nenhum pod",
          missing.length ? `sem pod: ${missing.join(", ")}` : undefined,
        );
      },
      retry: { timeoutMs: 120_000, intervalMs: 3_000 },
    });
  }

  /** A pod answers HTTP on a URL with the generic service's message for `app`. */
  async podAnswers({ from, url, app }: { from: string; url: string; app: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O ${from} responde em ${url}`,
      run: () => this.#pod(from).curl(url),
      expect: httpAnswer({ status: 200, json: { app } }),
      retry: { timeoutMs: 30_000, intervalMs: 2_000 },
    });
  }

  /** The front-end's scheduled /s calls reach the services behind it (its log shows the split calls). */
  async simulShopCallsFlowing(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O front-end chama login, catalogue e orders a cada 10 s (log do front-end)",
      run: () => this.#k.run({ args: ["logs", "deploy/front-end-v1", "-c", "front-end", "--tail=200"], nothrow: true, quiet: true }),
      expect: (r) => {
        const seen = ["login", "catalogue", "orders"].filter((s) => r.stdout.includes(`http://${s}:8000/`));
        return verdict(seen.length === 3, "chamadas a login, catalogue e orders no log", seen.length ? `vistas: ${seen.join(", ")}` : r.stdout.trim().split("\n").slice(-5).join("\n") || "(log vazio)");
      },
      retry: { timeoutMs: 60_000, intervalMs: 5_000 },
    });
  }

  // ── 14: the VM seen from the cluster ─────────────────────────────────────────────────────────────────────────────

  /** The pod pings the VM's internal address. */
  async vmPingFromPod({ from }: { from: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O pod do ${from} alcança a VM (${this.#p.VM_ADDRESS}) com ping`,
      run: () => this.#pod(from).ping(this.#p.VM_ADDRESS),
      expect: pingSucceeded({ minReceived: 1 }),
    });
  }

  /** The pod reaches the VM's app port directly (firewall open, service up). */
  async vmHttpFromPod({ from, port }: { from: string; port: number }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O pod do ${from} chega ao pegasus-pay na VM (http://${this.#p.VM_ADDRESS}:${port})`,
      run: () => this.#pod(from).curl(`http://${this.#p.VM_ADDRESS}:${port}`),
      expect: httpAnswer({ status: 200, json: { app: this.#p.VM_APP } }),
      retry: { timeoutMs: 30_000, intervalMs: 2_000 },
    });
  }

  /** A container runs on the VM. */
  async vmContainerRunning({ name }: { name: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O contêiner ${name} está rodando na VM`,
      run: async () => (await this.#vm.dockerIsRunning({ name })).running,
      expect: (running: boolean) => verdict(running, "docker ps lista o contêiner", running ? "rodando" : "não aparece em docker ps"),
      retry: { timeoutMs: 20_000, intervalMs: 2_000 },
    });
  }

  /** istiod runs with WorkloadEntry auto-registration on (explicitly, or by the version's default). */
  async autoregistrationEnabled(): Promise<CheckResult<unknown>> {
    const defaultOn = istioFeatures(this.#p.ISTIO_VERSION).autoregistrationDefault;
    return check(this.#s, {
      title: "O istiod registra VMs automaticamente (PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION)",
      run: () => this.#getJson({ resource: "deployment", name: "istiod", namespace: "istio-system" }),
      expect: (r) => {
        const env = ((json(r)?.spec?.template?.spec?.containers ?? []) as Obj[]).flatMap((c) => (c.env ?? []) as Obj[]);
        const value = env.find((e) => e.name === "PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION")?.value as string | undefined;
        const on = value === undefined ? defaultOn === true : value === "true";
        return verdict(on, "ligado", value === undefined ? `não definido (padrão desta versão: ${defaultOn ? "ligado" : "desligado"})` : `PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=${value}`);
      },
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }

  /** The east-west gateway Deployment is available. */
  async eastWestGatewayReady(): Promise<CheckResult<unknown>> {
    return this.deploymentAvailable({ name: "istio-eastwestgateway", namespace: "istio-system" });
  }

  /** The Gateway/VirtualService/DestinationRule that expose istiod exist. */
  async istiodExposed(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O istiod está exposto pelo east-west gateway (Gateway istiod-gateway e VirtualService istiod-vs)",
      run: () => this.#getJson({ resource: "gateways.networking.istio.io,virtualservices.networking.istio.io", namespace: "istio-system" }),
      expect: (r) => {
        const names = ((json(r)?.items ?? []) as Obj[]).map((o) => `${o.kind}/${o.metadata?.name}`);
        const ok = names.includes("Gateway/istiod-gateway") && names.includes("VirtualService/istiod-vs");
        return verdict(ok, "Gateway/istiod-gateway e VirtualService/istiod-vs", names.join(", ") || "nenhum");
      },
    });
  }

  /** The east-west gateway Service has an external address and the VM ports; the address is saved for later cells. */
  async eastWestGatewayAddress(): Promise<CheckResult<unknown>> {
    const result = await check(this.#s, {
      title: "O istio-eastwestgateway tem endereço externo e as portas 15021, 15443, 15012 e 15017",
      run: () => this.#getJson({ resource: "service", name: "istio-eastwestgateway", namespace: "istio-system" }),
      expect: serviceHasExternalIp({ ports: [{ port: 15021 }, { port: 15443 }, { port: 15012 }, { port: 15017 }] } as never) as Expectation<CommandResult>,
      retry: { timeoutMs: 120_000, intervalMs: 3_000 },
    });
    const address = (result.verdict?.data as { address?: string } | undefined)?.address;
    if (address) this.#s.state.set("eastwestAddress", address);
    return result;
  }

  /** The namespace exists and is Active. */
  async namespaceActive({ name }: { name: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O namespace ${name} existe e está ativo`,
      run: () => this.#getJson({ resource: "namespace", name }),
      expect: (r) => {
        const phase = json(r)?.status?.phase as string | undefined;
        return verdict(phase === "Active", "status.phase = Active", phase ?? (r.stderr.trim() || "não existe"));
      },
      retry: { timeoutMs: 30_000, intervalMs: 2_000 },
    });
  }

  /** The ServiceAccount exists. */
  async serviceAccountExists({ name, namespace }: { name: string; namespace: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `A conta de serviço ${name} existe no namespace ${namespace}`,
      run: () => this.#getJson({ resource: "serviceaccount", name, namespace }),
      expect: (r) => verdict(json(r)?.metadata?.name === name, `serviceaccount/${name}`, r.ok ? "existe" : r.stderr.trim()),
    });
  }

  /** workloadgroup.yaml describes the VM's group (name, namespace, labels, service account). */
  async workloadGroupFile(group: { yaml: string; file: string }): Promise<CheckResult<unknown>> {
    const p = this.#p;
    return check(this.#s, {
      title: `${displayPath(group.file)} descreve o WorkloadGroup ${p.VM_APP} (namespace ${p.VM_NAMESPACE}, conta ${p.SERVICE_ACCOUNT})`,
      run: () => group.yaml,
      expect: (text: string) => {
        const ok = text.includes("kind: WorkloadGroup") && text.includes(`name: ${p.VM_APP}`) && text.includes(`namespace: ${p.VM_NAMESPACE}`) && text.includes(`serviceAccount: ${p.SERVICE_ACCOUNT}`) && text.includes(`app: ${p.VM_APP}`);
        return verdict(ok, "kind WorkloadGroup com nome, namespace, rótulo app e serviceAccount do guia", text.trim() || "(vazio)");
      },
    });
  }

  /** The WorkloadGroup exists in the cluster. */
  async workloadGroupApplied(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O WorkloadGroup ${this.#p.VM_APP} existe no namespace ${this.#p.VM_NAMESPACE}`,
      run: () => this.#getJson({ resource: "workloadgroups.networking.istio.io", name: this.#p.VM_APP, namespace: this.#p.VM_NAMESPACE }),
      expect: (r) => verdict(json(r)?.spec?.template?.serviceAccount === this.#p.SERVICE_ACCOUNT, `template.serviceAccount = ${this.#p.SERVICE_ACCOUNT}`, r.ok ? `serviceAccount = ${json(r)?.spec?.template?.serviceAccount}` : r.stderr.trim()),
    });
  }

  /** The five files are in WORK_DIR, the token is valid for istio-ca and the hosts line points at the gateway. */
  async workloadFiles(): Promise<CheckResult<unknown>> {
    const dir = this.#p.WORK_DIR;
    const listing = await check(this.#s, {
      title: `Os cinco arquivos da VM estão em ${displayPath(dir)}`,
      run: () => this.#s.run({ argv: ["ls", "-l", dir], displayArgv: ["ls", "-l", displayPath(dir)], nothrow: true, quiet: true }),
      expect: filesPresent({ names: VM_FILES, nonEmpty: ["cluster.env", "istio-token", "mesh.yaml", "root-cert.pem", "hosts"] }),
    });
    if (this.#s.mode === "plan") return listing;
    await check(this.#s, {
      title: `O istio-token é da conta ${this.#p.SERVICE_ACCOUNT}, para a audiência istio-ca, e não expirou`,
      run: () => readTokenClaims({ file: path.join(dir, "istio-token") }),
      expect: tokenValid({ namespace: this.#p.VM_NAMESPACE, serviceAccount: this.#p.SERVICE_ACCOUNT }) as Expectation<unknown>,
    });
    await check(this.#s, {
      title: "O cluster.env identifica a VM (namespace, conta de serviço, serviço)",
      run: () => this.#s.run({ argv: ["cat", path.join(dir, "cluster.env")], displayArgv: ["cat", displayPath(path.join(dir, "cluster.env"))], nothrow: true }),
      expect: (r: CommandResult) => {
        const env = parseClusterEnv(r.stdout).values;
        const wanted: Record<string, string> = { ISTIO_NAMESPACE: this.#p.VM_NAMESPACE, SERVICE_ACCOUNT: this.#p.SERVICE_ACCOUNT, ISTIO_SERVICE: `${this.#p.VM_APP}.${this.#p.VM_NAMESPACE}` };
        const wrong = Object.entries(wanted).filter(([k, v]) => env[k] !== v);
        return verdict(wrong.length === 0, Object.entries(wanted).map(([k, v]) => `${k}='${v}'`).join(", "), wrong.map(([k]) => `${k}='${env[k] ?? ""}'`).join(", ") || "como esperado");
      },
    });
    const gateway = this.#s.state.get<string>("eastwestAddress");
    await check(this.#s, {
      title: `O arquivo hosts aponta istiod.istio-system.svc para o east-west gateway${gateway ? ` (${gateway})` : ""}`,
      run: () => this.#s.run({ argv: ["cat", path.join(dir, "hosts")], displayArgv: ["cat", displayPath(path.join(dir, "hosts"))], nothrow: true }),
      expect: (r: CommandResult) => {
        const line = r.stdout.trim();
        const ok = /^\S+\s+istiod\.istio-system\.svc$/.test(line) && (!gateway || line.startsWith(`${gateway} `));
        return verdict(ok, `${gateway ?? "<IP do gateway>"} istiod.istio-system.svc`, line || "(arquivo vazio)");
      },
    });
    return listing;
  }

  // ── 14: the VM ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** The files were copied to the VM. */
  async vmHasFiles({ dir }: { dir: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `Os arquivos estão na VM em ${dir}`,
      run: () => this.#vm.ssh({ argv: ["ls", "-l", dir], nothrow: true }),
      expect: filesPresent({ names: VM_FILES }),
    });
  }

  /** The istio-sidecar package is installed (and with it the istio-proxy user and /var/lib/istio/envoy). */
  async sidecarPackageInstalled(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O pacote istio-sidecar está instalado na VM (usuário istio-proxy, /var/lib/istio/envoy)",
      run: () => this.#vm.ssh({ argv: ["sh", "-c", "dpkg -s istio-sidecar | grep '^Status:'; id istio-proxy; ls -d /var/lib/istio/envoy"], nothrow: true }),
      expect: (r) => verdict(r.ok && /Status: install ok installed/.test(r.stdout) && /uid=/.test(r.stdout), "Status: install ok installed, usuário istio-proxy e /var/lib/istio/envoy", r.output.trim()),
    });
  }

  /** The configuration files are where the sidecar reads them, owned by istio-proxy. */
  async vmFilesInstalled(): Promise<CheckResult<unknown>> {
    const files = ["/etc/certs/root-cert.pem", "/var/run/secrets/tokens/istio-token", "/var/lib/istio/envoy/cluster.env", "/etc/istio/config/mesh"];
    return check(this.#s, {
      title: "Certificado, token, cluster.env e mesh estão instalados na VM e pertencem ao istio-proxy",
      run: () => this.#vm.sudo({ argv: ["stat", "-c", "%U %n", ...files], nothrow: true }),
      expect: (r) => {
        const wrong = files.filter((f) => !new RegExp(`^istio-proxy ${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").test(r.stdout));
        return verdict(r.ok && wrong.length === 0, files.map((f) => `istio-proxy ${f}`).join("\n"), r.output.trim());
      },
    });
  }

  /** The VM resolves istiod's name to the east-west gateway (the hosts line). */
  async vmResolvesIstiod(): Promise<CheckResult<unknown>> {
    const gateway = this.#s.state.get<string>("eastwestAddress");
    return check(this.#s, {
      title: `A VM resolve istiod.istio-system.svc${gateway ? ` para ${gateway}` : ""} (e a linha está uma só vez no /etc/hosts)`,
      run: () => this.#vm.ssh({ argv: ["sh", "-c", "getent hosts istiod.istio-system.svc; grep -c 'istiod.istio-system.svc' /etc/hosts"], nothrow: true }),
      expect: (r) => {
        const [resolved = "", count = ""] = r.stdout.trim().split("\n");
        const ok = r.ok && (!gateway || resolved.startsWith(`${gateway} `)) && count.trim() === "1";
        return verdict(ok, `${gateway ?? "<IP do gateway>"} istiod.istio-system.svc, uma linha`, r.output.trim());
      },
    });
  }

  /** The istio unit is active and enabled. */
  async sidecarRunning(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O serviço istio está ativo e habilitado na VM",
      run: () => this.#vm.ssh({ argv: ["sh", "-c", "systemctl is-active istio; systemctl is-enabled istio"], nothrow: true }),
      expect: (r) => verdict(r.stdout.trim() === "active\nenabled", "active / enabled", r.stdout.trim() || r.message),
      retry: { timeoutMs: 30_000, intervalMs: 2_000 },
    });
  }

  /** The sidecar log has no errors and shows the certificate and the ADS stream. */
  async sidecarLogHealthy(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: "O log do sidecar mostra o certificado e a conexão com o istiod, sem erros",
      run: () => this.#vm.sudo({ argv: ["cat", "/var/log/istio/istio.log"], nothrow: true, quiet: true } as never),
      expect: sidecarLogHealthy({ version: this.#p.ISTIO_VERSION }) as Expectation<CommandResult>,
      retry: { timeoutMs: 90_000, intervalMs: 3_000 },
    });
  }

  /** The VM's proxy has an outbound cluster for a mesh service. */
  async vmKnowsService({ service, namespace = "default", port = 8000 }: { service: string; namespace?: string; port?: number }): Promise<CheckResult<unknown>> {
    const name = `outbound|${port}||${service}.${namespace}.svc.cluster.local`;
    return check(this.#s, {
      title: `O proxy da VM conhece o serviço ${service} (${name})`,
      run: () => this.#vm.ssh({ argv: ["curl", "-sS", "localhost:15000/clusters"], nothrow: true, quiet: true }),
      expect: (r) => {
        const clusters = r.ok ? parseEnvoyClusters(r.stdout) : [];
        const hit = clusters.find((c) => c.name === name);
        return verdict(!!hit && hit.hosts.length > 0, `${name} com pelo menos um endpoint`, hit ? `${hit.hosts.length} endpoints: ${hit.hosts.map((h) => h.address).join(", ")}` : r.ok ? `${clusters.length} clusters, nenhum ${name}` : r.message);
      },
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }

  /** The VM calls a cluster service by name and gets this status (and the generic service's app when given). */
  async vmCallsService({ url, status, app }: { url: string; status: number; app?: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `Da VM, ${url} responde ${status}`,
      run: async () => {
        const r = await this.#vm.curl({ url });
        return r.planned ? r.result : { status: r.status, body: r.body, headers: {}, ...(tryJson(r.body) !== undefined ? { json: tryJson(r.body) } : {}), ...(r.error ? { curlError: { code: r.curlExitCode ?? 0, message: r.error } } : {}) };
      },
      expect: httpAnswer({ status, ...(app ? { json: { app } } : {}) }) as Expectation<unknown>,
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }

  /** The VM was auto-registered: a WorkloadEntry with VM_ADDRESS, the group's labels and service account. */
  async workloadEntryRegistered(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `A VM foi registrada: WorkloadEntry no namespace ${this.#p.VM_NAMESPACE} com o endereço ${this.#p.VM_ADDRESS}`,
      run: () => this.#getJson({ resource: "workloadentries.networking.istio.io", namespace: this.#p.VM_NAMESPACE }),
      expect: workloadEntryExists({ namespace: this.#p.VM_NAMESPACE, address: this.#p.VM_ADDRESS, serviceAccount: this.#p.SERVICE_ACCOUNT, labels: { app: this.#p.VM_APP } }) as Expectation<CommandResult>,
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }

  /** The VM's Service exists with the selector of the WorkloadEntry. */
  async vmServiceCreated(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O Service ${this.#p.VM_APP} (namespace ${this.#p.VM_NAMESPACE}) seleciona app=${this.#p.VM_APP} na porta 8000`,
      run: () => this.#getJson({ resource: "service", name: this.#p.VM_APP, namespace: this.#p.VM_NAMESPACE }),
      expect: (r) => {
        const svc = json(r);
        const ok = svc?.spec?.selector?.app === this.#p.VM_APP && ((svc?.spec?.ports ?? []) as Obj[]).some((p) => p.port === 8000);
        return verdict(ok, `selector app=${this.#p.VM_APP}, porta 8000`, svc ? `selector ${JSON.stringify(svc.spec?.selector)}, portas ${JSON.stringify(svc.spec?.ports)}` : r.stderr.trim());
      },
    });
  }

  /** payment → pegasus-pay by its cluster name: "ok" (200 from the VM's app) or "course-failure" (Envoy's upstream connect error, the course's symptom). */
  async clusterCallsVm({ outcome, from = "payment" }: { outcome: "ok" | "course-failure"; from?: string }): Promise<CheckResult<unknown>> {
    const url = `http://${this.#p.VM_APP}.${this.#p.VM_NAMESPACE}.svc.cluster.local:8000`;
    if (outcome === "ok") {
      return check(this.#s, {
        title: `Do cluster, ${url} responde 200 (pod do ${from} → VM)`,
        run: () => this.#pod(from).curl(url),
        expect: httpAnswer({ status: 200, json: { app: this.#p.VM_APP } }),
        retry: { timeoutMs: 60_000, intervalMs: 3_000, consecutive: 3 },
      });
    }
    return check(this.#s, {
      title: `Do cluster, ${url} falha como no curso: "upstream connect error … reset reason: connection failure"`,
      run: () => this.#pod(from).curl(url),
      expect: (r: CommandResult) => {
        const answer = parseCurl(r);
        const ok = answer.status === 503 && /upstream connect error or disconnect\/reset before headers\. (?:retried and the latest )?reset reason: (?:remote )?connection failure/.test(answer.body);
        return verdict(ok, "HTTP 503 com o erro de conexão do Envoy (a falha que o curso encontrou)", `HTTP ${answer.status ?? "?"}: ${answer.body.trim().slice(0, 300)}`);
      },
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
      diagnose: false,
    });
  }

  /** A pod calls a URL and gets this status. */
  async podCalls({ from, url, status, namespace = "default" }: { from: string; url: string; status: number; namespace?: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `Do pod do ${from}, ${url} responde ${status}`,
      run: () => this.#pod(from, namespace).curl(url),
      expect: httpAnswer({ status }),
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }

  /** Docker's DNAT for the published port comes before the sidecar's ISTIO_INBOUND jump in nat PREROUTING. */
  async dockerBypassesCapture({ port }: { port: number }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `Na VM, a regra do Docker (-j DOCKER) vem antes da captura do Istio (-j ISTIO_INBOUND): a porta ${port} não passa pelo sidecar`,
      run: () => this.#vm.sudo({ argv: ["iptables", "-t", "nat", "-S", "PREROUTING"], nothrow: true, quiet: true } as never),
      expect: (r: CommandResult) => {
        const lines = r.stdout.split("\n");
        const docker = lines.findIndex((l) => /-j DOCKER\b/.test(l));
        const istio = lines.findIndex((l) => /-j ISTIO_INBOUND\b/.test(l));
        return verdict(docker >= 0 && istio >= 0 && docker < istio, "-j DOCKER antes de -j ISTIO_INBOUND", lines.filter((l) => /^-A PREROUTING/.test(l)).join("\n") || r.message);
      },
    });
  }

  /** The VM's sidecar received the calls to its app with mutual TLS (its istio_requests_total, reporter=destination,
   * says connection_security_policy="mutual_tls" and names the caller's SPIFFE identity). */
  async vmInboundIsMtls(): Promise<CheckResult<unknown>> {
    const app = this.#p.VM_APP;
    return check(this.#s, {
      title: `O sidecar da VM recebeu as chamadas ao ${app} com mTLS (métrica istio_requests_total, connection_security_policy="mutual_tls")`,
      run: () => this.#vm.ssh({ argv: ["curl", "-sS", "localhost:15000/stats/prometheus"], nothrow: true, quiet: true }),
      expect: (r: CommandResult) => {
        const rows = r.stdout
          .split("\n")
          .filter((l) => l.startsWith("istio_requests_total{") && l.includes('reporter="destination"') && l.includes(`destination_service_name="${app}"`))
          .map((l) => ({ mtls: l.includes('connection_security_policy="mutual_tls"'), source: /source_principal="([^"]*)"/.exec(l)?.[1] ?? "?", count: Number(l.trim().split(" ").at(-1)) }));
        const mtls = rows.filter((x) => x.mtls).reduce((n, x) => n + x.count, 0);
        const plain = rows.filter((x) => !x.mtls).reduce((n, x) => n + x.count, 0);
        const sources = [...new Set(rows.filter((x) => x.mtls).map((x) => x.source))];
        return verdict(mtls > 0, "requisições recebidas com mutual_tls", rows.length ? `${mtls} com mTLS (de ${sources.join(", ") || "?"}), ${plain} sem` : r.ok ? "nenhuma requisição registrada" : r.message);
      },
    });
  }

  /** An object does not exist. */
  async absent({ resource, name, namespace }: { resource: string; name: string; namespace: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `${resource}/${name} não existe mais (namespace ${namespace})`,
      run: () => this.#getJson({ resource, name, namespace }),
      expect: (r) => verdict(!r.ok && /NotFound|not found/.test(r.stderr), "NotFound", r.ok ? "ainda existe" : r.stderr.trim()),
    });
  }

  /** The MESH_INTERNAL ServiceEntry exists. */
  async serviceEntryExists(): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O ServiceEntry ${this.#p.VM_APP} (MESH_INTERNAL) existe no namespace ${this.#p.VM_NAMESPACE}`,
      run: () => this.#getJson({ resource: "serviceentries.networking.istio.io", name: this.#p.VM_APP, namespace: this.#p.VM_NAMESPACE }),
      expect: (r) => verdict(json(r)?.spec?.location === "MESH_INTERNAL", "location MESH_INTERNAL", r.ok ? `location ${json(r)?.spec?.location}` : r.stderr.trim()),
    });
  }

  /** The mesh's outbound traffic policy, read the way the running version allows. */
  async outboundTrafficPolicy({ mode }: { mode: "ALLOW_ANY" | "REGISTRY_ONLY" }): Promise<CheckResult<unknown>> {
    const features = istioFeatures(this.#p.ISTIO_VERSION);
    return check(this.#s, {
      title: `A política de saída da malha é ${mode}`,
      run: async () => {
        if (features.installedState) {
          const r = await this.#k.jsonpath({ resource: "istiooperator", name: "installed-state", namespace: "istio-system", path: "{.spec.meshConfig.outboundTrafficPolicy.mode}", nothrow: true } as never);
          return String(r).trim();
        }
        const r = await this.#k.jsonpath({ resource: "configmap", name: "istio", namespace: "istio-system", path: "{.data.mesh}", nothrow: true } as never);
        return /outboundTrafficPolicy:\s*\n\s*mode:\s*(\S+)/.exec(String(r))?.[1] ?? "";
      },
      expect: (value: string) => verdict((value || "ALLOW_ANY") === mode, mode, value ? value : "não definido (padrão ALLOW_ANY)"),
    });
  }

  /** Every call of the monitoring traffic, in both directions, got a 2xx answer. */
  async trafficHealthy(report: TrafficLike): Promise<CheckResult<unknown>> {
    const codes = (s: Record<string, number>) => Object.entries(s).sort().map(([c, n]) => `${n}× ${c}`).join(", ") || "nenhuma";
    return check(this.#s, {
      title: "Todas as chamadas nos dois sentidos responderam 2xx",
      run: () => report,
      expect: (r: TrafficLike) => {
        const ok = [r.toVm, r.fromVm].every((d) => d.calls > 0 && Object.keys(d.statuses).every((c) => c.startsWith("2")));
        const samples = [r.toVm, r.fromVm].flatMap((d) => (d.failure ? [`uma chamada ${d.direction} que falhou respondeu HTTP ${d.failure.status}: ${d.failure.body || "(sem corpo)"}`] : []));
        return verdict(ok, "respostas 2xx em todas as chamadas", [`${r.toVm.direction}: ${codes(r.toVm.statuses)}; ${r.fromVm.direction}: ${codes(r.fromVm.statuses)}`, ...samples].join("\n"));
      },
    });
  }

  /** The cluster and the VM are back to the snapshot taken before the chapter. */
  backToSnapshot(): Promise<CheckResult<unknown>> {
    return this.#verifySnapshot();
  }

  /** A pod resolves an outside name. */
  async podResolves({ from, name }: { from: string; name: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `O pod do ${from} resolve ${name}`,
      run: () => this.#pod(from).nslookup(name),
      expect: (r) => verdict(nslookupAddresses(r.stdout).length > 0, "um endereço para o nome", r.output.trim()),
    });
  }

  /** The VM resolves an outside name. */
  async vmResolves({ name }: { name: string }): Promise<CheckResult<unknown>> {
    return check(this.#s, {
      title: `A VM resolve ${name}`,
      run: () => this.#vm.ssh({ argv: ["nslookup", name], nothrow: true, timeoutMs: 40_000 }),
      expect: (r) => verdict(nslookupAddresses(r.stdout).length > 0, "um endereço para o nome", r.output.trim()),
      // Right after a sidecar restart its DNS proxy is not listening yet: captured queries are refused for a few seconds.
      retry: { timeoutMs: 60_000, intervalMs: 3_000 },
    });
  }
}

/** Extra course checks that need other modules. */
export interface TrafficLike {
  toVm: { direction: string; calls: number; statuses: Record<string, number>; failure?: { status: string; body: string } };
  fromVm: { direction: string; calls: number; statuses: Record<string, number>; failure?: { status: string; body: string } };
}

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
