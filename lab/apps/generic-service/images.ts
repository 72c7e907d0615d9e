// The container images that mean "the course's generic service", so the kubelet stand-in and the VM's docker shim
// run this implementation for them.

/** The repository of the original image on Docker Hub. */
export const GENERIC_SERVICE_REPOSITORY = "kdop/generic-service";

/** Tags the course uses: 0.0.5 everywhere in the course (simul-shop manifests, pegasus-pay on the VM); 0.0.1 in
 * the example docker-compose file; 0.0.4 named in chapter 4's prose. */
export const GENERIC_SERVICE_TAGS = ["0.0.5", "0.0.4", "0.0.1"] as const;

/** The reference the course's manifests and `docker run` commands use. */
export const GENERIC_SERVICE_IMAGE = `${GENERIC_SERVICE_REPOSITORY}:0.0.5`;

/** Splits an image reference into repository (Docker Hub short form) and tag ("latest" when absent); digests dropped. */
export const parseImageReference = (reference: string): { repository: string; tag: string } => {
  const withoutDigest = reference.trim().split("@")[0] ?? "";
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const hasTag = colon > slash;
  let repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : "latest";
  repository = repository.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
  return { repository, tag };
};

/** Whether `reference` (e.g. `kdop/generic-service:0.0.5`, `docker.io/kdop/generic-service:0.0.1`) names one of the
 * course's generic-service images. */
export const isGenericServiceImage = (reference: string): boolean => {
  const { repository, tag } = parseImageReference(reference);
  return repository === GENERIC_SERVICE_REPOSITORY && (GENERIC_SERVICE_TAGS as readonly string[]).includes(tag);
};
