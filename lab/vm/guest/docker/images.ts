// The images present on the VM's Docker: only the course's generic service (the VM has pulled nothing else, and there
// is no registry to pull from). Its command runs the lab's implementation of the service.
import { createHash } from "node:crypto";

/** An image in the local store. */
export interface LocalImage {
  repository: string;
  tag: string;
  id: string;
  /** What `docker ps` shows as COMMAND (the original image's CMD). */
  displayCommand: string;
  /** What really runs (inside the container's namespaces). */
  command: string[];
  exposedPorts: string[];
  env: string[];
  created: string;
  sizeBytes: number;
}

/** Splits a reference into Docker Hub short repository and tag (default `latest`). */
export const parseReference = (reference: string): { repository: string; tag: string } => {
  const ref = reference.trim().split("@")[0] ?? "";
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  const hasTag = colon > slash;
  const repository = (hasTag ? ref.slice(0, colon) : ref).replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
  return { repository, tag: hasTag ? ref.slice(colon + 1) : "latest" };
};

const genericService: LocalImage = {
  repository: "kdop/generic-service",
  tag: "0.0.5",
  id: `sha256:${createHash("sha256").update("kdop/generic-service:0.0.5").digest("hex")}`,
  displayCommand: "uvicorn --host=0.0.0.0 --port=8000 --workers=2",
  command: ["/opt/lab/bin/node", "/opt/lab/guest/generic-service.mjs"],
  exposedPorts: ["8000/tcp"],
  env: ["PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
  created: "2020-12-20T18:03:11Z",
  sizeBytes: 1_010_000_000,
};

/** The local image store. */
export const LOCAL_IMAGES: readonly LocalImage[] = [genericService];

/** Finds a local image by reference (`kdop/generic-service:0.0.5`, with or without docker.io/), or undefined. */
export const findImage = (reference: string): LocalImage | undefined => {
  const { repository, tag } = parseReference(reference);
  return LOCAL_IMAGES.find((i) => i.repository === repository && i.tag === tag);
};

/** The `name:tag` form Docker prints in messages. */
export const familiarName = (reference: string): string => {
  const { repository, tag } = parseReference(reference);
  return `${repository}:${tag}`;
};
