// The release bucket's URL layout, as https://storage.googleapis.com/istio-release/releases/ serves it:
// `/istio-release/releases/<version>/deb/istio-sidecar[-<arch>].deb` (and rpm/…rpm), each with a `.sha256` beside it.

/** The bucket the releases live in. */
export const BUCKET = "istio-release";
/** The folder of the releases inside the bucket. */
export const RELEASES_PREFIX = "releases";

/** A request for a sidecar package (or its checksum). */
export interface PackageRequest {
  version: string;
  format: "deb" | "rpm";
  /** File name of the package (istio-sidecar.deb, istio-sidecar-arm64.deb…). */
  file: string;
  /** True for `<file>.sha256`. */
  checksum: boolean;
}

/** What a request path names: a sidecar package, another object of the bucket, or another bucket. */
export type BucketPath = { kind: "package"; object: string; request: PackageRequest } | { kind: "object"; object: string } | { kind: "no-bucket"; bucket: string };

/** Parses a request path (query strings ignored). */
export const parseBucketPath = (urlPath: string): BucketPath => {
  const clean = decodeURIComponent(urlPath.split("?")[0] ?? "").replace(/^\/+/, "");
  const [bucket = "", ...rest] = clean.split("/");
  if (bucket !== BUCKET) return { kind: "no-bucket", bucket };
  const object = rest.join("/");
  const m = /^releases\/(1\.\d+\.\d+)\/(deb|rpm)\/(istio-sidecar(?:-[a-z0-9_]+)?\.(deb|rpm))(\.sha256)?$/.exec(object);
  if (!m || m[2] !== m[4]) return { kind: "object", object };
  return { kind: "package", object, request: { version: m[1]!, format: m[2] as "deb" | "rpm", file: m[3]!, checksum: m[5] !== undefined } };
};

/** The base URL the runbook's ISTIO_SIDECAR_BASE_URL names for a server at host:port. */
export const bucketBaseUrl = (host: string, port: number): string => `http://${host}${port === 80 ? "" : `:${port}`}/${BUCKET}/${RELEASES_PREFIX}`;
