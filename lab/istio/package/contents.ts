// What the package installs, as a list of files with their content and mode: what the real istio-sidecar.deb installs
// (tools/packaging/packaging.mk's SIDECAR_FILES plus fpm's changelog) with the lab's launchers in place of the
// binaries, the lab's own scripts and conffiles, and the lab's programs under /usr/local/lib/istio-lab.
import { envoyBootstrapTemplate } from "./bootstrap-template.js";
import { changelogGz, PACKAGE_NAME } from "./control.js";
import type { SidecarPackageFacts } from "./facts.js";
import { envoyLauncher, LAB_PROGRAM_DIR, pilotAgentLauncher, type LauncherTargets } from "./launchers.js";
import { sidecarEnv } from "./sidecar-env.js";
import { istioStartScript } from "./start-script.js";
import { istioServiceUnit } from "./unit.js";

/** One file of the package (absolute path on the VM). */
export interface PackageFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** The lab's programs to ship: file name under LAB_PROGRAM_DIR → content, plus how the launchers start them. */
export interface PackagePrograms {
  files: ReadonlyArray<{ name: string; content: Buffer; mode?: number }>;
  targets: LauncherTargets;
}

/** Every file of a release's package, sorted by path. */
export const packageFiles = async (f: SidecarPackageFacts, programs: PackagePrograms): Promise<PackageFile[]> => {
  const text = (content: string) => Buffer.from(content, "utf8");
  const files: PackageFile[] = [
    { path: "/usr/local/bin/envoy", content: text(envoyLauncher(f, programs.targets)), mode: 0o755 },
    { path: "/usr/local/bin/pilot-agent", content: text(pilotAgentLauncher(f, programs.targets)), mode: 0o755 },
    { path: "/usr/local/bin/istio-start.sh", content: text(istioStartScript(f)), mode: 0o755 },
    { path: "/lib/systemd/system/istio.service", content: text(istioServiceUnit(f)), mode: 0o644 },
    { path: "/var/lib/istio/envoy/sidecar.env", content: text(sidecarEnv(f)), mode: 0o644 },
    { path: "/var/lib/istio/envoy/envoy_bootstrap_tmpl.json", content: text(envoyBootstrapTemplate(f)), mode: 0o644 },
    { path: `/usr/share/doc/${PACKAGE_NAME}/changelog.gz`, content: changelogGz(f), mode: 0o644 },
    ...programs.files.map((p) => ({ path: `${LAB_PROGRAM_DIR}/${p.name}`, content: p.content, mode: p.mode ?? 0o644 })),
  ];
  return files.sort((a, b) => a.path.localeCompare(b.path));
};
