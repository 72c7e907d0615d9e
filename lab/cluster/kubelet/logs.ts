// Container logs in the CRI format a real kubelet keeps (`<time> stdout|stderr F|P <text>`, one file per container
// instance under <logs>/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log), and reading them like `kubectl logs`.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { LogRequest } from "../contracts.js";

/** Folder of one container's log files. */
export const containerLogDir = (logsRoot: string, pod: { namespace: string; name: string; uid: string }, container: string): string =>
  path.join(logsRoot, "pods", `${pod.namespace}_${pod.name}_${pod.uid}`, container);

/** RFC3339 with nanoseconds (the clock has milliseconds; the rest is padding). */
const nanoTime = (d = new Date()): string => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

/** Writes one container instance's stdout and stderr into its CRI log file. */
export class ContainerLogWriter {
  private readonly out: WriteStream;
  private readonly partial = { stdout: "", stderr: "" };

  private constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: "a" });
    this.out.on("error", () => undefined);
  }

  /** Opens (appending) `<dir>/<restartCount>.log`. */
  static async open(dir: string, restartCount: number): Promise<ContainerLogWriter> {
    await mkdir(dir, { recursive: true });
    return new ContainerLogWriter(path.join(dir, `${restartCount}.log`));
  }

  /** Appends a chunk of a stream; complete lines are written as they come. */
  write(stream: "stdout" | "stderr", chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const lines = text.split("\n");
    this.partial[stream] = lines.pop() ?? "";
    const now = nanoTime();
    for (const line of lines) this.out.write(`${now} ${stream} F ${line}\n`);
    // very long lines without a newline are flushed as partial records, like the CRI does at 16 KiB
    if (this.partial[stream].length > 16_384) {
      this.out.write(`${now} ${stream} P ${this.partial[stream]}\n`);
      this.partial[stream] = "";
    }
  }

  /** Flushes unterminated lines and closes the file. */
  async close(): Promise<void> {
    const now = nanoTime();
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream]) this.out.write(`${now} ${stream} F ${this.partial[stream]}\n`);
      this.partial[stream] = "";
    }
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
  }
}

/** Log files of a container, oldest instance first. */
export const containerLogFiles = async (dir: string): Promise<string[]> => {
  try {
    return (await readdir(dir))
      .filter((n) => /^\d+\.log$/.test(n))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
};

/** Removes every log of a pod. */
export const removePodLogs = async (logsRoot: string, pod: { namespace: string; name: string; uid: string }): Promise<void> => {
  await rm(path.dirname(containerLogDir(logsRoot, pod, "x")), { recursive: true, force: true });
};

interface ParsedLine {
  time: string;
  text: string;
  partial: boolean;
}

const parseLine = (line: string): ParsedLine | undefined => {
  const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(line);
  return m ? { time: m[1]!, text: m[4]!, partial: m[3] === "P" } : undefined;
};

const formatLine = (l: ParsedLine, timestamps: boolean): string => `${timestamps ? `${l.time} ` : ""}${l.text}${l.partial ? "" : "\n"}`;

/** Streams the log of one container instance as kubectl prints it; with `follow`, keeps reading while `active()`. */
export async function* readContainerLog(file: string, request: Pick<LogRequest, "timestamps" | "tailLines" | "sinceSeconds" | "sinceTime" | "limitBytes" | "follow" | "signal">, active: () => boolean): AsyncGenerator<Buffer> {
  const since = request.sinceTime ? Date.parse(request.sinceTime) : request.sinceSeconds !== undefined ? Date.now() - request.sinceSeconds * 1000 : undefined;
  let budget = request.limitBytes ?? Infinity;
  const emit = (l: ParsedLine): Buffer | undefined => {
    if (since !== undefined && Date.parse(l.time) < since) return undefined;
    let b = Buffer.from(formatLine(l, Boolean(request.timestamps)));
    if (b.length > budget) b = b.subarray(0, budget);
    budget -= b.length;
    return b;
  };
  let position = 0;
  let pending = "";
  const readMore = async (): Promise<ParsedLine[]> => {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return [];
    }
    if (size <= position) return [];
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(size - position);
      await fh.read(buf, 0, buf.length, position);
      position = size;
      const lines = (pending + buf.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      return lines.map(parseLine).filter((l): l is ParsedLine => l !== undefined);
    } finally {
      await fh.close();
    }
  };
  let first = await readMore();
  if (request.tailLines !== undefined) first = request.tailLines <= 0 ? [] : first.slice(-request.tailLines);
  for (const l of first) {
    const b = emit(l);
    if (b?.length) yield b;
    if (budget <= 0) return;
  }
  if (!request.follow) return;
  while (!request.signal?.aborted) {
    const wasActive = active();
    for (const l of await readMore()) {
      const b = emit(l);
      if (b?.length) yield b;
      if (budget <= 0) return;
    }
    if (!wasActive) return;
    await sleep(200);
  }
}
