// Builds the lab's SO_ORIGINAL_DST addon (lab/native/origdst.c) with gcc against Node's headers into the lab cache.
// The output name carries a hash of the source, so an edited source is rebuilt and an unchanged one is reused.
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { host } from "../net/ip.js";
import { labPaths, projectRoot } from "../paths.js";

/** Where the addon's C source lives in the checkout. */
export const origDstSourcePath = (root: string = projectRoot()): string => path.join(root, "lab", "native", "origdst.c");

/** Folder of built native addons inside the lab cache. */
export const nativeCacheDir = (cacheDir: string = labPaths().cache): string => path.join(cacheDir, "native");

/** The cached addon's path for a given source text (origdst-<sha256 prefix>.node). */
export const origDstAddonPath = (sourceText: string, cacheDir?: string): string =>
  path.join(nativeCacheDir(cacheDir), `origdst-${createHash("sha256").update(sourceText).digest("hex").slice(0, 16)}.node`);

/** Options of buildOrigDstAddon. */
export interface BuildAddonOptions {
  /** Lab cache folder (default: labPaths().cache). */
  cacheDir?: string;
  /** Folder with node_api.h (default /usr/include/node). */
  nodeIncludeDir?: string;
  /** C compiler (default gcc). */
  compiler?: string;
  /** Rebuild even when the cached file exists. */
  force?: boolean;
}

/** Result of a build: the addon's path and whether it was compiled now. */
export interface BuildAddonResult {
  path: string;
  built: boolean;
}

const exists = async (file: string): Promise<boolean> => {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
};

/** Compiles origdst.c into the cache unless an addon for the same source is already there. */
export const buildOrigDstAddon = async ({
  cacheDir,
  nodeIncludeDir = "/usr/include/node",
  compiler = "gcc",
  force = false,
}: BuildAddonOptions = {}): Promise<BuildAddonResult> => {
  const source = origDstSourcePath();
  const text = await readFile(source, "utf8");
  const target = origDstAddonPath(text, cacheDir);
  if (!force && (await exists(target))) return { path: target, built: false };
  if (!(await exists(path.join(nodeIncludeDir, "node_api.h")))) {
    throw new Error(
      `cannot build the SO_ORIGINAL_DST addon: ${nodeIncludeDir}/node_api.h is missing (install Node.js headers, e.g. the Debian package libnode-dev or nodejs-dev)`,
    );
  }
  await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  const partial = `${target}.${process.pid}.tmp`;
  try {
    await host([compiler, "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", `-I${nodeIncludeDir}`, "-o", partial, source]);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return { path: target, built: true };
};
