// Removes a folder the lab built (a rootfs, a disk) safely: unmounts whatever is still mounted below it first and never
// crosses into another filesystem, so a leftover /proc or bind mount can never lead rm into the host's files.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { host } from "../net/ip.js";

/** Mount points (as the kernel lists them in /proc/self/mounts) equal to or below `dir`, deepest first. */
export const mountsBelow = async (dir: string, mountsFile = "/proc/self/mounts"): Promise<string[]> => {
  const root = path.resolve(dir);
  const text = await readFile(mountsFile, "utf8");
  return text
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((p): p is string => !!p)
    // /proc/mounts escapes spaces and tabs as octal
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
};

/** Unmounts everything below `dir` (lazily, deepest first) then deletes it without crossing filesystems. Idempotent. */
export const removeTree = async (dir: string): Promise<void> => {
  for (const mountPoint of await mountsBelow(dir)) {
    await host(["umount", "-l", mountPoint], { allowFailure: true });
  }
  await host(["rm", "-rf", "--one-file-system", "--", path.resolve(dir)], { timeoutMs: 600_000 });
};
