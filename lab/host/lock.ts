// A cross-process lock as a folder holding its owner's pid (mkdir is atomic); a lock whose owner died is taken over.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processStartTime } from "./pidfile.js";

const ownerOf = async (lock: string): Promise<number> => Number(await readFile(path.join(lock, "pid"), "utf8").catch(() => "0"));

/** Waits until the lock folder `lock` is ours; resolves with the function that releases it. */
export const acquireLock = async (lock: string, { pollMs = 250 }: { pollMs?: number } = {}): Promise<() => Promise<void>> => {
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, "pid"), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch {
      let owner = await ownerOf(lock);
      // A lock just created has no pid yet: look again before judging it abandoned.
      if (!owner) {
        await sleep(200);
        owner = await ownerOf(lock);
      }
      if (!owner || (await processStartTime(owner)) === undefined) await rm(lock, { recursive: true, force: true });
      else await sleep(pollMs);
    }
  }
};
