// Reads cluster.env, the file `istioctl x workload entry configure` writes for the VM's sidecar: sorted
// `KEY='value'` lines that istio-start.sh sources as shell, so values follow shell quoting.
import { ParseError } from "./errors.js";
import { linesOf } from "./text.js";

/** One assignment of cluster.env. */
export interface ClusterEnvEntry {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
}

/** The values of cluster.env that the runbook reasons about. */
export interface ClusterEnvSummary {
  namespace?: string;
  serviceAccount?: string;
  /** ISTIO_SERVICE, "<workloadgroup>.<namespace>". */
  service?: string;
  /** ISTIO_INBOUND_PORTS: "*" or the captured ports. */
  inboundPorts: "*" | number[];
  /** ISTIO_META_DNS_CAPTURE is 'true' (the default of `--capture-dns`). */
  dnsCapture: boolean;
  /** ISTIO_META_AUTO_REGISTER_GROUP: set only when the files were made with `--autoregister`. */
  autoRegisterGroup?: string;
  clusterId?: string;
  network: string;
  meshId: string;
  trustDomain?: string;
  /** ISTIO_METAJSON_LABELS parsed. */
  labels: Record<string, string>;
}

/** Parses cluster.env text; throws ParseError naming the line when a line is not `KEY=value` or a quote is unclosed. */
export const parseClusterEnv = (text: string): { values: Record<string, string>; entries: ClusterEnvEntry[] } => {
  const values: Record<string, string> = {};
  const entries: ClusterEnvEntry[] = [];
  linesOf(text).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new ParseError("o cluster.env", `linha ${index + 1}: esperado CHAVE='valor'`, line.slice(0, 80));
    const value = shellWord(m[2]!, index + 1);
    values[m[1]!] = value;
    entries.push({ key: m[1]!, value, line: index + 1 });
  });
  return { values, entries };
};

/** Reads one shell word: 'single' (literal), "double" (\\ escapes), unquoted (\\ escapes), concatenated. */
const shellWord = (text: string, line: number): string => {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new ParseError("o cluster.env", `linha ${line}: aspas simples sem fechamento`);
      out += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          out += text[i + 1]!;
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      if (!closed) throw new ParseError("o cluster.env", `linha ${line}: aspas duplas sem fechamento`);
    } else if (c === "\\" && i + 1 < text.length) {
      out += text[i + 1]!;
      i += 2;
    } else if (/\s/.test(c)) {
      // An unquoted blank ends the word; a comment may follow.
      const tail = text.slice(i).trim();
      if (tail && !tail.startsWith("#")) throw new ParseError("o cluster.env", `linha ${line}: espaço fora de aspas no valor`);
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
};

/** The values the runbook reasons about, read from parsed cluster.env values. */
export const summarizeClusterEnv = (values: Readonly<Record<string, string>>): ClusterEnvSummary => {
  const ports = values["ISTIO_INBOUND_PORTS"] ?? "*";
  let labels: Record<string, string> = {};
  try {
    const parsed = JSON.parse(values["ISTIO_METAJSON_LABELS"] ?? "{}") as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) labels = parsed as Record<string, string>;
  } catch {
    labels = {};
  }
  const opt = (key: string): string | undefined => (values[key] !== undefined && values[key] !== "" ? values[key] : undefined);
  const summary: ClusterEnvSummary = {
    inboundPorts: ports.trim() === "*" || ports.trim() === "" ? "*" : ports.split(",").map((p) => Number(p.trim())).filter((p) => Number.isInteger(p)),
    dnsCapture: values["ISTIO_META_DNS_CAPTURE"] === "true",
    network: values["ISTIO_META_NETWORK"] ?? "",
    meshId: values["ISTIO_META_MESH_ID"] ?? "",
    labels,
  };
  const set = <K extends keyof ClusterEnvSummary>(key: K, value: ClusterEnvSummary[K] | undefined) => {
    if (value !== undefined) summary[key] = value;
  };
  set("namespace", opt("ISTIO_NAMESPACE") ?? opt("POD_NAMESPACE"));
  set("serviceAccount", opt("SERVICE_ACCOUNT"));
  set("service", opt("ISTIO_SERVICE"));
  set("autoRegisterGroup", opt("ISTIO_META_AUTO_REGISTER_GROUP"));
  set("clusterId", opt("ISTIO_META_CLUSTER_ID"));
  set("trustDomain", opt("TRUST_DOMAIN"));
  return summary;
};
