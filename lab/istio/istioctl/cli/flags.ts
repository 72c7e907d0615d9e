// Flags the way spf13/pflag parses them (istioctl is a cobra program): `--name value`, `--name=value`, `-n value`,
// `-nvalue`, `-n=value`, clustered boolean shorthands (`-yv`), `--` ends the flags; repeatable slices and arrays; and
// pflag's error texts (`unknown flag: --foo`, `flag needs an argument: 'n' in -n`, `invalid argument … flag: …`).
import { GoValueError, parseCsvLine, parseGoBool, parseGoDuration, parseGoInt } from "./go-values.js";

/** The value types istioctl's flags use. */
export type FlagType = "string" | "bool" | "int" | "int64" | "uint32" | "duration" | "stringSlice" | "stringArray";

/** The JavaScript value of a flag: strings, booleans, numbers (durations in ms) and string lists. */
export type FlagValue = string | boolean | number | string[];

/** One flag's definition. */
export interface FlagDef {
  name: string;
  shorthand?: string;
  type: FlagType;
  usage: string;
  /** Default value (type's zero value when absent). */
  default?: FlagValue;
  hidden?: boolean;
}

/** A flag parse error (pflag's text). */
export class FlagError extends Error {}

/** The zero value of a type. */
const zero = (type: FlagType): FlagValue => (type === "string" ? "" : type === "bool" ? false : type === "stringSlice" || type === "stringArray" ? [] : 0);

/** Parsed flags of one command. */
export class ParsedFlags {
  readonly #values = new Map<string, FlagValue>();
  readonly #changed = new Set<string>();
  readonly #defs: Map<string, FlagDef>;

  constructor(defs: Map<string, FlagDef>) {
    this.#defs = defs;
    for (const def of defs.values()) this.#values.set(def.name, def.default ?? zero(def.type));
  }

  /** Sets a flag from its command-line text (slices append; the first set replaces the default). */
  set(def: FlagDef, text: string): void {
    let value: FlagValue;
    try {
      value = convert(def, text, this.#changed.has(def.name) ? this.#values.get(def.name) : undefined);
    } catch (error) {
      if (!(error instanceof GoValueError)) throw error;
      const flagName = def.shorthand ? `-${def.shorthand}, --${def.name}` : `--${def.name}`;
      throw new FlagError(`invalid argument ${JSON.stringify(text)} for ${JSON.stringify(flagName)} flag: ${error.message}`);
    }
    this.#values.set(def.name, value);
    this.#changed.add(def.name);
  }

  /** True when the flag was given on the command line. */
  changed(name: string): boolean {
    return this.#changed.has(name);
  }

  string(name: string): string {
    return this.#get(name, "string") as string;
  }

  bool(name: string): boolean {
    return this.#get(name, "bool") as boolean;
  }

  number(name: string): number {
    return this.#get(name) as number;
  }

  list(name: string): string[] {
    return [...(this.#get(name) as string[])];
  }

  #get(name: string, type?: FlagType): FlagValue {
    const def = this.#defs.get(name);
    if (!def || (type && def.type !== type)) throw new Error(`flag --${name} is not defined as ${type ?? "a flag"}`);
    return this.#values.get(name)!;
  }
}

/** Converts a command-line text to a flag value (`previous` = the value so far for repeatable flags). */
const convert = (def: FlagDef, text: string, previous: FlagValue | undefined): FlagValue => {
  switch (def.type) {
    case "string":
      return text;
    case "bool":
      return parseGoBool(text);
    case "int":
    case "int64":
      return parseGoInt(text, { bits: 64, unsigned: false });
    case "uint32":
      return parseGoInt(text, { bits: 32, unsigned: true });
    case "duration":
      return parseGoDuration(text);
    case "stringSlice":
      return [...((previous as string[] | undefined) ?? []), ...parseCsvLine(text)];
    case "stringArray":
      return [...((previous as string[] | undefined) ?? []), text];
  }
};

/** Parses `args` against `defs` (keyed by name); returns the flags and the positional arguments. */
export const parseFlags = (defs: Map<string, FlagDef>, args: readonly string[]): { flags: ParsedFlags; positional: string[] } => {
  const flags = new ParsedFlags(defs);
  const byShort = new Map([...defs.values()].filter((d) => d.shorthand).map((d) => [d.shorthand!, d]));
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const def = defs.get(name);
      if (!def) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) flags.set(def, arg.slice(eq + 1));
      else if (def.type === "bool") flags.set(def, "true");
      else if (i + 1 < args.length) flags.set(def, args[++i]!);
      else throw new FlagError(`flag needs an argument: ${arg}`);
    } else if (arg.startsWith("-") && arg.length > 1) {
      let shorthands = arg.slice(1);
      while (shorthands.length) {
        const c = shorthands[0]!;
        const def = byShort.get(c);
        if (!def) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        if (shorthands[1] === "=") {
          flags.set(def, shorthands.slice(2));
          break;
        }
        if (def.type === "bool") {
          flags.set(def, "true");
          shorthands = shorthands.slice(1);
          continue;
        }
        if (shorthands.length > 1) flags.set(def, shorthands.slice(1));
        else if (i + 1 < args.length) flags.set(def, args[++i]!);
        else throw new FlagError(`flag needs an argument: '${c}' in ${arg}`);
        break;
      }
    } else positional.push(arg);
  }
  return { flags, positional };
};

/** Whether `--name` / `-c` consumes the next word when looking for subcommands (cobra's stripFlags: unknown = yes). */
export const takesValue = (defs: Map<string, FlagDef>, arg: string): boolean => {
  if (arg.includes("=")) return false;
  if (arg.startsWith("--")) return defs.get(arg.slice(2))?.type !== "bool";
  if (arg.startsWith("-") && arg.length === 2) return [...defs.values()].find((d) => d.shorthand === arg[1])?.type !== "bool";
  return false;
};
