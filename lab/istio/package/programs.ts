// The lab's programs the package ships under /usr/local/lib/istio-lab, bundled with esbuild into single ESM files
// (the VM has Node.js as "hardware" but no node_modules): the capture step (guest/istio-iptables.ts), pilot-agent
// (lab/istio/agent, with the release baked in), Envoy's stand-in (lab/istio/proxy) and the SO_ORIGINAL_DST addon
// (origdst.node, next to the agent, where it looks for it).
import { build } from "esbuild";
import { NODE_ESM_BUNDLE } from "../../bundle/esm.js";
import { readdir, readFile, rm, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOrigDstAddon } from "../../native/build.js";
import type { PackagePrograms } from "./contents.js";
import { IPTABLES_BUNDLE, LAB_PROGRAM_DIR } from "./launchers.js";

/** A built program file (name under /usr/local/lib/istio-lab). */
export interface ProgramFile {
  name: string;
  content: Buffer;
  mode?: number;
}

/** Bundle names under /usr/local/lib/istio-lab. */
export const AGENT_BUNDLE = "pilot-agent.mjs";
export const ENVOY_BUNDLE = "envoy.mjs";
export const ADDON_FILE = "origdst.node";

/** Compiled entry points next to this module in dist/. */
const distEntry = (...parts: string[]): string => path.join(path.dirname(fileURLToPath(import.meta.url)), ...parts);

/** Bundles one compiled entry point into `<outDir>/<name>`; returns it as a program file. */
const bundleEntry = async ({ entry, outDir, name, define }: { entry: string; outDir: string; name: string; define?: Record<string, string> }): Promise<ProgramFile> => {
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, name);
  await build({
    entryPoints: [entry],
    outfile,
    ...NODE_ESM_BUNDLE,
    ...(define ? { define } : {}),
  });
  return { name, content: await readFile(outfile) };
};

/** Bundles the capture step into `<outDir>/istio-iptables.mjs`; returns it as a program file. */
export const bundleIptablesStep = (outDir: string): Promise<ProgramFile> => bundleEntry({ entry: distEntry("guest", "istio-iptables.js"), outDir, name: IPTABLES_BUNDLE });

/** Everything a release's package ships from the lab, and how its launchers start it. */
export const buildPackagePrograms = async ({ version, outDir, cacheDir }: { version: string; outDir: string; cacheDir: string }): Promise<PackagePrograms> => {
  const addon = await buildOrigDstAddon({ cacheDir });
  const files: ProgramFile[] = [
    await bundleIptablesStep(outDir),
    await bundleEntry({ entry: distEntry("..", "agent", "main.js"), outDir, name: AGENT_BUNDLE, define: { __LAB_ISTIO_VERSION__: JSON.stringify(version) } }),
    await bundleEntry({ entry: distEntry("..", "proxy", "main.js"), outDir, name: ENVOY_BUNDLE }),
    { name: ADDON_FILE, content: await readFile(addon.path), mode: 0o755 },
  ];
  return {
    files,
    targets: { agent: AGENT_BUNDLE, envoy: ENVOY_BUNDLE, envoyArgs: ["--istio-version", version], env: { LAB_ORIGDST_ADDON: `${LAB_PROGRAM_DIR}/${ADDON_FILE}` } },
  };
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
