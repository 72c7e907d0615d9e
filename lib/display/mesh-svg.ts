// Draws a mesh as an SVG picture: services in the cluster, the VM with its workload, namespaces, the network boundary
// (firewall) and the calls between them — used for the architecture picture and for the live mesh picture.
import { escapeHtml } from "./text.js";

/** A box in the picture. */
export interface MeshNode {
  id: string;
  label: string;
  kind: "service" | "workloadentry" | "vm-app" | "gateway" | "control-plane";
  /** The group (namespace, VM) it sits in. */
  group?: string;
  /** A second, smaller line (e.g. "WorkloadEntry 198.18.0.10", "v1"). */
  detail?: string;
  status?: "ok" | "fail" | "unknown";
}

/** An arrow: a call from one node to another. */
export interface MeshEdge {
  from: string;
  to: string;
  /** E.g. "10 × 200 · 12 ms". */
  label?: string;
  status?: "ok" | "fail" | "idle";
  dashed?: boolean;
}

/** A frame around nodes: a namespace, the cluster, the VM. */
export interface MeshGroup {
  id: string;
  label: string;
  kind: "namespace" | "vm";
  /** Cluster-side groups are drawn left of the boundary, VM groups right of it. */
}

/** Everything the picture shows. */
export interface MeshPicture {
  title: string;
  nodes: MeshNode[];
  edges: MeshEdge[];
  groups: MeshGroup[];
  /** Label of the line between the cluster and the VM (e.g. "rede / firewall: 22, 8000, ICMP"). */
  boundary?: string;
}

const NODE_H = 46;
const COL_GAP = 70;
const ROW_GAP = 22;
const PAD = 18;
const TITLE_H = 36;

const COLORS = {
  service: { fill: "#e7f0ff", stroke: "#2f6fd0" },
  workloadentry: { fill: "#fff4e0", stroke: "#c07a00" },
  "vm-app": { fill: "#fff4e0", stroke: "#c07a00" },
  gateway: { fill: "#eef7ee", stroke: "#2e8540" },
  "control-plane": { fill: "#f2ecff", stroke: "#6f42c1" },
} as const;
const EDGE_COLOR = { ok: "#1a7f37", fail: "#cf222e", idle: "#8c959f" } as const;

