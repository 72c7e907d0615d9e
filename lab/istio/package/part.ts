// The sidecar packages as a part of the lab: `up` builds (or keeps) istio-sidecar.deb for every release into the
// instance's package root, where the release bucket serves it; `status` says which are there. `down` keeps them (they
// are build outputs, rebuilt only when an input changes).
import { access } from "node:fs/promises";
import path from "node:path";
import type { LabPart } from "../../cli/part.js";
import { PACKAGE_FILE } from "./build.js";
import { SIDECAR_PACKAGE_VERSIONS } from "./facts.js";
import { ensureSidecarPackages, packageDir } from "./packages.js";

/** The sidecar package part. */
export const istioSidecarPackagePart: LabPart = {
  name: "istio-sidecar-package",
  async up(ctx) {
    const built = await ensureSidecarPackages({ paths: ctx.paths });
    for (const b of built) ctx.progress(`istio: pacote ${PACKAGE_FILE} ${b.version} ${b.built ? "gerado" : "atualizado"} em ${path.dirname(b.file)}`);
    return {};
  },
  async down() {
    return [];
  },
  async leftovers() {
    return [];
  },
  async status(ctx) {
    const present: string[] = [];
    for (const version of SIDECAR_PACKAGE_VERSIONS) {
      if (await access(path.join(packageDir(ctx.paths, version), PACKAGE_FILE)).then(() => true, () => false)) present.push(version);
    }
    return [
      {
        part: "istio",
        ok: present.length === SIDECAR_PACKAGE_VERSIONS.length,
        text: present.length ? `pacotes istio-sidecar.deb ${present.join(", ")}` : "nenhum pacote istio-sidecar.deb: rode `npm run lab -- up`",
      },
    ];
  },
};
