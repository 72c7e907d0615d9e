// Unit files on disk: where they are looked up, what they say, and whether they are enabled (a symlink in
// /etc/systemd/system/<target>.wants, exactly as real systemd records it).
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { parseExecValue, parseUnitText, type ExecCommand, type UnitSections } from "./unit-file.js";

/** Unit search path, highest priority first (/lib is /usr/lib on merged-/usr Debian). */
export const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

/** A unit as the service manager uses it. */
export interface Unit {
  name: string;
  /** The file it was loaded from (after following an alias symlink). */
  path: string;
  description: string;
  documentation: string[];
  after: string[];
  conditionPathExists: string[];
  type: "simple" | "exec" | "notify" | "forking" | "oneshot" | "idle" | "dbus";
  execStartPre: ExecCommand[];
  execStart: ExecCommand[];
  execStopPost: ExecCommand[];
  restart: "no" | "always" | "on-failure" | "on-success" | "on-abnormal" | "on-abort" | "on-watchdog";
  restartSec: number;
  restartPreventExitStatus: number[];
  remainAfterExit: boolean;
  user?: string;
  group?: string;
  workingDirectory?: string;
  environment: string[];
  environmentFiles: string[];
  killMode: "control-group" | "process" | "mixed" | "none";
  timeoutStopSec: number;
  runtimeDirectory: string[];
  runtimeDirectoryMode: number;
  startLimitIntervalSec: number;
  startLimitBurst: number;
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  hasInstallSection: boolean;
}

/** Normalizes a unit argument like systemctl does (`istio` → `istio.service`). */
export const unitName = (arg: string): string => (/\.(service|socket|target|timer|mount|path|slice|scope|device|swap)$/.test(arg) ? arg : `${arg}.service`);

/** Parses a systemd time span (`10`, `10s`, `500ms`, `1min 30s`, `infinity`) into milliseconds. */
export const parseTimespan = (value: string | undefined, fallbackMs: number): number => {
  if (!value) return fallbackMs;
  if (value.trim() === "infinity") return Number.POSITIVE_INFINITY;
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000 };
  let total = 0;
  let matched = false;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)) {
    const unit = m[2] || "s";
    if (!(unit in units)) return fallbackMs;
    total += Number(m[1]) * units[unit]!;
    matched = true;
  }
  return matched ? total : fallbackMs;
};

const last = (s: Map<string, string[]> | undefined, key: string): string | undefined => s?.get(key)?.at(-1);
const all = (s: Map<string, string[]> | undefined, key: string): string[] => s?.get(key) ?? [];
const words = (s: Map<string, string[]> | undefined, key: string): string[] => all(s, key).flatMap((v) => v.split(/\s+/).filter(Boolean));

/** Builds a Unit from parsed sections. */
export const unitFromSections = (name: string, file: string, sections: UnitSections): Unit => {
  const u = sections.get("Unit");
  const s = sections.get("Service");
  const i = sections.get("Install");
  const restart = (last(s, "Restart") ?? "no") as Unit["restart"];
  return {
    name,
    path: file,
    description: last(u, "Description") ?? name,
    documentation: words(u, "Documentation"),
    after: words(u, "After"),
    conditionPathExists: all(u, "ConditionPathExists"),
    type: (last(s, "Type") ?? (s?.has("BusName") ? "dbus" : "simple")) as Unit["type"],
    execStartPre: all(s, "ExecStartPre").map(parseExecValue),
    execStart: all(s, "ExecStart").map(parseExecValue),
    execStopPost: all(s, "ExecStopPost").map(parseExecValue),
    restart,
    restartSec: parseTimespan(last(s, "RestartSec"), 100),
    restartPreventExitStatus: words(s, "RestartPreventExitStatus").map(Number).filter(Number.isInteger),
    remainAfterExit: /^(yes|true|1|on)$/i.test(last(s, "RemainAfterExit") ?? ""),
    user: last(s, "User"),
    group: last(s, "Group"),
    workingDirectory: last(s, "WorkingDirectory"),
    environment: all(s, "Environment"),
    environmentFiles: all(s, "EnvironmentFile"),
    killMode: (last(s, "KillMode") ?? "control-group") as Unit["killMode"],
    timeoutStopSec: Math.min(parseTimespan(last(s, "TimeoutStopSec") ?? last(s, "TimeoutSec"), 90_000), 90_000),
    runtimeDirectory: words(s, "RuntimeDirectory"),
    runtimeDirectoryMode: parseInt(last(s, "RuntimeDirectoryMode") ?? "0755", 8),
    startLimitIntervalSec: parseTimespan(last(u, "StartLimitIntervalSec") ?? last(s, "StartLimitInterval") ?? last(u, "StartLimitInterval"), 10_000),
    startLimitBurst: Number(last(u, "StartLimitBurst") ?? last(s, "StartLimitBurst") ?? 5),
    wantedBy: words(i, "WantedBy"),
    requiredBy: words(i, "RequiredBy"),
    alias: words(i, "Alias"),
    hasInstallSection: !!i && (words(i, "WantedBy").length > 0 || words(i, "RequiredBy").length > 0 || words(i, "Alias").length > 0 || words(i, "Also").length > 0),
  };
};

