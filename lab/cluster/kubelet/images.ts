// Container images → programs on the host. The lab has no registry and no image filesystems: an image the lab knows
// runs one of its programs (or a host command), an image it does not know fails to pull like a missing image does.
import { createHash } from "node:crypto";
import path from "node:path";
import { projectRoot } from "../../paths.js";
import { GENERIC_SERVICE_REPOSITORY, GENERIC_SERVICE_TAGS } from "../../apps/generic-service/images.js";
import { registerIstioImages } from "../../istio/images.js";

/** A parsed, normalized image reference (`kdop/generic-service:0.0.5` → docker.io/kdop/generic-service, tag 0.0.5). */
export interface ImageRef {
  /** As written in the pod spec. */
  readonly original: string;
  /** registry/path, e.g. docker.io/library/busybox. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** repository:tag or repository@digest, as a runtime reports it. */
  readonly normalized: string;
}

/** Parses and normalizes an image reference like containerd does; undefined when it is not a valid reference. */
export const parseImageRef = (image: string): ImageRef | undefined => {
  const m = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(image);
  if (!m) return undefined;
  let name = m[1]!;
  const first = name.split("/")[0]!;
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) name = `docker.io/${name.includes("/") ? name : `library/${name}`}`;
  const tag = m[2] ?? (m[3] ? undefined : "latest");
  const digest = m[3];
  return { original: image, repository: name, tag, digest, normalized: digest ? `${name}@${digest}` : `${name}:${tag}` };
};

/** What a container of a known image runs: Docker's ENTRYPOINT and CMD semantics apply to `command`/`args`. */
export interface ImageProgram {
  /** ENTRYPOINT (replaced by the container's `command`). */
  readonly entrypoint: readonly string[];
  /** CMD (replaced by the container's `args`; dropped when only `command` is set). */
  readonly cmd: readonly string[];
  /** Environment the image sets (the container's env overrides it). */
  readonly env?: Readonly<Record<string, string>>;
  /** The image's size the Pulled event reports. */
  readonly sizeBytes: number;
}

/** The PATH every image of the lab sets. */
export const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A Node.js program of the lab run as an image's entrypoint (`dist/...js` under the project). */
export const nodeProgram = (distRelative: string, sizeBytes: number): ImageProgram => ({
  entrypoint: [process.execPath, path.join(projectRoot(), "dist", distRelative)],
  cmd: [],
  sizeBytes,
});

/** Images whose programs are the host's own commands (the filesystem is the host's). */
const shellImage = (sizeBytes: number): ImageProgram => ({ entrypoint: [], cmd: ["sh"], sizeBytes });

interface CatalogEntry {
  repository: string;
  /** Tags the lab "has"; undefined = every tag. */
  tags?: readonly string[];
  program: ImageProgram;
}

/** Result of looking an image up: found, or why a pull fails (the message containerd would give). */
export type ImageLookup = { ok: true; ref: ImageRef; program: ImageProgram; imageId: string } | { ok: false; reason: "InvalidImageName" | "ErrImagePull"; message: string };

/** The images the lab can "pull". Other parts (Istio) register theirs with `register`. */
export class ImageCatalog {
  private readonly entries: CatalogEntry[] = [];

  /** Makes `repository` (any image reference form; tags ignored) with `tags` (or every tag) run `program`. */
  register(repository: string, program: ImageProgram, tags?: readonly string[]): this {
    const ref = parseImageRef(repository);
    if (!ref) throw new Error(`invalid image repository: ${repository}`);
    this.entries.unshift({ repository: ref.repository, tags, program });
    return this;
  }

  /** Resolves an image reference as a pull would. */
  lookup(image: string): ImageLookup {
    const ref = parseImageRef(image);
    if (!ref) return { ok: false, reason: "InvalidImageName", message: `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": invalid reference format` };
    const sameRepo = this.entries.filter((e) => e.repository === ref.repository);
    const entry = sameRepo.find((e) => !e.tags || ref.digest || (ref.tag !== undefined && e.tags.includes(ref.tag)));
    const prefix = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}"`;
    if (!entry) {
      return {
        ok: false,
        reason: "ErrImagePull",
        message: sameRepo.length
          ? `${prefix}: ${ref.normalized}: not found`
          : `${prefix}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
      };
    }
    const digest = ref.digest ?? `sha256:${createHash("sha256").update(ref.normalized).digest("hex")}`;
    return { ok: true, ref, program: entry.program, imageId: `${ref.repository}@${digest}` };
  }
}

/** CoreDNS images run the lab's cluster DNS program. */
export const COREDNS_REPOSITORIES = ["registry.k8s.io/coredns/coredns", "docker.io/coredns/coredns"] as const;

/** The catalog every lab starts with: the course's generic service, CoreDNS and common utility images (curl, busybox,
 * the images of Istio's sleep sample, Debian/Ubuntu/Alpine shells). */
export const defaultImageCatalog = (): ImageCatalog => {
  const catalog = new ImageCatalog();
  // the course's generic service: its tags only (another tag fails to pull with "not found", like on Docker Hub)
  catalog.register(GENERIC_SERVICE_REPOSITORY, nodeProgram("lab/apps/generic-service/main.js", 48_213_504), GENERIC_SERVICE_TAGS);
  const dns = nodeProgram("lab/cluster/dns/main.js", 16_190_758);
  for (const repo of COREDNS_REPOSITORIES) catalog.register(repo, dns);
  catalog.register("curlimages/curl", { entrypoint: ["curl"], cmd: [], sizeBytes: 10_061_293 });
  catalog.register("governmentpaas/curl-ssl", shellImage(6_413_277));
  for (const repo of ["busybox", "alpine", "debian", "ubuntu", "nicolaka/netshoot", "radial/busyboxplus"]) {
    catalog.register(repo, shellImage(4_272_424));
  }
  registerIstioImages(catalog);
  return catalog;
};
