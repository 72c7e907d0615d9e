// pilot-agent (with the data plane it runs in-process) bundled by esbuild into one ESM file a plain Node.js runs
// without node_modules — what the VM's sidecar package installs — with the release baked in and the SO_ORIGINAL_DST
// addon copied next to it as origdst.node (where the agent looks first).
import { build } from "esbuild";
import { NODE_ESM_BUNDLE } from "../../bundle/esm.js";
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOrigDstAddon } from "../../native/build.js";
import { agentProfile } from "./release.js";

/** File names the bundle writes. */
export const AGENT_BUNDLE_FILE = "pilot-agent.mjs";
export const AGENT_ADDON_FILE = "origdst.node";

/** What buildAgentBundle produced. */
export interface AgentBundle {
  /** The bundle: `node <file> proxy` is pilot-agent. */
  file: string;
  /** The addon next to it. */
  addon: string;
  version: string;
}

/** Bundles the compiled agent (dist/lab/istio/agent/main.js) for `istioVersion` into `outDir`. */
export const buildAgentBundle = async ({ outDir, istioVersion, cacheDir }: { outDir: string; istioVersion: string; cacheDir?: string }): Promise<AgentBundle> => {
  agentProfile(istioVersion); // throws for a release the agent does not model
  await mkdir(outDir, { recursive: true });
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.js");
  const file = path.join(outDir, AGENT_BUNDLE_FILE);
  await build({
    entryPoints: [entry],
    outfile: file,
    ...NODE_ESM_BUNDLE,
    define: { __LAB_ISTIO_VERSION__: JSON.stringify(istioVersion) },
  });
  const built = await buildOrigDstAddon(cacheDir ? { cacheDir } : {});
  const addon = path.join(outDir, AGENT_ADDON_FILE);
  await copyFile(built.path, addon);
  return { file, addon, version: istioVersion };
};
