// Runs a long host command (debootstrap, ssh-keygen) streaming its output line by line, keeping a full log on disk.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** Result of a streamed command: exit code and the last lines it printed (for error messages). */
export interface StreamedResult {
  exitCode: number;
  tail: string[];
}

/** Options of runStreamed. */
export interface StreamedOptions {
  argv: readonly string[];
  /** Called with every complete output line (stdout and stderr interleaved). */
  onLine?: (line: string) => void;
  /** Every byte of output is appended here too. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  /** How many trailing lines to keep for the result. */
  tailLines?: number;
}

/** Runs argv to completion, calling onLine for each output line; never throws for a non-zero exit (see exitCode). */
export const runStreamed = async ({ argv, onLine, logFile, env, tailLines = 20 }: StreamedOptions): Promise<StreamedResult> => {
  const [file, ...args] = argv;
  if (!file) throw new Error("empty argv");
  const log = logFile ? createWriteStream(logFile, { flags: "a" }) : undefined;
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  const tail: string[] = [];
  const splitter = () => {
    let pending = "";
    return (chunk: Buffer) => {
      log?.write(chunk);
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > tailLines) tail.shift();
        onLine?.(line);
      }
    };
  };
  child.stdout.on("data", splitter());
  child.stderr.on("data", splitter());
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  if (log) {
    log.end();
    await once(log, "close");
  }
  return { exitCode: code ?? (signal ? 128 : 1), tail };
};
