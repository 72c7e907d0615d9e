// Reads the sidecar's log (/var/log/istio/istio.log, `kubectl logs … -c istio-proxy`): tab-separated
// `time level scope message` lines (scope omitted for the default scope; current versions append `key=value` fields),
// Envoy's own lines (`envoy config` scope, or the older `[time][thread][level][logger] message` format), and
// continuation lines (multi-line messages, istio-start.sh's iptables dump).
import { linesOf } from "./text.js";

/** Normalised severity of a log entry. */
export type LogSeverity = "debug" | "info" | "warn" | "error" | "fatal";

/** One log entry. */
export interface IstioLogEntry {
  /** 1-based number of the entry's first line in the text. */
  line: number;
  /** ISO timestamp as printed, e.g. "2020-12-26T14:48:26.699574Z". */
  time?: string;
  /** The level as printed ("info", "warning", "error"…). */
  level?: string;
  severity?: LogSeverity;
  /** "cache", "sds", "xdsproxy", "envoy config"…; undefined for the default scope. */
  scope?: string;
  /** The message, with continuation lines appended after "\n". */
  message: string;
  /** Trailing `key=value` fields (current versions), e.g. { id: "1" }. */
  fields: Record<string, string>;
  /** "istio" (agent format), "envoy" (Envoy's bracketed format) or "other" (a line before any entry). */
  format: "istio" | "envoy" | "other";
  raw: string;
}

const LEVELS: Record<string, LogSeverity> = {
  debug: "debug",
  trace: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  err: "error",
  critical: "error",
  fatal: "fatal",
};
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;
const ENVOY = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+)\]\[(\d+)\]\[(\w+)\]\[([\w.-]+)\] (?:\[[^\]]+\] )?(.*)$/;
const FIELDS = /^[\w.-]+=\S*(?: [\w.-]+=\S*)*$/;
const SCOPE = /^(?:envoy )?[a-z][a-zA-Z0-9_.-]*$/;
/** Scopes recognised in logs whose tabs were turned into spaces (copied from a terminal). */
const KNOWN_SCOPES = ["ads", "ca", "cache", "citadelclient", "dns", "envoy", "healthcheck", "iptables", "klog", "model", "sds", "security", "spiffe", "status", "validation", "wasm", "xdsproxy"];

/** Parses a sidecar log into entries (never throws: unknown lines become "other" entries or continuations). */
export const parseIstioLog = (text: string): IstioLogEntry[] => {
  const entries: IstioLogEntry[] = [];
  linesOf(text).forEach((raw, index) => {
    const entry = parseLine(raw, index + 1);
    if (entry) {
      entries.push(entry);
      return;
    }
    const last = entries[entries.length - 1];
    if (last && last.format !== "other") {
      last.message += `\n${raw}`;
      last.raw += `\n${raw}`;
    } else if (raw.trim() !== "") {
      entries.push({ line: index + 1, message: raw, fields: {}, format: "other", raw });
    }
  });
  return entries;
};

/** Parses one line that starts an entry, or returns undefined (a continuation or an unknown line). */
export const parseLine = (raw: string, line: number): IstioLogEntry | undefined => {
  const envoy = ENVOY.exec(raw);
  if (envoy) {
    const level = envoy[3]!;
    return { line, time: envoy[1]!, level, ...severityOf(level), scope: `envoy ${envoy[4]!}`, message: envoy[5]!, fields: {}, format: "envoy", raw };
  }
  const tabbed = raw.includes("\t");
  const parts = tabbed ? raw.split("\t") : splitSpaced(raw);
  if (parts.length < 3 || !TIME.test(parts[0]!) || !(parts[1]!.toLowerCase() in LEVELS)) return undefined;
  const level = parts[1]!;
  let rest = parts.slice(2);
  const fields: Record<string, string> = {};
  // Labels follow the message after a tab, as space-separated key=value pairs: "…certificate\tlatency=71ms ttl=23h59m".
  if (rest.length > 1 && FIELDS.test(rest[rest.length - 1]!)) {
    for (const kv of rest.pop()!.split(" ")) {
      const eq = kv.indexOf("=");
      fields[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  let scope: string | undefined;
  if (rest.length >= 2 && SCOPE.test(rest[0]!) && (tabbed || KNOWN_SCOPES.includes(rest[0]!.split(" ")[0]!))) {
    scope = rest[0]!;
    rest = rest.slice(1);
  }
  return { line, time: parts[0]!, level, ...severityOf(level), ...(scope !== undefined ? { scope } : {}), message: rest.join("\t"), fields, format: "istio", raw };
};

const severityOf = (level: string): { severity?: LogSeverity } => {
  const s = LEVELS[level.toLowerCase()];
  return s ? { severity: s } : {};
};

/** Splits a line whose tabs became runs of spaces: time, level, then (maybe) the scope, then the message. */
const splitSpaced = (raw: string): string[] => {
  const m = /^(\S+)\s+(\S+)\s+(.*)$/.exec(raw);
  if (!m) return [];
  const rest = m[3]!;
  const scoped = /^(envoy \S+|\S+)\s{2,}(.*)$/.exec(rest) ?? /^(\S+)\s+(.*)$/.exec(rest);
  if (scoped && KNOWN_SCOPES.includes(scoped[1]!.split(" ")[0]!)) return [m[1]!, m[2]!, scoped[1]!, scoped[2]!];
  return [m[1]!, m[2]!, rest];
};