/** Longest-path layer of each node (roots at 0), so calls flow left to right. */
const layers = (nodes: readonly MeshNode[], edges: readonly MeshEdge[]): Map<string, number> => {
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      if (e.from === e.to || !layer.has(e.from) || !layer.has(e.to)) continue;
      const want = layer.get(e.from)! + 1;
      if (want > layer.get(e.to)! && want < nodes.length) {
        layer.set(e.to, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return layer;
};

/** Renders the picture as a standalone SVG document (no scripts, no external resources). */
export const renderMeshSvg = (picture: MeshPicture): string => {
  const NODE_W = Math.max(150, ...picture.nodes.map((n) => Math.max(n.label.length * 8.2 + 24, (n.detail?.length ?? 0) * 6 + 16)));
  const vmGroups = new Set(picture.groups.filter((g) => g.kind === "vm").map((g) => g.id));
  const isVm = (n: MeshNode) => n.group !== undefined && vmGroups.has(n.group);
  const infra = (n: MeshNode) => n.kind === "gateway" || n.kind === "control-plane";
  // Calls between workloads decide the columns; control-plane links (dashed) do not.
  const flow = picture.nodes.filter((n) => !isVm(n) && !infra(n));
  const layer = layers(flow, picture.edges.filter((e) => !e.dashed));
  const lastFlowCol = Math.max(0, ...flow.map((n) => layer.get(n.id) ?? 0));
  const clusterCols = lastFlowCol + 1;
  // Gateways and istiod sit in the last cluster column, below the workloads; VM nodes right of the boundary.
  const col = (n: MeshNode) => (isVm(n) ? clusterCols : infra(n) ? lastFlowCol : layer.get(n.id) ?? 0);
  const groupOrder = new Map(picture.groups.map((g, i) => [g.id, i]));
  const columns = new Map<number, MeshNode[]>();
  for (const n of picture.nodes) columns.set(col(n), [...(columns.get(col(n)) ?? []), n]);
  const pos = new Map<string, { x: number; y: number }>();
  const boundaryGap = picture.boundary ? 60 : 0;
  for (const [c, members] of columns) {
    members.sort((a, b) => Number(infra(a)) - Number(infra(b)) || (groupOrder.get(a.group ?? "") ?? -1) - (groupOrder.get(b.group ?? "") ?? -1) || a.label.localeCompare(b.label));
    members.forEach((n, i) => {
      const x = PAD * 2 + c * (NODE_W + COL_GAP) + (c >= clusterCols ? boundaryGap : 0);
      // A gap between groups in the same column leaves room for their frames.
      const groupBreaks = members.slice(1, i + 1).filter((m, k) => m.group !== members[k]!.group).length;
      const y = TITLE_H + PAD * 2 + 16 + i * (NODE_H + ROW_GAP) + groupBreaks * (PAD + 16);
      pos.set(n.id, { x, y });
    });
  }
  const width = PAD * 4 + (clusterCols + (columns.has(clusterCols) ? 1 : 0)) * (NODE_W + COL_GAP) - COL_GAP + boundaryGap;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + NODE_H + PAD * 3 + 24;

  const parts: string[] = [];
  // Group frames.
  for (const g of picture.groups) {
    const members = picture.nodes.filter((n) => n.group === g.id).map((n) => pos.get(n.id)!);
    if (!members.length) continue;
    const x0 = Math.min(...members.map((p) => p.x)) - PAD + 4;
    const y0 = Math.min(...members.map((p) => p.y)) - PAD - 14;
    const x1 = Math.max(...members.map((p) => p.x)) + NODE_W + PAD - 4;
    const y1 = Math.max(...members.map((p) => p.y)) + NODE_H + PAD - 6;
    const vm = g.kind === "vm";
    parts.push(
      `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" rx="10" fill="${vm ? "#fffaf0" : "#f6f8fa"}" stroke="${vm ? "#c07a00" : "#8c959f"}" stroke-dasharray="${vm ? "0" : "5 4"}"/>`,
      `<text x="${x0 + 8}" y="${y0 + 14}" font-size="11" fill="#57606a" font-weight="600">${escapeHtml(g.label)}</text>`,
    );
  }
  // Boundary between the cluster and the VM.
  if (picture.boundary && columns.has(clusterCols)) {
    const bx = PAD * 2 + clusterCols * (NODE_W + COL_GAP) - COL_GAP / 2 + boundaryGap / 2 - 6;
    parts.push(
      `<line x1="${bx}" y1="${TITLE_H + 6}" x2="${bx}" y2="${height - 8}" stroke="#cf222e" stroke-width="3" stroke-dasharray="8 5"/>`,
      `<text x="${bx + 6}" y="${height - 12}" font-size="11" fill="#cf222e">${escapeHtml(picture.boundary)}</text>`,
    );
  }
  // Edges (drawn under nodes).
  const edgeParts: string[] = [];
  for (const e of picture.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const color = EDGE_COLOR[e.status ?? "idle"];
    let d: string;
    let lx: number;
    let ly: number;
    if (e.from === e.to) {
      d = `M ${a.x + 40} ${a.y + NODE_H} C ${a.x + 40} ${a.y + NODE_H + 26}, ${a.x + 90} ${a.y + NODE_H + 26}, ${a.x + 90} ${a.y + NODE_H + 4}`;
      lx = a.x + 65;
      ly = a.y + NODE_H + 34;
    } else if (a.x === b.x) {
      const down = b.y > a.y;
      const x = a.x + NODE_W / 2;
      d = `M ${x} ${down ? a.y + NODE_H : a.y} L ${x} ${down ? b.y - 3 : b.y + NODE_H + 3}`;
      lx = x + 40;
      ly = (a.y + b.y + NODE_H) / 2 + 4;
    } else {
      const forward = b.x > a.x;
      const x1 = forward ? a.x + NODE_W : a.x;
      const x2 = forward ? b.x : b.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const y2 = b.y + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      d = `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - (forward ? 4 : -4)} ${y2}`;
      lx = mx;
      ly = (y1 + y2) / 2 - 4;
    }
    edgeParts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${e.status === "ok" || e.status === "fail" ? 2.2 : 1.4}"${e.dashed ? ' stroke-dasharray="5 4"' : ""} marker-end="url(#arrow-${e.status ?? "idle"})"/>`);
    if (e.label) edgeParts.push(`<text x="${lx}" y="${ly}" font-size="10" text-anchor="middle" fill="${color}" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeHtml(e.label)}</text>`);
  }
  // Nodes.
  const nodeParts = picture.nodes.map((n) => {
    const p = pos.get(n.id)!;
    const c = COLORS[n.kind];
    const stroke = n.status === "fail" ? "#cf222e" : c.stroke;
    const badge = n.status === "ok" ? "✔ " : n.status === "fail" ? "✘ " : "";
    return (
      `<g><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${c.fill}" stroke="${stroke}" stroke-width="1.6"/>` +
      `<text x="${p.x + NODE_W / 2}" y="${p.y + (n.detail ? 19 : 28)}" font-size="13" text-anchor="middle" font-weight="600" fill="#1f2328">${escapeHtml(badge + n.label)}</text>` +
      (n.detail ? `<text x="${p.x + NODE_W / 2}" y="${p.y + 35}" font-size="10" text-anchor="middle" fill="#57606a">${escapeHtml(n.detail)}</text>` : "") +
      `</g>`
    );
  });
  const markers = Object.entries(EDGE_COLOR)
    .map(([k, color]) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${color}"/></marker>`)
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" role="img" aria-label="${escapeHtml(picture.title)}">` +
    `<defs>${markers}</defs><rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="${PAD}" y="${TITLE_H - 10}" font-size="16" font-weight="700" fill="#1f2328">${escapeHtml(picture.title)}</text>` +
    parts.join("") +
    edgeParts.join("") +
    nodeParts.join("") +
    `</svg>`
  );
};
