// The IstioOperator istioctl install works from: the -f files (and `-f -`, stdin) layered in order, the --set flags on
// top (istioctl's path syntax and value parsing), then overlaid on the release's profile.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { CommandError } from "../cli/command.js";

/** A JSON object. */
export type Obj = Record<string, any>;

/** The IstioOperator an install applies. */
export interface IstioOperator {
  /** metadata.name ("" when the input names none). */
  name: string;
  namespace: string;
  spec: Obj;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Overlays `over` on `base`: objects merge, lists whose items all have a `name` merge by name (istioctl's gateway and
 * env lists), other lists and scalars are replaced.
 */
export const overlay = (base: unknown, over: unknown): any => {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? overlay(base[k], v) : structuredClone(v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && [...base, ...over].every((i) => isObj(i) && typeof i["name"] === "string")) {
    const out = base.map((i: Obj) => ({ ...i }));
    for (const item of over as Obj[]) {
      const at = out.findIndex((i: Obj) => i["name"] === item["name"]);
      if (at >= 0) out[at] = overlay(out[at], item);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(over);
};

/** istioctl's util.ParseValue: int, then float, then bool, else the string (with `\,` unescaped). */
export const parseSetValue = (text: string): string | number | boolean => {
  if (/^[-+]?\d+$/.test(text)) return Number(text);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || /^[-+]?(inf|infinity|nan)$/i.test(text)) return Number(text);
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return text.replace(/\\,/g, ",");
};

/** Splits an istioctl path ("values.x\.y.z", "components.ingressGateways[0].enabled") into keys and indexes. */
export const splitSetPath = (path: string): Array<string | number> => {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && path[i + 1] === ".") {
      current += ".";
      i++;
    } else if (c === ".") {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.flatMap((p): Array<string | number> => {
    const m = /^(.*?)\[(\d+)\]$/.exec(p);
    return m ? [m[1]!, Number(m[2])] : [p];
  });
};

/** The top-level fields of IstioOperatorSpec (a --set or file field outside these is refused, as istioctl does). */
const SPEC_FIELDS = new Set(["profile", "installPackagePath", "hub", "tag", "resourceSuffix", "namespace", "revision", "compatibilityVersion", "defaultRevision", "meshConfig", "components", "addonComponents", "values", "unvalidatedValues"]);

/** Writes `value` at `path` into `tree` (creating objects and list entries). */
const writePath = (tree: Obj, path: Array<string | number>, value: unknown): void => {
  let node: any = tree;
  path.forEach((key, i) => {
    const last = i === path.length - 1;
    if (last) {
      node[key] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === "number";
    if (node[key] === undefined || node[key] === null) node[key] = nextIsIndex ? [] : {};
    node = node[key];
  });
};

/** Applies `--set path=value` flags (in order) on a spec; CommandError with istioctl's text for a malformed one. */
export const applySetFlags = (spec: Obj, sets: readonly string[]): Obj => {
  const out = structuredClone(spec);
  for (const kv of sets) {
    const parts = kv.split("=");
    if (parts.length !== 2) throw new CommandError(`failed to install manifests: bad argument ${kv}: expect format key=value`);
    const path = splitSetPath(parts[0]!.replace(/^spec\./, ""));
    if (!SPEC_FIELDS.has(String(path[0]))) throw new CommandError(`failed to install manifests: could not unmarshal merged YAML: unknown field "${String(path[0])}" in v1alpha1.IstioOperatorSpec`);
    writePath(out, path, parseSetValue(parts[1]!));
  }
  return out;
};

/** Reads the -f files in order (`-` = stdin, once) and layers them into one IstioOperator. */
export const readIopFiles = (files: readonly string[], readStdin: () => string): IstioOperator => {
  let result: IstioOperator = { name: "", namespace: "istio-system", spec: {} };
  let stdinUsed = false;
  for (const file of files) {
    let text: string;
    if (file === "-") {
      if (stdinUsed) throw new CommandError("failed to install manifests: \"-\" (STDIN) as input filename may only be used once");
      stdinUsed = true;
      text = readStdin();
    } else {
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CommandError(`failed to install manifests: open ${file}: ${code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : (error as Error).message}`);
      }
    }
    let docs: unknown[];
    try {
      docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
    } catch (error) {
      throw new CommandError(`failed to install manifests: could not parse YAML in ${file === "-" ? "stdin" : file}: ${(error as Error).message.split("\n")[0]}`);
    }
    for (const doc of docs) {
      if (!isObj(doc) || doc["kind"] !== "IstioOperator") throw new CommandError(`failed to install manifests: ${file === "-" ? "stdin" : file}: could not unmarshal IstioOperator: kind must be IstioOperator, got ${isObj(doc) ? String(doc["kind"] ?? "") : typeof doc}`);
      const spec = isObj(doc["spec"]) ? doc["spec"] : {};
      for (const key of Object.keys(spec)) if (!SPEC_FIELDS.has(key)) throw new CommandError(`failed to install manifests: could not unmarshal merged YAML: unknown field "${key}" in v1alpha1.IstioOperatorSpec`);
      const meta = isObj(doc["metadata"]) ? doc["metadata"] : {};
      result = { name: typeof meta["name"] === "string" ? meta["name"] : result.name, namespace: typeof meta["namespace"] === "string" ? meta["namespace"] : result.namespace, spec: overlay(result.spec, spec) };
    }
  }
  return result;
};
