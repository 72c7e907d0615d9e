// The lab's programs the package ships under /usr/local/lib/istio-lab, bundled with esbuild into single ESM files
// (the VM has Node.js as "hardware" but no node_modules): the capture step (guest/istio-iptables.ts) and the agent
// bundle (lab/istio/agent's buildAgentBundle).
import { build } from "esbuild";
import { readdir, readFile, rm, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IPTABLES_BUNDLE } from "./launchers.js";

/** A built program file (name under /usr/local/lib/istio-lab). */
export interface ProgramFile {
  name: string;
  content: Buffer;
  mode?: number;
}

/** The ESM banner that gives a bundle a real `require` (some dependencies call it on Node built-ins). */
export const REQUIRE_BANNER = 'import { createRequire as __labCreateRequire } from "node:module"; const require = __labCreateRequire(import.meta.url);';

/** Bundles the capture step into `<outDir>/istio-iptables.mjs`; returns it as a program file. */
export const bundleIptablesStep = async (outDir: string): Promise<ProgramFile> => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, IPTABLES_BUNDLE);
  await build({
    entryPoints: [path.join(here, "guest", "istio-iptables.js")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
    banner: { js: REQUIRE_BANNER },
  });
  return { name: IPTABLES_BUNDLE, content: await readFile(outfile) };
};

/** Every regular file of a bundle folder, as program files (names relative to the folder). */
export const readProgramDir = async (dir: string): Promise<ProgramFile[]> => {
  const out: ProgramFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const name = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) out.push({ name, content: await readFile(path.join(dir, name)), ...(entry.name.endsWith(".node") ? { mode: 0o755 } : {}) });
    }
  };
  await walk("");
  return out.sort((a, b) => a.name.localeCompare(b.name));
};

/** Removes a scratch folder. */
export const removeScratch = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });
