// Runs the host's networking tools (ip, iptables, sysctl) as argv arrays and reports failures with their stderr.
import { execFile } from "node:child_process";

/** Result of one host command. */
export interface HostCommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Error thrown when a host command the lab needs fails. */
export class HostCommandError extends Error {
  constructor(readonly argv: readonly string[], readonly result: HostCommandResult) {
    super(`${argv.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = "HostCommandError";
  }
}

/** Runs argv on the host; throws HostCommandError on a non-zero exit unless `allowFailure`. */
export const host = async (
  argv: readonly string[],
  options: { allowFailure?: boolean; input?: string; timeoutMs?: number } = {},
): Promise<HostCommandResult> => {
  const [file, ...args] = argv;
  if (!file) throw new Error("empty argv");
  const result = await new Promise<HostCommandResult>((resolve) => {
    const child = execFile(
      file,
      args,
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as NodeJS.ErrnoException).code === "number" ? Number((error as NodeJS.ErrnoException).code) : child.exitCode ?? 127) : 0;
        resolve({ stdout, stderr: stderr || (error && !stderr ? String(error.message) : ""), exitCode: code });
      },
    );
    // A program that exits without reading all its input (ip -batch on an error) must not crash the lab (EPIPE).
    child.stdin?.on("error", () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
  if (result.exitCode !== 0 && !options.allowFailure) throw new HostCommandError(argv, result);
  return result;
};

/** Runs argv inside network namespace `netns` (`ip netns exec`). */
export const inNetns = (
  netns: string,
  argv: readonly string[],
  options: { allowFailure?: boolean; input?: string; timeoutMs?: number } = {},
): Promise<HostCommandResult> => host(["ip", "netns", "exec", netns, ...argv], options);
