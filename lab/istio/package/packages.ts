// The sidecar packages of every release the lab lays out, built into the instance's package root
// (`<state>/packages/<version>/istio-sidecar.deb`), the first folder the release bucket serves packages from, so
// `curl -LO $ISTIO_SIDECAR_BASE_URL/<version>/deb/istio-sidecar.deb` on the VM downloads them.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LabPaths } from "../../paths.js";
import { buildSidecarPackage, type BuiltPackage } from "./build.js";
import { sidecarPackageFacts, SIDECAR_PACKAGE_VERSIONS } from "./facts.js";
import { buildPackagePrograms, removeScratch } from "./programs.js";

/** The folder of a release's package in an instance's package root. */
export const packageDir = (paths: Pick<LabPaths, "state">, version: string): string => path.join(paths.state, "packages", version);

/** Builds (or keeps, when nothing changed) the package of each version. */
export const ensureSidecarPackages = async ({
  paths,
  versions = SIDECAR_PACKAGE_VERSIONS,
}: {
  paths: Pick<LabPaths, "state" | "cache">;
  versions?: readonly string[];
}): Promise<BuiltPackage[]> => {
  const out: BuiltPackage[] = [];
  for (const version of versions) {
    const scratch = await mkdtemp(path.join(tmpdir(), `sidecar-programs-${version}-`));
    try {
      const programs = await buildPackagePrograms({ version, outDir: scratch, cacheDir: paths.cache });
      out.push(await buildSidecarPackage({ facts: sidecarPackageFacts(version), programs, dir: packageDir(paths, version) }));
    } finally {
      await removeScratch(scratch);
    }
  }
  return out;
};
