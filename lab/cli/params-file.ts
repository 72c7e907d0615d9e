// The parameters file the runbook reads (`KEY=value` lines), written by `lab up` from every part's entries.
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Renders entries as `KEY=value` lines (values with spaces or quotes are single-quoted for a shell). */
export const renderParams = (params: Record<string, string>): string[] =>
  Object.entries(params).map(([key, value]) => `${key}=${/^[A-Za-z0-9_./:@,+-]*$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`}`);

/** Writes the file atomically (mode 0644); returns its lines. */
export const writeParamsFile = async (file: string, params: Record<string, string>): Promise<string[]> => {
  const lines = renderParams(params);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  await writeFile(temp, `${lines.join("\n")}\n`);
  await chmod(temp, 0o644);
  await rename(temp, file);
  return lines;
};
