// A fault the lab can inject (`lab fault <name>`) to reproduce a failure the course's students meet, with the real
// symptom; `lab fault clear` undoes it. Parts list theirs in lab/faults/index.ts.
import type { LabContext } from "../cli/context.js";

/** One injectable fault. */
export interface LabFault {
  name: string;
  /** What it simulates (Portuguese). */
  description: string;
  /** What the student observes (Portuguese). */
  symptom: string;
  apply(ctx: LabContext): Promise<void>;
  clear(ctx: LabContext): Promise<void>;
  /** Probes the real state (not a memo): true while the fault is in effect. */
  isActive(ctx: LabContext): Promise<boolean>;
}
