// Loads the runbook's parameters from defaults ← parameters file ← environment ← explicit overrides, validates them
// once, and resolves paths against the project folder.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../errors.js";
import { projectRoot } from "../project.js";
import { parseEnvFile } from "./env-file.js";
import { PARAM_SPECS, isParamName, type ParamName, type RunbookParams } from "./schema.js";
import { keyFileProblem } from "./validate.js";

/** Where a parameter's value came from. */
export type ParamSource = "padrão" | "arquivo" | "ambiente" | "explícito";

/** Loaded, validated parameters with the source of each value. */
export interface LoadedParams {
  readonly values: Readonly<RunbookParams>;
  readonly sources: Readonly<Record<ParamName, ParamSource>>;
  /** The parameters file that was read, if any. */
  readonly file?: string;
}

/** Options of loadParams. */
export interface LoadParamsOptions {
  /** Parameters file; default: $RUNBOOK_PARAMS, else <project>/runbook.env, else the offline lab's .lab/0/params.env. */
  file?: string;
  /** Environment to read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Explicit values (highest priority). */
  overrides?: Partial<Record<ParamName, string>>;
  /** Project folder relative paths are resolved against (default: the checkout holding lib/). */
  root?: string;
}

/** One problem found while validating, already in Portuguese. */
export interface ParamProblem {
  name: string;
  problem: string;
  fix: string;
}

/** Thrown when parameters are invalid: lists every problem, nothing was changed. */
export class ParamsError extends InputError {
  constructor(readonly problems: ParamProblem[]) {
    super(
      problems.length === 1 ? problems[0]!.problem : `${problems.length} parâmetros inválidos:\n${problems.map((p) => `- ${p.problem}`).join("\n")}`,
      problems.length === 1 ? problems[0]!.fix : problems.map((p) => `- ${p.name}: ${p.fix}`).join("\n"),
      problems.map((p) => p.name).join(", "),
    );
    this.name = "ParamsError";
  }
}

/** The parameters file that loadParams reads when none is given, or undefined. */
export const defaultParamsFile = (env: NodeJS.ProcessEnv = process.env, root = projectRoot()): string | undefined => {
  if (env["RUNBOOK_PARAMS"]) return path.resolve(root, env["RUNBOOK_PARAMS"]);
  for (const candidate of [path.join(root, "runbook.env"), path.join(root, ".lab", "0", "params.env")]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
};

/** Loads and validates parameters; throws ParamsError listing every problem. */
export const loadParams = (options: LoadParamsOptions = {}): LoadedParams => {
  const env = options.env ?? process.env;
  const root = options.root ?? projectRoot();
  const file = options.file !== undefined ? path.resolve(root, options.file) : defaultParamsFile(env, root);
  const problems: ParamProblem[] = [];

  let fromFile: Record<string, string> = {};
  if (file !== undefined) {
    if (!existsSync(file)) {
      throw new ParamsError([{ name: "RUNBOOK_PARAMS", problem: `o arquivo de parâmetros "${file}" não existe`, fix: "crie o arquivo (veja runbook.env.example) ou corrija o caminho em RUNBOOK_PARAMS" }]);
    }
    try {
      fromFile = parseEnvFile(readFileSync(file, "utf8"), file);
    } catch (error) {
      throw new ParamsError([{ name: "RUNBOOK_PARAMS", problem: (error as Error).message, fix: `corrija a linha em ${file} para o formato CHAVE=valor` }]);
    }
    for (const key of Object.keys(fromFile)) {
      if (!isParamName(key)) {
        const close = PARAM_SPECS.find((s) => s.name.replace(/_/g, "") === key.toUpperCase().replace(/_/g, ""));
        problems.push({ name: key, problem: `"${key}" em ${file} não é um parâmetro conhecido`, fix: close ? `você quis dizer ${close.name}?` : `remova a linha ou use um destes: ${PARAM_SPECS.map((s) => s.name).join(", ")}` });
      }
    }
  }

  const raw = {} as Record<ParamName, string>;
  const sources = {} as Record<ParamName, ParamSource>;
  for (const spec of PARAM_SPECS) {
    const candidates: Array<[ParamSource, string | undefined]> = [
      ["explícito", options.overrides?.[spec.name]],
      ["ambiente", env[spec.name]],
      ["arquivo", fromFile[spec.name]],
      ["padrão", spec.default],
    ];
    const hit = candidates.find(([, v]) => v !== undefined);
    if (!hit) {
      problems.push({ name: spec.name, problem: `${spec.name} (${spec.description}) não foi definido`, fix: `defina ${spec.name} no arquivo de parâmetros${file ? ` (${file})` : " (runbook.env)"} ou na variável de ambiente ${spec.name}` });
      continue;
    }
    raw[spec.name] = hit[1]!;
    sources[spec.name] = hit[0];
  }
  if (problems.length) throw new ParamsError(problems);

  const values = {} as Record<ParamName, string>;
  const expand = (name: ParamName, seen: ParamName[]): string => {
    if (values[name] !== undefined) return values[name];
    if (seen.includes(name)) throw new ParamsError([{ name, problem: `referência circular entre parâmetros: ${[...seen, name].join(" → ")}`, fix: "remova a referência ${...} circular" }]);
    const expanded = raw[name].replace(/\$\{([A-Z_]+)\}/g, (whole, ref: string) => (isParamName(ref) ? expand(ref, [...seen, name]) : whole));
    const spec = PARAM_SPECS.find((s) => s.name === name)!;
    const resolved = spec.path || (name === "KUBECONFIG" || ((name === "ISTIOCTL" || name === "KUBECTL") && expanded.includes("/")))
      ? resolvePaths(expanded, root, name === "KUBECONFIG")
      : expanded;
    values[name] = resolved;
    return resolved;
  };
  for (const spec of PARAM_SPECS) expand(spec.name, []);

  for (const spec of PARAM_SPECS) {
    const value = values[spec.name];
    if (value === "" && spec.default !== undefined) continue;
    const problem = spec.validate?.(value);
    if (problem) {
      problems.push({ name: spec.name, problem: `${spec.name}: ${problem}`, fix: `corrija ${spec.name} (${sourceHint(sources[spec.name], file)})` });
    }
  }
  if (!problems.some((p) => p.name === "VM_PKEY_PATH")) {
    const key = keyFileProblem(values.VM_PKEY_PATH);
    if (key) problems.push({ name: "VM_PKEY_PATH", problem: `VM_PKEY_PATH: ${key.problem}`, fix: key.fix });
  }
  if (problems.length) throw new ParamsError(problems);

  return Object.freeze({
    values: Object.freeze(values as unknown as RunbookParams),
    sources: Object.freeze(sources),
    ...(file !== undefined ? { file } : {}),
  });
};

/** Expands ~ and resolves relative paths against root (KUBECONFIG may be a ':'-separated list). */
const resolvePaths = (value: string, root: string, list: boolean): string =>
  (list ? value.split(":") : [value])
    .map((p) => (p === "" ? p : p.startsWith("~/") || p === "~" ? path.join(os.homedir(), p.slice(1)) : path.resolve(root, p)))
    .join(":");

/** Where to fix a value, by its source. */
const sourceHint = (source: ParamSource | undefined, file: string | undefined): string => {
  switch (source) {
    case "arquivo":
      return `no arquivo ${file}`;
    case "ambiente":
      return "na variável de ambiente";
    case "explícito":
      return "no valor passado explicitamente à célula/execução";
    default:
      return "definindo um valor no arquivo de parâmetros";
  }
};
