// "Monitorando a VM": generates the chapter's traffic in both directions (10 calls from payment to pegasus-pay, 100
// from the VM to payment), summarises each direction (counts, status codes, latency) as a table and draws the mesh as
// it was just observed.
import { renderMeshSvg, type MeshEdge, type MeshNode } from "../display/mesh-svg.js";
import type { Kubectl } from "../kube/kubectl.js";
import { newEventId } from "../run/events.js";
import { quote } from "../run/quote.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import type { Vm } from "../vm/vm.js";
import { SIMUL_SHOP_SERVICES, callGraph } from "./simul-shop.js";

/** One direction's summary. */
export interface DirectionSummary {
  /** "cluster → VM" or "VM → cluster". */
  direction: string;
  from: string;
  to: string;
  url: string;
  calls: number;
  /** Count by HTTP status ("000" = no answer). */
  statuses: Record<string, number>;
  avgMs: number;
  p95Ms: number;
  maxMs: number;
  /** One failing answer, fetched again with its body when some calls did not answer 2xx (the loop discards bodies). */
  failure?: { status: string; body: string };
}

/** What generateTraffic observed. */
export interface TrafficReport {
  toVm: DirectionSummary;
  fromVm: DirectionSummary;
  planned: boolean;
}

const WRITE_OUT = "%{http_code} %{time_total}\\n";

/** The shell loop of the course (`for i in $(seq 1 N); do curl …; done`), printing status and time per call. */
export const curlLoop = (url: string, times: number): string =>
  `for i in $(seq 1 ${times}); do curl -s -o /dev/null -m 10 -w ${quote(WRITE_OUT)} ${quote(url)}; done`;

/** One call that keeps the body and ends with the status line (`BODY\nSTATUS`), to show what a failing call answered. */
export const curlOnce = (url: string): string => `curl -s -m 10 -w ${quote("\n%{http_code}")} ${quote(url)}`;

/** Reads curlOnce's output: the last line is the status, the rest the body (cut to 600 characters). */
export const parseCurlOnce = (output: string): { status: string; body: string } => {
  const lines = output.replace(/\n$/, "").split("\n");
  const status = /^\d{3}$/.test(lines.at(-1) ?? "") ? lines.pop()! : "000";
  return { status, body: lines.join("\n").trim().slice(0, 600) };
};

const failing = (d: DirectionSummary): boolean => Object.keys(d.statuses).some((c) => !c.startsWith("2"));

/** Summarises the `status seconds` lines of curlLoop. */
export const summarize = (args: { direction: string; from: string; to: string; url: string; output: string }): DirectionSummary => {
  const samples = args.output
    .split("\n")
    .map((l) => /^(\d{3}) ([\d.]+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ status: m[1]!, ms: Number(m[2]) * 1000 }));
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const pick = (q: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]! : 0);
  return {
    direction: args.direction,
    from: args.from,
    to: args.to,
    url: args.url,
    calls: samples.length,
    statuses,
    avgMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
    p95Ms: pick(0.95),
    maxMs: times.at(-1) ?? 0,
  };
};

