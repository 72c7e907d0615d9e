// Files inside the lab VM for the Istio faults (read, written and removed as root through runInVm, so the VM's own
// symlinks resolve as in the VM), and the faults' memory on the host (`<state>/faults/<fault>/`): what a fault
// replaced, so `fault clear` can put it back. The student never sees the memory.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LabContext } from "../../cli/context.js";
import { runInVm } from "../../vm/exec.js";

/** Content of a VM file, or undefined when it does not exist. */
export const readVmFile = async (ctx: LabContext, file: string): Promise<string | undefined> => {
  const r = await runInVm(ctx, ["cat", "--", file], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout : undefined;
};

/** Writes a VM file (as root), then sets mode and owner when given; the folder must exist. */
export const writeVmFile = async (ctx: LabContext, file: string, content: string, { mode, owner }: { mode?: string; owner?: string } = {}): Promise<void> => {
  await runInVm(ctx, ["dd", "status=none", `of=${file}`], { input: content });
  if (mode) await runInVm(ctx, ["chmod", mode, "--", file]);
  if (owner) await runInVm(ctx, ["chown", owner, "--", file]);
};

/** Owner (user:group) and octal mode of a VM file, or undefined. */
export const vmFileOwnership = async (ctx: LabContext, file: string): Promise<{ owner: string; mode: string } | undefined> => {
  const r = await runInVm(ctx, ["stat", "-c", "%U:%G %a", "--", file], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const [owner = "root:root", mode = "644"] = r.stdout.trim().split(" ");
  return { owner, mode };
};

/** The host folder where a fault keeps what it replaced. */
export const faultMemoryDir = (ctx: LabContext, fault: string): string => path.join(ctx.paths.state, "faults", fault);

/** Saves a JSON record for a fault. */
export const remember = async (ctx: LabContext, fault: string, record: unknown): Promise<void> => {
  const dir = faultMemoryDir(ctx, fault);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dir, "record.json"), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
};

/** The fault's saved record, or undefined. */
export const recall = async <T>(ctx: LabContext, fault: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await readFile(path.join(faultMemoryDir(ctx, fault), "record.json"), "utf8")) as T;
  } catch {
    return undefined;
  }
};

/** Forgets a fault's record. */
export const forget = (ctx: LabContext, fault: string): Promise<void> => rm(faultMemoryDir(ctx, fault), { recursive: true, force: true });
