// The Istio faults of `lab fault`, in `fault list` order: the VM's path to the control plane, the control plane, the
// files copied to the VM, the mesh's view of the VM, Docker's published port, the VM's resolver, and the unit after a
// reboot.
import type { LabFault } from "../../faults/fault.js";
import { tokenExpiredFault, rootCertMismatchFault } from "./credentials.js";
import { dnsCaptureBreaksExternalFault } from "./dns-capture-breaks-external.js";
import { dockerDnatBypassFault } from "./docker-dnat-bypass.js";
import { eastWestUnreachableFault } from "./eastwest-unreachable.js";
import { istiodDownFault } from "./istiod-down.js";
import { sidecarNotEnabledFault } from "./sidecar-not-enabled.js";
import { workloadEntrySaMismatchFault } from "./workloadentry-sa-mismatch.js";

/** Istio's faults. */
export const ISTIO_FAULTS: readonly LabFault[] = [
  eastWestUnreachableFault,
  istiodDownFault,
  tokenExpiredFault,
  rootCertMismatchFault,
  workloadEntrySaMismatchFault,
  dockerDnatBypassFault,
  dnsCaptureBreaksExternalFault,
  sidecarNotEnabledFault,
];
