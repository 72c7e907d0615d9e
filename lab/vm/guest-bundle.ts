// Bundles the programs the VM runs (init, systemctl, docker, dockerd, the generic service) into single files with
// esbuild, for /opt/lab/guest: the VM has no node_modules, only the lab's Node.js runtime.
import { build } from "esbuild";
import { NODE_ESM_BUNDLE } from "../bundle/esm.js";
import { access, copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../paths.js";

/** Compiled guest entry points (next to this module in dist/) → bundle names. */
const ENTRIES: Record<string, string> = {
  init: "guest/init.js",
  systemctl: "guest/systemctl.js",
  journalctl: "guest/journalctl.js",
  docker: "guest/docker.js",
  dockerd: "guest/dockerd.js",
};

/** The generic service's standalone program (lab/apps/generic-service), what the course's image runs. */
export const genericServiceEntry = (): string => path.join(projectRoot(), "dist", "lab", "apps", "generic-service", "main.js");

const exists = (p: string) => access(p).then(() => true, () => false);

/** Writes `<out>/<name>.mjs` for every guest program plus the container entry script; returns the bundle names. */
export const bundleGuest = async (out: string): Promise<string[]> => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const entryPoints: Record<string, string> = Object.fromEntries(Object.entries(ENTRIES).map(([name, rel]) => [name, path.join(here, rel)]));
  if (!(await exists(genericServiceEntry()))) {
    throw new Error(`o serviço genérico do curso não está compilado (${genericServiceEntry()}) e é ele que roda na imagem kdop/generic-service:0.0.5 da VM: rode \`npm run build\` e tente de novo`);
  }
  entryPoints["generic-service"] = genericServiceEntry();
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints,
    outdir: out,
    outExtension: { ".js": ".mjs" },
    ...NODE_ESM_BUNDLE,
  });
  await copyFile(path.join(projectRoot(), "lab", "vm", "container-entry.sh"), path.join(out, "container-entry.sh"));
  return Object.keys(entryPoints);
};
