// Process helpers of the service manager: users from /etc/passwd, descendants from /proc, exit statuses as systemd
// names them.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { constants } from "node:os";

/** A user account from /etc/passwd. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Looks a user up in /etc/passwd (by name or numeric id). */
export const lookupUser = (user: string, root = "/"): Account | undefined => {
  const text = readFileSync(`${root === "/" ? "" : root}/etc/passwd`, "utf8");
  for (const line of text.split("\n")) {
    const [name, , uid, gid, , home, shell] = line.split(":");
    if (!name || uid === undefined || gid === undefined) continue;
    if (name === user || uid === user) return { name, uid: Number(uid), gid: Number(gid), home: home ?? "/", shell: shell ?? "/bin/sh" };
  }
  return undefined;
};

/** Looks a group id up in /etc/group (by name or number). */
export const lookupGroup = (group: string, root = "/"): number | undefined => {
  if (/^\d+$/.test(group)) return Number(group);
  const text = readFileSync(`${root === "/" ? "" : root}/etc/group`, "utf8");
  const line = text.split("\n").find((l) => l.split(":")[0] === group);
  return line ? Number(line.split(":")[2]) : undefined;
};

/** Parent pid of a live process, or undefined. */
const parentOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
};

/** Every live descendant of `pid` (children, grandchildren…), in tree order with depth. */
export const descendants = (pid: number): Array<{ pid: number; depth: number }> => {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = Number(entry);
    const parent = parentOf(p);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  const out: Array<{ pid: number; depth: number }> = [];
  const walk = (p: number, depth: number) => {
    for (const c of (children.get(p) ?? []).sort((a, b) => a - b)) {
      out.push({ pid: c, depth });
      walk(c, depth + 1);
    }
  };
  walk(pid, 1);
  return out;
};

/** The command line of a process as `ps` would show it. */
export const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
};

/** The short name of a process (/proc/<pid>/comm). */
export const commandName = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
};

const exitNames: Record<number, string> = {
  0: "SUCCESS",
  1: "FAILURE",
  2: "INVALIDARGUMENT",
  3: "NOTIMPLEMENTED",
  4: "NOPERMISSION",
  5: "NOTINSTALLED",
  6: "NOTCONFIGURED",
  7: "NOTRUNNING",
  200: "CHDIR",
  203: "EXEC",
  217: "USER",
};

/** systemd's `status=` text for an exit code or signal (`1/FAILURE`, `15/TERM`). */
export const exitStatusText = (code: number | null, signal: NodeJS.Signals | null): string => {
  if (signal) {
    const number = (constants.signals as Record<string, number>)[signal] ?? 0;
    return `${number}/${signal.replace(/^SIG/, "")}`;
  }
  const c = code ?? 0;
  return exitNames[c] ? `${c}/${exitNames[c]}` : String(c);
};


/** Socket inodes a process holds open (from /proc/<pid>/fd). */
const socketInodes = (pid: number): Set<string> => {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // fd closed meanwhile
      }
    }
  } catch {
    // process gone
  }
  return inodes;
};

/** Inodes of listening sockets in this network namespace: TCP in LISTEN (0A) and unix sockets accepting connections. */
const listeningInodes = (): Set<string> => {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[3] === "0A" && f[9]) inodes.add(f[9]);
      }
    } catch {
      // no IPv6
    }
  }
  try {
    for (const line of readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === "00010000" && f[6]) inodes.add(f[6]);
    }
  } catch {
    // ignore
  }
  return inodes;
};

/** True when `pid` (or one of its descendants) has a listening socket: the stand-in's readiness signal for Type=notify
 * services (sshd, dockerd), which tell systemd READY=1 once they listen. */
export const isListening = (pid: number): boolean => {
  const listening = listeningInodes();
  return [pid, ...descendants(pid).map((d) => d.pid)].some((p) => [...socketInodes(p)].some((inode) => listening.has(inode)));
};
