// An Istio release folder as the student downloads it (istio-<version>/): bin/istioctl and the samples the chapter
// uses, laid out by the lab (idempotent: files are rewritten with the current content on every call).
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { istioctlLauncher } from "./launcher.js";
import { exposeIstiodYaml } from "./samples/expose-istiod.js";
import { genEastWestGatewayScript } from "./samples/gen-eastwest-gateway.js";
import { sleepYaml } from "./samples/sleep.js";
import { releaseFacts } from "./versions.js";

/** Paths inside a release folder (the same as lib/istio's RELEASE_FILES). */
export const RELEASE_PATHS = {
  istioctl: "bin/istioctl",
  eastWestGateway: "samples/multicluster/gen-eastwest-gateway.sh",
  exposeIstiod: "samples/multicluster/expose-istiod.yaml",
  sleep: "samples/sleep/sleep.yaml",
} as const;

/** A laid-out release. */
export interface ReleaseFolder {
  version: string;
  /** `<root>/istio-<version>` */
  dir: string;
  /** `<dir>/bin/istioctl` */
  istioctl: string;
}

/** Writes one file atomically with `mode`. */
const put = async (file: string, text: string, mode: number): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await chmod(temp, mode);
  await rename(temp, file);
};

/** Lays out `<root>/istio-<version>/` (launcher runs `node` on `program`, defaults: this Node.js and dist's main.js). */
export const writeReleaseFolder = async ({ root, version, node, program }: { root: string; version: string; node?: string; program?: string }): Promise<ReleaseFolder> => {
  const facts = releaseFacts(version);
  const dir = path.join(root, `istio-${version}`);
  const file = (relative: string) => path.join(dir, relative);
  await put(file(RELEASE_PATHS.istioctl), istioctlLauncher({ version, ...(node ? { node } : {}), ...(program ? { program } : {}) }), 0o755);
  await put(file(RELEASE_PATHS.eastWestGateway), genEastWestGatewayScript(facts), 0o755);
  await put(file(RELEASE_PATHS.exposeIstiod), exposeIstiodYaml(facts), 0o644);
  await put(file(RELEASE_PATHS.sleep), sleepYaml(facts), 0o644);
  return { version, dir, istioctl: file(RELEASE_PATHS.istioctl) };
};
