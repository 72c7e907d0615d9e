// pflag's FlagUsages layout for help texts: `  -s, --set stringArray   usage (default …)`, columns aligned.
import { formatGoDuration } from "./go-values.js";
import type { FlagDef } from "./flags.js";

/** pflag's placeholder name of a value type. */
const typeName: Record<FlagDef["type"], string> = { string: "string", bool: "", int: "int", int64: "int", uint32: "uint32", duration: "duration", stringSlice: "strings", stringArray: "stringArray" };

/** The ` (default …)` suffix when the default is not the zero value. */
const defaultSuffix = (def: FlagDef): string => {
  const v = def.default;
  if (v === undefined || v === "" || v === false || v === 0 || (Array.isArray(v) && !v.length)) return "";
  if (def.type === "string") return ` (default ${JSON.stringify(v)})`;
  if (def.type === "duration") return ` (default ${formatGoDuration(v as number)})`;
  if (Array.isArray(v)) return ` (default [${v.join(",")}])`;
  return ` (default ${String(v)})`;
};

/** The flag lines of a help text, sorted by name. */
export const flagUsages = (defs: readonly FlagDef[]): string => {
  const rows = [...defs]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((def) => {
      const head = `${def.shorthand ? `  -${def.shorthand}, ` : "      "}--${def.name}${typeName[def.type] ? ` ${typeName[def.type]}` : ""}`;
      return { head, usage: `${def.usage}${defaultSuffix(def)}` };
    });
  const width = Math.max(...rows.map((r) => r.head.length));
  return rows.map((r) => `${r.head.padEnd(width)}   ${r.usage}`).join("\n");
};
