// Every fault `lab fault` knows, by part. A part adds its list here.
import { ISTIO_FAULTS } from "../istio/faults/index.js";
import { VM_FAULTS } from "../vm/faults.js";
import type { LabFault } from "./fault.js";

/** All faults, in `fault list` order. */
export const LAB_FAULTS: readonly LabFault[] = [...VM_FAULTS, ...ISTIO_FAULTS];
