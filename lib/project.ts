// The project folder: where relative parameters, the run state and generated files live.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's root: $RUNBOOK_HOME, or the folder above lib/ (this file compiles to dist/lib/project.js). */
export const projectRoot = (): string =>
  process.env["RUNBOOK_HOME"] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
