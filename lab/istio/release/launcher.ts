// bin/istioctl of a lab release: a small POSIX shell launcher that execs Node.js on the compiled istioctl stand-in with
// the release's version, so `istio-<version>/bin/istioctl` behaves like that release's binary.
import path from "node:path";
import { projectRoot } from "../../paths.js";

/** The compiled istioctl program (dist/lab/istio/istioctl/main.js). */
export const istioctlProgram = (): string => path.join(projectRoot(), "dist", "lab", "istio", "istioctl", "main.js");

/** The environment variable that tells the program which release it is. */
export const RELEASE_ENV = "ISTIOCTL_LAB_RELEASE";

/** Quotes one word for a POSIX shell. */
const shq = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** The launcher's text for `version`, running `node` (default: this Node.js) on `program`. */
export const istioctlLauncher = ({ version, node = process.execPath, program = istioctlProgram() }: { version: string; node?: string; program?: string }): string =>
  [
    "#!/bin/sh",
    `# istioctl ${version} of the offline lab: a stand-in that reproduces the release's commands and outputs for the`,
    "# \"Istio em VMs\" chapter and talks to the cluster only through the Kubernetes API (see lab/README.md).",
    `${RELEASE_ENV}=${shq(version)} exec ${shq(node)} ${shq(program)} "$@"`,
    "",
  ].join("\n");
