// Writes a manifest to a file through the execution seam, shown as the course writes files (`cat <<EOF > vm-cluster.yaml`).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../project.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import { displayPath } from "./kubectl.js";
import { toYaml, type Manifest } from "./manifest.js";

/** Options of writeManifestFile. */
export interface WriteManifestFileOptions {
  session: Session;
  /** Path relative to the project folder, or absolute. */
  file: string;
  manifest: Manifest;
  step?: string;
}

/** Writes the YAML (creating the folder), recorded as a heredoc into the file; resolves with the command's result. */
export const writeManifestFile = async ({ session, file, manifest, step }: WriteManifestFileOptions): Promise<CommandResult> => {
  const absolute = path.resolve(projectRoot(), file);
  const body = toYaml(manifest);
  const delimiter = /[$`\\]/.test(body) ? "'EOF'" : "EOF";
  if (session.mode !== "plan") mkdirSync(path.dirname(absolute), { recursive: true });
  return session.run({
    argv: ["tee", absolute],
    stdin: body,
    quiet: true,
    display: `cat <<${delimiter} > ${displayPath(absolute)}\n${body}EOF`,
    ...(step !== undefined ? { step } : {}),
  });
};
