// `kubectl exec` inside a pod: the command runs in the sandbox's namespaces with the container's environment and
// user. With a TTY it runs under util-linux `script`, which gives it a pseudo-terminal (stderr then merges into
// stdout, as with a real TTY); resize sets the pty's size with stty and signals the process group (SIGWINCH).
import { spawn } from "node:child_process";
import { readFile, readlink } from "node:fs/promises";
import type { ExecSession } from "../contracts.js";
import { host } from "../../net/ip.js";
import { resolveExecutable } from "./container-process.js";
import { enterSandboxArgv, type PodSandbox } from "./sandbox.js";

/** Quotes one argument for the POSIX shell `script -c` hands the command to (the only shell string here). */
export const shellQuote = (arg: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/** An ExecSession whose output is kept until the first listener is attached. */
class BufferedSession implements ExecSession {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outListeners: Array<(c: Buffer) => void> = [];
  private errListeners: Array<(c: Buffer) => void> = [];
  exited!: Promise<{ exitCode: number | null; signal: string | null }>;

  constructor(private readonly hooks: { write?: (b: Buffer) => void; close?: () => void; resize?: (s: { width: number; height: number }) => void; kill?: () => void }) {}

  pushOut(chunk: Buffer): void {
    if (this.outListeners.length) for (const l of this.outListeners) l(chunk);
    else this.out.push(chunk);
  }
  pushErr(chunk: Buffer): void {
    if (this.errListeners.length) for (const l of this.errListeners) l(chunk);
    else this.err.push(chunk);
  }
  writeStdin(chunk: Buffer): void {
    this.hooks.write?.(chunk);
  }
  closeStdin(): void {
    this.hooks.close?.();
  }
  resize(size: { width: number; height: number }): void {
    this.hooks.resize?.(size);
  }
  onStdout(listener: (chunk: Buffer) => void): void {
    this.outListeners.push(listener);
    for (const c of this.out.splice(0)) listener(c);
  }
  onStderr(listener: (chunk: Buffer) => void): void {
    this.errListeners.push(listener);
    for (const c of this.err.splice(0)) listener(c);
  }
  kill(): void {
    this.hooks.kill?.();
  }
}

/** Options of startExecSession. */
export interface ExecOptions {
  sandbox: PodSandbox;
  env: Map<string, string>;
  workingDir: string;
  runAsUser?: number;
  runAsGroup?: number;
  command: string[];
  stdin: boolean;
  tty: boolean;
}

/** Starts `command` in the pod; a command that does not exist ends at once with exit code 126, like runc's. */
export const startExecSession = async (o: ExecOptions): Promise<ExecSession> => {
  const [command] = o.command;
  if (!command || !(await resolveExecutable(command, o.env.get("PATH") ?? "", o.workingDir))) {
    const s = new BufferedSession({});
    s.exited = Promise.resolve({ exitCode: 126, signal: null });
    s.pushOut(Buffer.from(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${command ?? ""}": executable file not found in $PATH: unknown\r\n`));
    return s;
  }
  const user = o.runAsUser !== undefined && o.runAsUser !== 0 ? ["setpriv", `--reuid=${o.runAsUser}`, `--regid=${o.runAsGroup ?? o.runAsUser}`, "--clear-groups", "--"] : [];
  const inner = [...user, ...o.command];
  const argv = [
    ...enterSandboxArgv(o.sandbox).slice(0, -1),
    `--wd=${o.workingDir}`,
    "--",
    ...(o.tty ? ["script", "--quiet", "--return", "--command", inner.map(shellQuote).join(" "), "/dev/null"] : inner),
  ];
  const env = new Map(o.env);
  if (o.tty && !env.has("TERM")) env.set("TERM", "xterm");
  if (o.tty) env.set("SHELL", "/bin/sh");
  const child = spawn(argv[0]!, argv.slice(1), { env: Object.fromEntries(env), stdio: ["pipe", "pipe", "pipe"], detached: true });
  const pid = child.pid;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // gone
    }
  };
  const s = new BufferedSession({
    write: (b) => void child.stdin!.write(b),
    close: () => void child.stdin!.end(),
    kill: () => signalGroup("SIGKILL"),
    resize: ({ width, height }) => {
      if (!o.tty || pid === undefined) return;
      void (async () => {
        try {
          // the pty is the stdin of script's child
          const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(/\s+/).filter(Boolean);
          const pty = await readlink(`/proc/${children[0]}/fd/0`);
          await host(["stty", "-F", pty, "rows", String(height), "cols", String(width)], { allowFailure: true });
          signalGroup("SIGWINCH");
        } catch {
          // the process is gone or has no pty yet
        }
      })();
    },
  });
  if (!o.stdin) child.stdin!.end();
  child.stdin!.on("error", () => undefined);
  child.stdout!.on("data", (c: Buffer) => s.pushOut(c));
  child.stderr!.on("data", (c: Buffer) => s.pushErr(c));
  s.exited = new Promise((resolve) => {
    child.once("error", () => resolve({ exitCode: 126, signal: null }));
    child.once("close", (code, signal) => resolve({ exitCode: code, signal }));
  });
  return s;
};
