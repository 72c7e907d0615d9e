// `systemctl status` output in systemd 252's shape (Debian bookworm): state glyph, Loaded:, Active:, processes,
// Main PID:, CGroup: tree, and the unit's last journal lines.
import { commandLine, commandName, descendants } from "./processes.js";
import { journalTail, type UnitState } from "./state.js";
import { enablementState, type Unit } from "./units.js";

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** `Tue 2025-11-25 15:30:01 UTC` (local time; the VM runs on UTC). */
export const statusTimestamp = (d: Date): string => {
  const p = (n: number) => String(n).padStart(2, "0");
  const offset = -d.getTimezoneOffset();
  const zone = offset === 0 ? "UTC" : `${offset > 0 ? "+" : "-"}${p(Math.floor(Math.abs(offset) / 60))}${p(Math.abs(offset) % 60)}`;
  return `${days[d.getDay()]} ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone}`;
};

/** systemd's relative time (`345ms`, `5s`, `4min 3s`, `1h 2min`, `3 days`). */
export const relativeSpan = (ms: number): string => {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}min ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}min`;
  return `${Math.floor(s / 86400)} days`;
};

/** The glyph before the unit name: ● active or changing, ○ inactive, × failed. */
const glyph = (state: UnitState | undefined): string => (!state || state.activeState === "inactive" ? "○" : state.activeState === "failed" ? "×" : "●");

/** Formats `systemctl status <unit>`; `withJournal` false hides the journal (non-root users). */
export const formatStatus = (unit: Unit, state: UnitState | undefined, { now = new Date(), withJournal = true } = {}): string[] => {
  const lines: string[] = [];
  lines.push(`${glyph(state)} ${unit.name} - ${unit.description}`);
  const enabled = enablementState(unit);
  lines.push(`     Loaded: loaded (${unit.path}; ${enabled}; preset: enabled)`);
  const since = state ? ` since ${statusTimestamp(new Date(state.since))}; ${relativeSpan(now.getTime() - new Date(state.since).getTime())} ago` : "";
  let active: string;
  if (!state) active = "inactive (dead)";
  else if (state.activeState === "failed") active = `failed (Result: ${state.result})${since}`;
  else if (state.activeState === "activating" && state.subState === "auto-restart") {
    active = `activating (auto-restart)${state.result === "success" ? "" : ` (Result: ${state.result})`}${since}`;
  }
  else active = `${state.activeState} (${state.subState})${since}`;
  lines.push(`     Active: ${active}`);
  unit.documentation.forEach((doc, i) => lines.push(`${i === 0 ? "       Docs:" : "            "} ${doc}`));
  for (const p of state?.processes ?? []) {
    if (state?.activeState === "inactive" && p.kind === "ExecStopPost") continue;
    lines.push(`    Process: ${p.pid} ${p.kind}=${p.raw} (code=${p.code}, status=${p.status})`);
  }
  if (state?.mainPid) {
    lines.push(`   Main PID: ${state.mainPid} (${commandName(state.mainPid)})`);
    const tree = [{ pid: state.mainPid, depth: 0 }, ...descendants(state.mainPid)];
    lines.push(`      Tasks: ${tree.length}`);
    lines.push(`     CGroup: /system.slice/${unit.name}`);
    tree.forEach((t, i) => lines.push(`             ${i === tree.length - 1 ? "└─" : "├─"}${t.pid} ${commandLine(t.pid)}`));
  } else if (state?.lastMain && state.activeState !== "inactive") {
    lines.push(`   Main PID: ${state.lastMain.pid} (code=${state.lastMain.code}, status=${state.lastMain.status})`);
  }
  if (withJournal) {
    const tail = journalTail(unit.name, 10);
    if (tail.length) lines.push("", ...tail);
  }
  return lines;
};