const fmtMs = (ms: number): string => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`.replace(".", ",");
const fmtStatuses = (s: Record<string, number>): string =>
  Object.entries(s)
    .sort()
    .map(([code, n]) => `${n}× ${code === "000" ? "sem resposta" : code}`)
    .join(", ") || "—";

/** Traffic generation and the monitoring views. */
export class Monitor {
  constructor(private readonly deps: { session: Session; kubectl: Kubectl; vm: Vm }) {}

  /** Runs the course's two loops and summarises them. */
  async generateTraffic({ toVm = 10, fromVm = 100 }: { toVm?: number; fromVm?: number } = {}): Promise<TrafficReport> {
    const p = this.deps.session.params;
    const vmUrl = `${p.VM_APP}.${p.VM_NAMESPACE}.svc.cluster.local:8000`;
    const clusterUrl = "payment.default.svc.cluster.local:8000";
    const fromPod = (command: string, timeoutMs: number) => this.deps.kubectl.exec({ target: "svc/payment", container: "payment", command: ["sh", "-c", command], nothrow: true, timeoutMs });
    const fromTheVm = (command: string, timeoutMs: number) => this.deps.vm.ssh({ argv: ["sh", "-c", command], nothrow: true, timeoutMs });
    const a: CommandResult = await fromPod(curlLoop(vmUrl, toVm), 60_000 + toVm * 11_000);
    const b: CommandResult = await fromTheVm(curlLoop(clusterUrl, fromVm), 60_000 + fromVm * 11_000);
    const toVmSummary = summarize({ direction: "cluster → VM", from: "payment", to: p.VM_APP, url: vmUrl, output: a.stdout });
    const fromVmSummary = summarize({ direction: "VM → cluster", from: p.VM_APP, to: "payment", url: clusterUrl, output: b.stdout });
    // What a failing call answers says why (Envoy's 503 body names the reset reason): one more call, keeping the body.
    if (failing(toVmSummary)) toVmSummary.failure = parseCurlOnce((await fromPod(curlOnce(vmUrl), 30_000)).stdout);
    if (failing(fromVmSummary)) fromVmSummary.failure = parseCurlOnce((await fromTheVm(curlOnce(clusterUrl), 30_000)).stdout);
    return { toVm: toVmSummary, fromVm: fromVmSummary, planned: a.planned || b.planned };
  }

  /** The per-direction table. */
  showTraffic(report: TrafficReport): void {
    this.deps.session.emit({
      kind: "figure",
      id: newEventId("f"),
      at: new Date().toISOString(),
      title: "Tráfego gerado, por sentido",
      table: {
        columns: ["sentido", "de → para", "chamadas", "respostas", "latência média", "p95", "máxima"],
        rows: [report.toVm, report.fromVm].map((d) => [d.direction, `${d.from} → ${d.to}`, String(d.calls), fmtStatuses(d.statuses), fmtMs(d.avgMs), fmtMs(d.p95Ms), fmtMs(d.maxMs)]),
      },
    });
  }

  /** Draws the mesh as observed now: the services and WorkloadEntries the cluster lists, the VM, and the calls just made. */
  async showMesh(report: TrafficReport): Promise<void> {
    const { session, kubectl } = this.deps;
    const p = session.params;
    const entries = await kubectl.get({ resource: "workloadentries.networking.istio.io", allNamespaces: true, output: "json", nothrow: true, quiet: true });
    const services = await kubectl.get({ resource: "services", allNamespaces: true, output: "json", nothrow: true, quiet: true });
    const list = (r: CommandResult): Array<Record<string, any>> => {
      try {
        return r.ok ? (JSON.parse(r.stdout).items as Array<Record<string, any>>) : [];
      } catch {
        return [];
      }
    };
    const svcNames = new Set(list(services).map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
    const we = list(entries).filter((e) => e.metadata.namespace === p.VM_NAMESPACE);
    const nodes: MeshNode[] = SIMUL_SHOP_SERVICES.filter((s) => svcNames.has(`default/${s.name}`) || report.planned).map((s) => ({ id: s.name, label: s.name, kind: "service", group: "default" }));
    nodes.push({
      id: "svc:vm",
      label: p.VM_APP,
      kind: "workloadentry",
      group: "legacy",
      detail: we.length ? `WorkloadEntry ${we.map((e) => e.spec?.address).join(", ")}` : "sem WorkloadEntry",
      status: we.length ? "ok" : "fail",
    });
    nodes.push({ id: "vm", label: p.VM_APP, kind: "vm-app", group: "vm", detail: `VM ${p.VM_ADDRESS}` });
    const label = (d: DirectionSummary) => `${d.calls}× · ${fmtStatuses(d.statuses)} · ${fmtMs(d.avgMs)}`;
    const status = (d: DirectionSummary): MeshEdge["status"] => (d.calls === 0 ? "idle" : Object.keys(d.statuses).every((c) => c.startsWith("2")) ? "ok" : "fail");
    const edges: MeshEdge[] = callGraph()
      .filter((e) => e.kind !== "manual" && nodes.some((n) => n.id === e.from) && nodes.some((n) => n.id === e.to) && e.from !== e.to)
      .map((e) => ({ from: e.from, to: e.to }));
    edges.push({ from: "payment", to: "svc:vm", label: label(report.toVm), status: status(report.toVm) });
    edges.push({ from: "svc:vm", to: "vm", status: status(report.toVm) });
    edges.push({ from: "vm", to: "payment", label: label(report.fromVm), status: status(report.fromVm), dashed: false });
    session.emit({
      kind: "figure",
      id: newEventId("f"),
      at: new Date().toISOString(),
      title: "A malha agora (chamadas observadas nesta célula)",
      svg: renderMeshSvg({
        title: "A malha agora",
        nodes,
        edges,
        groups: [
          { id: "default", label: "namespace default", kind: "namespace" },
          { id: "legacy", label: `namespace ${p.VM_NAMESPACE}`, kind: "namespace" },
          { id: "vm", label: `VM ${p.VM_ADDRESS}`, kind: "vm" },
        ],
        boundary: "rede / firewall",
      }),
    });
  }
}
