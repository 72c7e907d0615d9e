// How the lab bundles its Node programs for the VM and the pods: one ESM file per program, for the Node.js runtime the
// lab installs (node20), with a real `require` for dependencies that call it on Node built-ins.
import type { BuildOptions } from "esbuild";

/** The ESM banner that gives a bundle a real `require` (some dependencies call it on Node built-ins). */
export const REQUIRE_BANNER = 'import { createRequire as __labCreateRequire } from "node:module"; const require = __labCreateRequire(import.meta.url);';

/** esbuild options shared by every bundle of the lab (entry points and output are each caller's). */
export const NODE_ESM_BUNDLE = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "silent",
  banner: { js: REQUIRE_BANNER },
} as const satisfies BuildOptions;
