// Finds a command-line tool (kubectl, istioctl) before the first call, so a missing binary is a clear message, not
// an exit code 127 in the middle of a step.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";

/** The absolute path of `program` (a path, or a name looked up in PATH), or undefined when it is not an executable file. */
export const findProgram = ({ program, envPath = process.env["PATH"] ?? "" }: { program: string; envPath?: string }): string | undefined => {
  const candidates = program.includes("/") ? [path.resolve(program)] : envPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next folder
    }
  }
  return undefined;
};

/** Options of requireProgram. */
export interface RequireProgramOptions {
  /** The parameter that names the tool (KUBECTL, ISTIOCTL). */
  param: string;
  /** Its value. */
  program: string;
  /** How to install the tool (Portuguese), shown in the fix. */
  install: string;
}

/** The tool's absolute path; throws InputError naming the parameter and how to install the tool when it is missing. */
export const requireProgram = ({ param, program, install }: RequireProgramOptions): string => {
  const found = findProgram({ program });
  if (found) return found;
  const where = program.includes("/") ? `o arquivo "${program}" não existe ou não é executável` : `"${program}" não está no PATH`;
  throw new InputError(`${param}: ${where}`, `${install}; ou corrija ${param} no arquivo de parâmetros`, param);
};
