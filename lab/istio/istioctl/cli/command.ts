// A command tree the way spf13/cobra runs istioctl: find the subcommand (names and aliases, flags skipped), parse the
// merged local + inherited persistent flags, `-h/--help`, non-runnable groups print their help, argument checks, and
// cobra's errors (`unknown command "x" for "istioctl"` with suggestions and `Run 'istioctl --help' for usage.`).
import { FlagError, parseFlags, takesValue, type FlagDef, type ParsedFlags } from "./flags.js";
import { flagUsages } from "./help.js";

/** Where a command writes and reads. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads one line from stdin without consuming more (Go's fmt.Scanln); undefined at end of input. */
  readLine: () => string | undefined;
  /** Reads all of stdin (for `-f -`). */
  readAll: () => string;
  env: NodeJS.ProcessEnv;
}

/** What a command's run function receives. */
export interface RunContext {
  flags: ParsedFlags;
  args: string[];
  io: Io;
  /** "istioctl x workload group create" */
  commandPath: string;
}

/** One command of the tree. */
export interface CommandDef {
  /** First word is the name ("proxy-status [<type>/]<name>[.<namespace>]"). */
  use: string;
  aliases?: string[];
  short: string;
  long?: string;
  example?: string;
  flags?: FlagDef[];
  /** Flags inherited by the subcommands. */
  persistentFlags?: FlagDef[];
  /** Checks the positional arguments (and flags) before run; returns cobra's error text. */
  args?: (ctx: RunContext) => string | undefined;
  /** Runs the command; resolves to the exit code (0 by default). Throw CommandError for `Error: …`. */
  run?: (ctx: RunContext) => Promise<number | void>;
  children?: CommandDef[];
  hidden?: boolean;
  /** Pass every argument through unparsed (cobra's DisableFlagParsing). */
  disableFlagParsing?: boolean;
}

/** An error cobra prints as `Error: <message>`; exit code 1 (64 for usage errors, like istioctl's sysexits). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A command's name. */
export const nameOf = (cmd: CommandDef): string => cmd.use.split(" ")[0]!;

/** The help flag cobra adds to every command. */
const helpFlag = (cmd: CommandDef): FlagDef => ({ name: "help", shorthand: "h", type: "bool", usage: `help for ${nameOf(cmd)}` });

/** Local flags, then the persistent flags of the command and its ancestors (nearest wins), then -h/--help. */
const mergedFlags = (chain: readonly CommandDef[]): Map<string, FlagDef> => {
  const defs = new Map<string, FlagDef>();
  const cmd = chain[chain.length - 1]!;
  for (const def of [...(cmd.flags ?? []), ...[...chain].reverse().flatMap((c) => c.persistentFlags ?? [])]) if (!defs.has(def.name)) defs.set(def.name, def);
  if (!defs.has("help")) defs.set("help", helpFlag(cmd));
  return defs;
};

/** Levenshtein distance (cobra's suggestions). */
const distance = (a: string, b: string): number => {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
};

/** cobra's "\n\nDid you mean this?\n\t…\n" for a mistyped subcommand. */
const suggestions = (cmd: CommandDef, typed: string): string => {
  const found = (cmd.children ?? [])
    .filter((c) => !c.hidden)
    .filter((c) => distance(typed.toLowerCase(), nameOf(c).toLowerCase()) <= 2 || nameOf(c).toLowerCase().startsWith(typed.toLowerCase()))
    .map(nameOf);
  return found.length ? `\n\nDid you mean this?\n${found.map((n) => `\t${n}\n`).join("")}` : "";
};

/** Finds the command for argv (cobra's Find): the chain of commands, the remaining arguments and the first word that
 * named no subcommand. */
const find = (root: CommandDef, argv: readonly string[]): { chain: CommandDef[]; rest: string[]; unmatched?: string } => {
  const chain = [root];
  let rest = [...argv];
  for (;;) {
    const cmd = chain[chain.length - 1]!;
    const defs = mergedFlags(chain);
    let index = -1;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === "--") break;
      if (arg.startsWith("-")) {
        if (takesValue(defs, arg)) i++;
        continue;
      }
      index = i;
      break;
    }
    if (index < 0) return { chain, rest };
    const word = rest[index]!;
    const next = (cmd.children ?? []).find((c) => nameOf(c) === word || (c.aliases ?? []).includes(word));
    if (!next) return { chain, rest, unmatched: word };
    chain.push(next);
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
};

