// "Limpando o ambiente": a snapshot of the cluster and the VM taken before the chapter, a cleanup that asks for explicit
// confirmation and refuses any kube context but the course's target, and the comparison that proves both are back.
import { check, type CheckResult } from "../check/check.js";
import { InputError } from "../errors.js";
import type { Istioctl } from "../istio/istioctl.js";
import { sessionContext } from "../kube/kubeconfig.js";
import type { Kubectl } from "../kube/kubectl.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import type { Vm } from "../vm/vm.js";
import type { Course } from "./course.js";
import { VM_FILES } from "../check/expect/files.js";

/** What is compared: sorted facts about the cluster and the VM. */
export interface Snapshot {
  takenAt: string;
  context: string;
  cluster: string[];
  vm: string[];
}

const STATE_KEY = "snapshotBeforeChapter";
const ISTIO_TYPES = [
  "workloadentries.networking.istio.io",
  "workloadgroups.networking.istio.io",
  "serviceentries.networking.istio.io",
  "peerauthentications.security.istio.io",
  "gateways.networking.istio.io",
  "virtualservices.networking.istio.io",
  "destinationrules.networking.istio.io",
];

/** The chapter's cleanup for one session. */
export class Cleanup {
  constructor(private readonly deps: { session: Session; kubectl: Kubectl; istioctl: Istioctl; vm: Vm; course: Course }) {}

  /** The snapshot taken before the chapter (persisted in the run state), if any. */
  get before(): Snapshot | undefined {
    return this.deps.session.state.get<Snapshot>(STATE_KEY);
  }

  /** Takes the "before" snapshot once (later calls keep the first one, so re-running the chapter does not move it). */
  async snapshotOnce(): Promise<Snapshot | undefined> {
    if (this.before || this.deps.session.mode === "plan") return this.before;
    const snap = await this.take();
    this.deps.session.state.set(STATE_KEY, snap);
    this.deps.session.note(`Fotografia do cluster e da VM antes do capítulo guardada (${snap.cluster.length} fatos do cluster, ${snap.vm.length} da VM): a limpeza no fim confere que tudo volta a ela.`);
    return snap;
  }

