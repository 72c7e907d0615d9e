// Records of the processes the lab starts (`<run>/<name>.pid`): pid plus kernel start time, so a recycled pid is never
// mistaken for ours and `down` can kill exactly what the lab made.
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** What the lab remembers about one process it started. */
export interface ProcessRecord {
  name: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
  startTime: string;
}

/** Start time of a live process (field 22 of /proc/<pid>/stat), or undefined when it does not exist. */
export const processStartTime = async (pid: number): Promise<string | undefined> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (state === "Z" || state === "X") return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
};

const recordPath = (runDir: string, name: string): string => path.join(runDir, `${name}.pid`);

/** Writes the record of `pid` under `name` (reads its start time now). */
export const recordProcess = async (runDir: string, name: string, pid: number): Promise<ProcessRecord> => {
  const startTime = await processStartTime(pid);
  if (startTime === undefined) throw new Error(`process ${pid} (${name}) is not running`);
  const record: ProcessRecord = { name, pid, startTime };
  await mkdir(runDir, { recursive: true });
  await writeFile(recordPath(runDir, name), `${JSON.stringify(record)}\n`);
  return record;
};

/** Reads the record named `name`, or undefined. */
export const readProcessRecord = async (runDir: string, name: string): Promise<ProcessRecord | undefined> => {
  try {
    const record = JSON.parse(await readFile(recordPath(runDir, name), "utf8")) as Partial<ProcessRecord> | null;
    // run/ also holds plain pid files of other writers (the cluster daemon's cluster.pid): only full records count.
    if (typeof record !== "object" || record === null || typeof record.pid !== "number" || typeof record.startTime !== "string") return undefined;
    return { name: typeof record.name === "string" ? record.name : name, pid: record.pid, startTime: record.startTime };
  } catch {
    return undefined;
  }
};

/** Every record under runDir. */
export const listProcessRecords = async (runDir: string): Promise<ProcessRecord[]> => {
  let names: string[];
  try {
    names = await readdir(runDir);
  } catch {
    return [];
  }
  const records = await Promise.all(
    names.filter((n) => n.endsWith(".pid")).map((n) => readProcessRecord(runDir, n.slice(0, -".pid".length))),
  );
  return records.filter((r): r is ProcessRecord => r !== undefined);
};

/** True when the recorded process is still the same running process. */
export const isAlive = async (record: ProcessRecord): Promise<boolean> => {
  const started = await processStartTime(record.pid);
  return started !== undefined && started === record.startTime;
};

/** Deletes the record file. */
export const forgetProcess = async (runDir: string, name: string): Promise<void> => {
  await rm(recordPath(runDir, name), { force: true });
};

/** Sends `signal` to the recorded process (if it is still ours), waits up to graceMs, then SIGKILLs it and waits until
 * it is gone. Returns true when a process was signalled. */
export const stopRecordedProcess = async (
  record: ProcessRecord,
  { signal = "SIGTERM", graceMs = 10_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<boolean> => {
  if (!(await isAlive(record))) return false;
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(record.pid, sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  for (let waited = 0; waited < graceMs; waited += 50) {
    if (!(await isAlive(record))) return true;
    await sleep(50);
  }
  send("SIGKILL");
  while (await isAlive(record)) await sleep(50);
  return true;
};