/** The command path ("istioctl x workload"). */
const pathOf = (chain: readonly CommandDef[]): string => chain.map(nameOf).join(" ");

/** cobra's help text of a command. */
export const helpText = (chain: readonly CommandDef[]): string => {
  const cmd = chain[chain.length - 1]!;
  const path = pathOf(chain);
  const children = (cmd.children ?? []).filter((c) => !c.hidden).sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const local = [...(cmd.flags ?? []), ...(cmd.persistentFlags ?? []), helpFlag(cmd)].filter((f) => !f.hidden);
  const localNames = new Set(local.map((f) => f.name));
  const inherited = chain
    .slice(0, -1)
    .reverse()
    .flatMap((c) => c.persistentFlags ?? [])
    .filter((f, i, all) => !f.hidden && !localNames.has(f.name) && all.findIndex((g) => g.name === f.name) === i);
  const parts: string[] = [(cmd.long ?? cmd.short).trimEnd()];
  const usage = ["Usage:"];
  if (cmd.run) usage.push(`  ${path}${cmd.use.slice(nameOf(cmd).length)}${local.length ? " [flags]" : ""}`);
  if (children.length) usage.push(`  ${path} [command]`);
  parts.push(usage.join("\n"));
  if (cmd.aliases?.length) parts.push(`Aliases:\n  ${[nameOf(cmd), ...cmd.aliases].join(", ")}`);
  if (cmd.example) parts.push(`Examples:\n${cmd.example}`);
  if (children.length) {
    const width = Math.max(...children.map((c) => nameOf(c).length));
    parts.push(`Available Commands:\n${children.map((c) => `  ${nameOf(c).padEnd(width)} ${c.short}`).join("\n")}`);
  }
  if (local.length) parts.push(`Flags:\n${flagUsages(local)}`);
  if (inherited.length) parts.push(`Global Flags:\n${flagUsages(inherited)}`);
  if (children.length) parts.push(`Use "${path} [command] --help" for more information about a command.`);
  return `${parts.join("\n\n")}\n`;
};

/** Runs argv against the tree; prints cobra's errors; resolves to the process exit code. */
export const executeCommand = async (root: CommandDef, argv: readonly string[], io: Io): Promise<number> => {
  const { chain, rest, unmatched } = find(root, argv);
  const cmd = chain[chain.length - 1]!;
  const path = pathOf(chain);
  const fail = (error: CommandError): number => {
    io.stderr(`Error: ${error.message}\n`);
    return error.exitCode;
  };
  // cobra checks the root's arguments while finding the command, before any flag is parsed.
  if (chain.length === 1 && cmd.children?.length && unmatched !== undefined && unmatched !== "help") {
    io.stderr(`Error: unknown command ${JSON.stringify(unmatched)} for ${JSON.stringify(path)}${suggestions(cmd, unmatched)}\nRun '${path} --help' for usage.\n`);
    return 64;
  }
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = cmd.disableFlagParsing ? { flags: parseFlags(mergedFlags(chain), []).flags, positional: rest } : parseFlags(mergedFlags(chain), rest);
  } catch (error) {
    if (error instanceof FlagError) return fail(new CommandError(error.message));
    throw error;
  }
  if (parsed.flags.bool("help")) {
    io.stdout(helpText(chain));
    return 0;
  }
  if (chain.length === 1 && parsed.positional[0] === "help") {
    io.stdout(helpText(find(root, parsed.positional.slice(1)).chain));
    return 0;
  }
  if (!cmd.run) {
    io.stdout(helpText(chain));
    return 0;
  }
  const ctx: RunContext = { flags: parsed.flags, args: parsed.positional, io, commandPath: path };
  try {
    const problem = cmd.args?.(ctx);
    if (problem !== undefined) return fail(new CommandError(problem));
    return (await cmd.run(ctx)) ?? 0;
  } catch (error) {
    if (error instanceof CommandError) return fail(error);
    throw error;
  }
};