  /** Reads the facts that the chapter changes. */
  async take(): Promise<Snapshot> {
    const { session, kubectl, vm } = this.deps;
    const items = async (resource: string, namespaced = true): Promise<string[]> => {
      const r = await kubectl.get({ resource, ...(namespaced ? { allNamespaces: true } : {}), output: "json", nothrow: true, quiet: true });
      if (!r.ok) return [];
      return (JSON.parse(r.stdout).items as Array<{ kind?: string; metadata: { name: string; namespace?: string } }>).map((o) => `${resource}:${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    };
    const cluster = [
      ...(await items("namespaces", false)),
      ...(await items("deployments")),
      ...(await items("services")),
      ...(await items("serviceaccounts")).filter((s) => !s.endsWith("/default")),
    ];
    for (const type of ISTIO_TYPES) cluster.push(...(await items(type)));
    const istiod = await kubectl.get({ resource: "deployment", name: "istiod", namespace: "istio-system", output: "json", nothrow: true, quiet: true });
    if (istiod.ok) {
      const env = (JSON.parse(istiod.stdout).spec.template.spec.containers as Array<{ env?: Array<{ name: string; value?: string }> }>).flatMap((c) => c.env ?? []);
      cluster.push(...env.filter((e) => /WORKLOAD_ENTRY/.test(e.name)).map((e) => `istiod-env:${e.name}=${e.value ?? ""}`));
    }
    const home = this.deps.course.vmHome();
    const probe = [
      "dpkg-query -W -f='package:${Package}=${Status}\\n' istio-sidecar 2>/dev/null || true",
      "id -u istio-proxy >/dev/null 2>&1 && echo user:istio-proxy || true",
      "systemctl is-enabled istio 2>/dev/null | sed 's/^/istio-enabled:/' || true",
      "grep -c 'istiod' /etc/hosts | sed 's/^/hosts-istiod-lines:/'",
      `for f in /etc/certs/root-cert.pem /var/run/secrets/tokens/istio-token ${VM_FILES.map((f) => `${home}/${f}`).join(" ")} ${home}/istio-sidecar.deb; do [ -e "$f" ] && echo "file:$f"; done; true`,
      "docker ps --format '{{.Names}}' 2>/dev/null | sed 's/^/container:/' || true",
      "iptables -t nat -S 2>/dev/null | grep -c ISTIO | sed 's/^/istio-nat-rules:/'",
    ].join("; ");
    const r: CommandResult = await vm.sudo({ argv: ["sh", "-c", probe], nothrow: true, quiet: true });
    const facts = r.stdout.split("\n").map((l) => l.trim()).filter((l) => /^[a-z-]+:/.test(l) && !/^istio-enabled:(disabled)?$/.test(l) && l !== "hosts-istiod-lines:0" && l !== "istio-nat-rules:0");
    return { takenAt: new Date().toISOString(), context: sessionContext(session) ?? "", cluster: [...new Set(cluster)].sort(), vm: facts.sort() };
  }

  /** Shows what the cleanup will remove (nothing runs). */
  async plan(): Promise<void> {
    const p = this.deps.session.params;
    this.deps.session.note(
      [
        `A limpeza vai: parar e remover o sidecar da VM (systemctl stop istio; dpkg -r istio-sidecar), remover os arquivos copiados, a linha do istiod no /etc/hosts, as regras de iptables do Istio e o contêiner ${p.VM_APP};`,
        `no cluster, apagar o namespace ${p.VM_NAMESPACE}, o exemplo sleep, a exposição do istiod e o east-west gateway, e reinstalar o istiod sem o registro automático — voltando ao estado de antes do capítulo.`,
        `Contexto do kubeconfig: ${sessionContext(this.deps.session)}.`,
      ].join(" "),
    );
  }

  /** Runs the cleanup after checking the confirmation; InputError (nothing changed) when it is missing or wrong. */
  async run({ confirm }: { confirm: string }): Promise<void> {
    const { session, kubectl, istioctl, vm, course } = this.deps;
    const context = sessionContext(session) ?? "";
    // A plan removes nothing: it records the cleanup's commands without asking for the confirmation.
    if (session.mode === "plan") confirm = context;
    if (!confirm) {
      throw new InputError(
        "a limpeza não foi confirmada: nada foi removido",
        `escreva o nome do contexto (${context}) em CONFIRMO, na célula, e rode de novo (na execução automática: RUNBOOK_CONFIRM_CLEANUP=${context})`,
        "confirm",
      );
    }
    if (confirm !== context) {
      throw new InputError(
        `a confirmação "${confirm}" não é o contexto em uso (${context}): nada foi removido`,
        `confirme com o nome exato do contexto do curso (${context}); se o contexto em uso não é o do curso, corrija KUBE_CONTEXT`,
        "confirm",
      );
    }
    const p = session.params;
    const home = course.vmHome();
    // The VM (the course: systemctl stop istio; dpkg -r istio-sidecar; dpkg -s istio-sidecar).
    await vm.sudo({ argv: ["systemctl", "stop", "istio"], nothrow: true });
    await vm.sudo({ argv: ["systemctl", "disable", "istio"], nothrow: true });
    await vm.sudo({ argv: ["dpkg", "-r", "istio-sidecar"], nothrow: true });
    await vm.ssh({ argv: ["dpkg", "-s", "istio-sidecar"], nothrow: true });
    // `dpkg -r` keeps the package's configuration files (state "deinstall ok config-files"): purge them too.
    await vm.sudo({ argv: ["dpkg", "--purge", "istio-sidecar"], nothrow: true });
    // What the package leaves behind (user, rules up to 1.9, files the chapter copied, the hosts line, the container).
    await vm.sudo({ argv: ["sh", "-c", "id istio-proxy >/dev/null 2>&1 && userdel istio-proxy || true"], nothrow: true });
    await vm.sudo({
      argv: ["sh", "-c", "for c in PREROUTING OUTPUT; do iptables -t nat -S $c | grep -- '-j ISTIO' | sed 's/^-A/-D/' | while read -r r; do eval iptables -t nat $r; done; done; for t in $(iptables -t nat -S | awk '/^-N ISTIO/ {print $2}'); do iptables -t nat -F $t; done; for t in $(iptables -t nat -S | awk '/^-N ISTIO/ {print $2}'); do iptables -t nat -X $t; done"],
      nothrow: true,
    });
    await vm.sudo({ argv: ["rm", "-rf", "/etc/certs", "/var/run/secrets/tokens", "/etc/istio", "/var/lib/istio", "/var/log/istio", ...VM_FILES.map((f) => `${home}/${f}`), `${home}/istio-sidecar.deb`], nothrow: true });
    await vm.sudo({ argv: ["sed", "-i", "/istiod\\.istio-system\\.svc/d", "/etc/hosts"], nothrow: true });
    await vm.ssh({ argv: ["docker", "rm", "-f", p.VM_APP], nothrow: true });
    // The cluster.
    await kubectl.delete({ resource: "namespace", name: p.VM_NAMESPACE, wait: true, timeoutMs: 300_000 });
    await kubectl.delete({ file: course.sleepSample() });
    // What expose-istiod.yaml made (its names differ between releases: 1.8 also has a DestinationRule istiod-dr).
    await istioctl.unexposeIstiod();
    for (const resource of ["deployment", "service", "serviceaccount", "horizontalpodautoscaler", "poddisruptionbudget"]) {
      await kubectl.delete({ resource, name: "istio-eastwestgateway", namespace: "istio-system", nothrow: true });
    }
    await kubectl.delete({ resource: "istiooperators.install.istio.io", name: "installed-state-eastwest", namespace: "istio-system", nothrow: true });
    // istiod as before the chapter: the install of chapter 2 again (auto-registration back to the version's default).
    await istioctl.install({ set: { profile: "minimal" } });
  }

  /** Compares the state now with the snapshot taken before the chapter. */
  async verify(): Promise<CheckResult<unknown>> {
    const before = this.before;
    return check(this.deps.session, {
      title: "O cluster e a VM voltaram ao estado de antes do capítulo",
      run: async () => (before ? await this.take() : undefined),
      expect: (now: Snapshot | undefined) => {
        if (!before || !now) return { ok: false, expected: "a fotografia de antes do capítulo", received: "nenhuma fotografia foi tirada (rode a primeira célula do capítulo antes da limpeza)" };
        const diff = (a: string[], b: string[]) => ({ extra: b.filter((x) => !a.includes(x)), missing: a.filter((x) => !b.includes(x)) });
        const c = diff(before.cluster, now.cluster);
        const v = diff(before.vm, now.vm);
        const lines = [
          ...c.extra.map((x) => `+ cluster ${x}`),
          ...c.missing.map((x) => `- cluster ${x}`),
          ...v.extra.map((x) => `+ vm ${x}`),
          ...v.missing.map((x) => `- vm ${x}`),
        ];
        return { ok: lines.length === 0, expected: `o mesmo estado de ${before.takenAt} (${before.cluster.length} fatos do cluster, ${before.vm.length} da VM)`, received: lines.length ? lines.join("\n") : "igual", data: { before, now } };
      },
      // The namespace's deletion was waited for: what still differs after 30 s will not go away by itself.
      retry: { timeoutMs: 30_000, intervalMs: 3_000 },
    });
  }
}