/** Where the unit file named `name` is, following alias symlinks; undefined when no unit directory has it. */
export const findUnitFile = (name: string, root = "/"): { file: string; realName: string } | undefined => {
  for (const dir of UNIT_DIRS) {
    const candidate = path.join(root, dir, name);
    if (!existsSync(candidate)) continue;
    const stat = lstatSync(candidate);
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(candidate);
      if (target === "/dev/null") return undefined; // masked
      const targetName = path.basename(target);
      const resolved = path.isAbsolute(target) ? path.join(root, target) : path.resolve(path.dirname(candidate), target);
      return { file: resolved.slice(root === "/" ? 0 : root.length) || resolved, realName: targetName };
    }
    return { file: path.join(dir, name), realName: name };
  }
  return undefined;
};

/** Loads a unit by name (`istio` or `istio.service`); undefined when it does not exist. */
export const loadUnit = (arg: string, root = "/"): Unit | undefined => {
  const name = unitName(arg);
  const found = findUnitFile(name, root);
  if (!found) return undefined;
  const text = readFileSync(path.join(root, found.file), "utf8");
  return unitFromSections(found.realName, found.file, parseUnitText(text));
};

/** Symlinks that enable `unit` (in <target>.wants/ and aliases) under /etc/systemd/system. */
const enablementLinks = (unit: Unit): Array<{ link: string; target: string }> => [
  ...[...unit.wantedBy.map((t) => `${t}.wants`), ...unit.requiredBy.map((t) => `${t}.requires`)].map((dir) => ({
    link: path.join("/etc/systemd/system", dir, unit.name),
    target: unit.path,
  })),
  ...unit.alias.map((alias) => ({ link: path.join("/etc/systemd/system", alias), target: unit.path })),
];

/** `enabled`, `disabled` or `static` (no [Install] section), as `systemctl is-enabled` prints. */
export const enablementState = (unit: Unit, root = "/"): "enabled" | "disabled" | "static" => {
  if (!unit.hasInstallSection) return "static";
  const wants = enablementLinks(unit).filter((l) => !unit.alias.some((a) => l.link.endsWith(`/${a}`)));
  return wants.some((l) => existsSync(path.join(root, l.link)) || isLink(path.join(root, l.link))) ? "enabled" : "disabled";
};

const isLink = (p: string): boolean => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Creates the enablement symlinks; returns the `[link, target]` pairs it created. */
export const enableUnit = (unit: Unit, root = "/"): Array<[string, string]> => {
  const created: Array<[string, string]> = [];
  for (const { link, target } of enablementLinks(unit)) {
    const full = path.join(root, link);
    if (isLink(full) || existsSync(full)) continue;
    mkdirSync(path.dirname(full), { recursive: true });
    symlinkSync(target, full);
    created.push([link, target]);
  }
  return created;
};

/** Removes the enablement symlinks that point at the unit; returns the links it removed. */
export const disableUnit = (unit: Unit, root = "/"): string[] => {
  const removed: string[] = [];
  for (const { link } of enablementLinks(unit)) {
    const full = path.join(root, link);
    if (!isLink(full)) continue;
    unlinkSync(full);
    removed.push(link);
  }
  return removed;
};

/** Names of the services a boot into multi-user.target starts (symlink names in multi-user.target.wants). */
export const enabledAtBoot = (root = "/"): string[] => {
  const dir = path.join(root, "/etc/systemd/system/multi-user.target.wants");
  try {
    return readdirSync(dir).filter((n) => n.endsWith(".service")).sort();
  } catch {
    return [];
  }
};
