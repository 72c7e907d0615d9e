// Istio's container images in the lab's image table: docker.io/istio/pilot:<tag> runs the istiod stand-in and
// docker.io/istio/proxyv2:<tag> runs pilot-agent (`proxy sidecar|router`, `istio-iptables` for istio-init), for the
// releases the lab reproduces. Another tag fails to pull with "not found", like on Docker Hub.
import path from "node:path";
import type { ImageCatalog, ImageProgram } from "../cluster/kubelet/images.js";
import { projectRoot } from "../paths.js";

/** Image tags the lab can run (the releases it lays out; keep in step with lab/istio/release/versions.ts). */
export const ISTIO_IMAGE_TAGS = ["1.8.1", "1.30.0"] as const;

/** A lab program for one release: the compiled entry point with the release's version as its first flag. */
const program = (distRelative: string, version: string, sizeBytes: number): ImageProgram => ({
  entrypoint: [process.execPath, path.join(projectRoot(), "dist", distRelative), "--istio-version", version],
  cmd: [],
  sizeBytes,
});

/** Registers pilot and proxyv2 (docker.io/istio) for every tag in ISTIO_IMAGE_TAGS. */
export const registerIstioImages = (catalog: ImageCatalog): ImageCatalog => {
  for (const tag of ISTIO_IMAGE_TAGS) {
    catalog.register("docker.io/istio/pilot", program("lab/istio/istiod/main.js", tag, 72_604_317), [tag]);
    catalog.register("docker.io/istio/proxyv2", program("lab/istio/agent/main.js", tag, 94_183_205), [tag]);
  }
  return catalog;
};
