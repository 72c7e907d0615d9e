// Debian packages on the VM: is one installed (dpkg-query), install a .deb, remove a package.
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import { remotePath } from "./remote-path.js";
import type { VmShell } from "./shell.js";

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/** Checks a Debian package name (e.g. istio-sidecar). */
export const packageName = ({ pkg }: { pkg: string }): string => {
  if (typeof pkg !== "string" || !PACKAGE.test(pkg)) {
    throw new InputError(`"${pkg}" não é um nome de pacote Debian válido`, "use o nome do pacote, por exemplo istio-sidecar (minúsculas, dígitos, '+', '-', '.')");
  }
  return pkg;
};

/** What dpkg knows about a package. */
export interface PackageProbe {
  pkg: string;
  /** True only for "install ok installed" (a removed package keeping its configuration is not installed). */
  installed: boolean;
  /** dpkg's status words (e.g. "install ok installed", "deinstall ok config-files"), or "" when dpkg never heard of it. */
  status: string;
  version: string;
  planned: boolean;
  result: CommandResult;
}

/** Whether a package is installed on the VM (`dpkg-query -W`); what the course checks with `dpkg -s`. */
export const dpkgInstalled = async (shell: VmShell, { pkg }: { pkg: string }): Promise<PackageProbe> => {
  const name = packageName({ pkg });
  const result = await shell.ssh({ argv: ["dpkg-query", "-W", "-f=${Status}\\t${Version}\\n", name], nothrow: true });
  shell.raiseIfNotAnswered(result);
  if (result.planned) return { pkg: name, installed: false, status: "", version: "", planned: true, result };
  if (result.exitCode === 1 && /no packages found matching/i.test(result.stderr)) {
    return { pkg: name, installed: false, status: "", version: "", planned: false, result };
  }
  if (result.exitCode !== 0) {
    shell.session.reportFailure(result);
    throw result;
  }
  const [status = "", version = ""] = (result.stdout.split("\n")[0] ?? "").split("\t");
  return { pkg: name, installed: status === "install ok installed", status, version, planned: false, result };
};

/** Installs a .deb already on the VM (`sudo dpkg -i FILE`), as the course installs istio-sidecar.deb. */
export const dpkgInstall = async (shell: VmShell, { file, timeoutMs = 300_000 }: { file: string; timeoutMs?: number }): Promise<CommandResult> => {
  const deb = remotePath({ value: file, what: "dpkgInstall.file" });
  if (!deb.endsWith(".deb")) throw new InputError(`dpkgInstall.file: "${file}" não é um pacote .deb`, "passe o caminho do arquivo .deb na VM, por exemplo istio-sidecar.deb");
  return shell.ssh({ argv: ["dpkg", "-i", deb], sudo: true, timeoutMs });
};

/** Removes a package (`sudo dpkg -r`, or `-P` to purge its configuration too). */
export const dpkgRemove = async (shell: VmShell, { pkg, purge = false }: { pkg: string; purge?: boolean }): Promise<CommandResult> =>
  shell.ssh({ argv: ["dpkg", purge ? "-P" : "-r", packageName({ pkg })], sudo: true, timeoutMs: 300_000 });
