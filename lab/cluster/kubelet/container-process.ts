// One container instance as a real process: the sandbox's namespaces (nsenter), the container's uid/gid (setpriv),
// working directory and environment; stdout/stderr into its log file; recorded by pid for `lab down`.
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { forgetProcess, recordProcess } from "../../host/pidfile.js";
import type { ContainerLogWriter } from "./logs.js";
import { enterSandboxArgv, type PodSandbox } from "./sandbox.js";

/** How a container instance ended. */
export interface ContainerExit {
  exitCode: number;
  signal: string | null;
  finishedAt: string;
}

/** A started container instance. */
export interface RunningContainer {
  readonly pid: number;
  readonly startedAt: string;
  /** Resolves when the process ended and its output is in the log file. */
  readonly exited: Promise<ContainerExit>;
  /** Signals the container's process group. */
  signal(signal: NodeJS.Signals): void;
}

/** Thrown when the container's process cannot be started (the runtime's StartError). */
export class ContainerStartError extends Error {
  override name = "ContainerStartError";
}

/** Finds `command` like an exec in the container would (absolute, relative to workingDir, or on PATH). */
export const resolveExecutable = async (command: string, pathVar: string, workingDir: string): Promise<string | undefined> => {
  const candidates = command.includes("/") ? [path.resolve(workingDir, command)] : pathVar.split(":").filter(Boolean).map((d) => path.join(d, command));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  return undefined;
};

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** Options of startContainerProcess. */
export interface StartContainerOptions {
  sandbox: PodSandbox;
  /** The full command (entrypoint + args), already expanded. */
  argv: string[];
  env: Map<string, string>;
  workingDir: string;
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  log: ContainerLogWriter;
  runDir: string;
  /** Name of the pid record (`kubelet-<short>-<container>`). */
  recordName: string;
}

/** Starts a container instance; throws ContainerStartError when its executable does not exist. */
export const startContainerProcess = async (o: StartContainerOptions): Promise<RunningContainer> => {
  const [command] = o.argv;
  if (!command) throw new ContainerStartError("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: no command specified: unknown");
  const pathVar = o.env.get("PATH") ?? "";
  if (!(await resolveExecutable(command, pathVar, o.workingDir))) {
    throw new ContainerStartError(
      `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${command}": ${command.includes("/") ? "stat " + command + ": no such file or directory" : "executable file not found in $PATH"}: unknown`,
    );
  }
  const user = o.runAsUser !== undefined && o.runAsUser !== 0
    ? ["setpriv", `--reuid=${o.runAsUser}`, `--regid=${o.runAsGroup ?? o.runAsUser}`, o.supplementalGroups?.length ? `--groups=${o.supplementalGroups.join(",")}` : "--clear-groups", "--"]
    : o.runAsGroup !== undefined
      ? ["setpriv", `--regid=${o.runAsGroup}`, "--clear-groups", "--"]
      : [];
  const [file, ...args] = [...enterSandboxArgv(o.sandbox).slice(0, -1), `--wd=${o.workingDir}`, "--", ...user, ...o.argv];
  const child = spawn(file!, args, { env: Object.fromEntries(o.env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const startedAt = new Date().toISOString();
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  if (child.pid === undefined) throw new ContainerStartError(`failed to start ${command}: ${(await spawnError).message}`);
  const pid = child.pid;
  child.stdout!.on("data", (chunk: Buffer) => o.log.write("stdout", chunk));
  child.stderr!.on("data", (chunk: Buffer) => o.log.write("stderr", chunk));
  const exited = new Promise<ContainerExit>((resolve) => {
    child.once("close", (code, signal) => {
      const finishedAt = new Date().toISOString();
      void (async () => {
        await o.log.close();
        await forgetProcess(o.runDir, o.recordName);
        resolve({ exitCode: code ?? 128 + (SIGNALS[signal ?? ""] ?? 0), signal, finishedAt });
      })();
    });
  });
  try {
    await recordProcess(o.runDir, o.recordName, pid);
  } catch {
    // it already exited: `exited` tells how
  }
  return {
    pid,
    startedAt,
    exited,
    signal: (sig) => {
      try {
        process.kill(-pid, sig);
      } catch {
        try {
          process.kill(pid, sig);
        } catch {
          // gone
        }
      }
    },
  };
};
