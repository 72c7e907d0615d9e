// Finds a Jupyter kernel spec (kernel.json) the way Jupyter does: user, then system data folders.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A kernel spec as written in kernel.json. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env?: Record<string, string>;
  interrupt_mode?: "signal" | "message";
  /** Folder holding kernel.json. */
  dir: string;
}

/** Folders Jupyter searches for kernels, in order. */
export const kernelSearchPath = (env: NodeJS.ProcessEnv = process.env): string[] => [
  ...(env["JUPYTER_PATH"] ? env["JUPYTER_PATH"].split(":").map((p) => path.join(p, "kernels")) : []),
  path.join(env["JUPYTER_DATA_DIR"] ?? path.join(os.homedir(), ".local", "share", "jupyter"), "kernels"),
  "/usr/local/share/jupyter/kernels",
  "/usr/share/jupyter/kernels",
];

/**
 * Reads kernel spec `name`; throws a Portuguese error naming how to register it. A tslab spec runs `localTslab` when
 * given and present: the spec is global and names the checkout that registered it last, while the main run must use
 * the kernel of the checkout whose library it runs.
 */
export const findKernelSpec = (name: string, env: NodeJS.ProcessEnv = process.env, localTslab?: string): KernelSpec => {
  for (const dir of kernelSearchPath(env)) {
    const file = path.join(dir, name, "kernel.json");
    if (!existsSync(file)) continue;
    const spec: KernelSpec = { ...(JSON.parse(readFileSync(file, "utf8")) as Omit<KernelSpec, "dir">), dir: path.dirname(file) };
    const [program, ...rest] = spec.argv;
    if (localTslab && program && path.basename(program) === "tslab" && existsSync(localTslab)) return { ...spec, argv: [localTslab, ...rest] };
    return spec;
  }
  throw new Error(`kernel Jupyter "${name}" não encontrado em ${kernelSearchPath(env).join(", ")}. Registre-o com .ci/setup (ou: npx tslab install --python=/usr/bin/python3)`);
};
