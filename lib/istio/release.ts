// The Istio release folder the student downloaded (istio-<version>/): where istioctl and the samples the chapter runs
// live, checked before use so a missing download is a clear message.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { parseYaml } from "../kube/manifest.js";
import type { IstioFeatures } from "./versions.js";

/** Paths inside a release, relative to its folder. */
export const RELEASE_FILES = {
  istioctl: "bin/istioctl",
  eastWestGateway: "samples/multicluster/gen-eastwest-gateway.sh",
  exposeIstiod: "samples/multicluster/expose-istiod.yaml",
  sleep: "samples/sleep/sleep.yaml",
} as const;

/** Package formats of the VM sidecar. */
export type SidecarPackageFormat = "deb" | "rpm";

/**
 * The URL of the VM sidecar package of a release: `<base>/<version>/deb/istio-sidecar.deb` (amd64), other
 * architectures `istio-sidecar-<arch>.deb`; rpm likewise under `rpm/`.
 */
export const sidecarPackageUrl = ({ base, version, format = "deb", arch = "amd64" }: { base: string; version: string; format?: SidecarPackageFormat; arch?: string }): string => {
  if (!/^[a-z0-9_]+$/.test(arch)) throw new InputError(`arquitetura "${arch}" inválida`, "use amd64 ou arm64", "arch");
  const file = `istio-sidecar${arch === "amd64" ? "" : `-${arch}`}.${format}`;
  return `${base.replace(/\/+$/, "")}/${version}/${format}/${file}`;
};

/** Kinds that live in a namespace (expose-istiod.yaml holds only these). */
const NAMESPACED_KINDS = new Set(["Gateway", "VirtualService", "DestinationRule", "Service", "ServiceEntry", "Deployment", "ServiceAccount"]);

/** One Istio release folder. */
export class IstioRelease {
  readonly dir: string;
  readonly features: IstioFeatures;

  constructor({ dir, features }: { dir: string; features: IstioFeatures }) {
    this.dir = dir;
    this.features = features;
  }

  /** The absolute path of a file of the release. */
  path(relative: string): string {
    return path.join(this.dir, relative);
  }

  /** The absolute path of a release file that must exist; InputError saying how to download the release otherwise. */
  require(relative: string): string {
    const file = this.path(relative);
    if (existsSync(file)) return file;
    const v = this.features.version.text;
    const problem = existsSync(this.dir)
      ? `a pasta do Istio "${this.dir}" não contém ${relative}: ela não é uma distribuição completa do Istio ${v}`
      : `a pasta do Istio "${this.dir}" (ISTIO_DIR) não existe`;
    throw new InputError(problem, `baixe a distribuição com \`curl -L https://istio.io/downloadIstio | ISTIO_VERSION=${v} sh -\` (cria istio-${v}/) ou corrija ISTIO_DIR`, "ISTIO_DIR");
  }

  /**
   * Whether expose-istiod.yaml must be applied with `-n istio-system`: read from the file (every namespaced object
   * without metadata.namespace), or from the version table when the file cannot be read (plan mode without a download).
   */
  exposeIstiodNeedsNamespace(): boolean {
    const file = this.path(RELEASE_FILES.exposeIstiod);
    if (!existsSync(file)) return this.features.exposeIstiodNeedsNamespace;
    const docs = parseYaml({ text: readFileSync(file, "utf8"), source: file }) as Array<{ kind?: string; metadata?: { namespace?: string } }>;
    return docs.some((d) => d.kind !== undefined && NAMESPACED_KINDS.has(d.kind) && !d.metadata?.namespace);
  }
}
