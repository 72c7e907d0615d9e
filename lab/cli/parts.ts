// The lab's parts in start order (`down` goes in reverse). The cluster part goes after the VM.
import { clusterPart } from "../cluster/part.js";
import { istioSidecarPackagePart } from "../istio/package/part.js";
import { istioReleasePart } from "../istio/release/part.js";
import { vmPart } from "../vm/part.js";
import { networkPart } from "./network-part.js";
import type { LabPart } from "./part.js";
import { toolsPart } from "./tools-part.js";

/** Parts `up` brings up, in order. */
export const LAB_PARTS: readonly LabPart[] = [toolsPart, networkPart, vmPart, clusterPart, istioReleasePart, istioSidecarPackagePart];
