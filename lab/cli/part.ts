// A part of the lab (kubectl tool, network, VM, cluster…): how `up`, `down`, `status` and `reset` drive it. Parts are
// listed in lab/cli/parts.ts in start order; `down` runs them in reverse.
import type { LabContext } from "./context.js";

/** One line of `lab status`. */
export interface StatusLine {
  part: string;
  ok: boolean;
  text: string;
}

/** A part of the lab. */
export interface LabPart {
  name: string;
  /** Brings the part up (idempotent); returns its entries for the parameters file (KEY → value). */
  up(ctx: LabContext): Promise<Record<string, string>>;
  /** Removes everything the part made on the host; returns what it removed (Portuguese, for the report). */
  down(ctx: LabContext): Promise<string[]>;
  /** What is left of the part after `down` (empty when nothing): checked by `down` itself. */
  leftovers(ctx: LabContext): Promise<string[]>;
  status(ctx: LabContext): Promise<StatusLine[]>;
  /** Back to a fresh state (caches kept); the part is up afterwards. Default: down then up. */
  reset?(ctx: LabContext): Promise<void>;
}
