// What every lab command and part receives: the instance, its address plan and paths, and a progress printer.
import { labNetPlan, type LabNetPlan } from "../net/plan.js";
import { labPaths, type LabPaths } from "../paths.js";

/** Context of one lab command. */
export interface LabContext {
  instance: number;
  plan: LabNetPlan;
  paths: LabPaths;
  /** Prints a progress line (Portuguese; students see it). */
  progress: (line: string) => void;
}

/** Builds the context of instance `instance`. */
export const labContext = (instance: number, progress: (line: string) => void = () => {}): LabContext => ({
  instance,
  plan: labNetPlan(instance),
  paths: labPaths(instance),
  progress,
});
