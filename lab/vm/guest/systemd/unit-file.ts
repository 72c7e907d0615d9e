// Parses systemd unit files ([Unit]/[Service]/[Install]) the way systemd reads them: repeated keys accumulate, an
// empty assignment resets a list, trailing backslashes continue a line, `#`/`;` start comments.

/** A parsed unit file: section → key → values in file order. */
export type UnitSections = Map<string, Map<string, string[]>>;

/** Parses the text of a unit file. */
export const parseUnitText = (text: string): UnitSections => {
  const sections: UnitSections = new Map();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    while (line.endsWith("\\") && i + 1 < lines.length) {
      line = `${line.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    }
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0 || !current) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === "") current.set(key, []);
    else current.set(key, [...(current.get(key) ?? []), value]);
  }
  return sections;
};

/** Splits a command line into words like systemd: double/single quotes, backslash escapes; `$VAR` expands to several
 * words, `${VAR}` to one, `$$` is a dollar; `%n`/`%N`/`%%` specifiers. */
export const splitCommandLine = (line: string, env: Record<string, string> = {}, unitName = ""): string[] => {
  const words: string[] = [];
  const specifier = (c: string): string => (c === "n" ? unitName : c === "N" ? unitName.replace(/\.[^.]+$/, "") : c === "%" ? "%" : `%${c}`);
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let word = "";
    let started = false;
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (!quote && /\s/.test(c)) break;
      if (quote && c === quote) {
        quote = undefined;
      } else if (!quote && (c === '"' || c === "'")) {
        quote = c;
        started = true;
      } else if (c === "\\" && i + 1 < line.length && quote !== "'") {
        const n = line[++i]!;
        word += n === "n" ? "\n" : n === "t" ? "\t" : n;
        started = true;
      } else if (c === "%" && i + 1 < line.length) {
        word += specifier(line[++i]!);
        started = true;
      } else if (c === "$" && quote !== "'" && line[i + 1] === "$") {
        word += "$";
        started = true;
        i++;
      } else if (c === "$" && quote !== "'" && line[i + 1] === "{" && line.indexOf("}", i + 2) > 0) {
        const end = line.indexOf("}", i + 2);
        word += env[line.slice(i + 2, end)] ?? "";
        started = true;
        i = end;
      } else if (c === "$" && quote !== "'" && /^[A-Za-z_]/.test(line[i + 1] ?? "")) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1))![0];
        const value = env[name] ?? "";
        i += name.length;
        if (quote) {
          word += value;
          started = true;
          continue;
        }
        const parts = value.split(/\s+/).filter(Boolean);
        parts.forEach((part, index) => {
          if (index > 0) {
            words.push(word);
            word = "";
          }
          word += part;
          started = true;
        });
      } else {
        word += c;
        started = true;
      }
    }
    if (started) words.push(word);
  }
  return words;
};

/** One Exec*= command with its prefixes decoded. */
export interface ExecCommand {
  /** The raw value (for `status` lines such as `ExecStartPre=/usr/sbin/sshd -t`). */
  raw: string;
  /** `-`: a failure is ignored. */
  ignoreFailure: boolean;
  /** `+` or `!`: runs with full privileges (User= ignored). */
  privileged: boolean;
  /** `@`: argv[0] is the second word. */
  customArgv0: boolean;
  /** `:`: no environment variable substitution. */
  noSubstitution: boolean;
  /** The rest of the line, to be split when it runs (after the environment is known). */
  line: string;
}

/** Decodes the special prefixes of an Exec*= value. */
export const parseExecValue = (raw: string): ExecCommand => {
  let rest = raw.trim();
  const command: ExecCommand = { raw, ignoreFailure: false, privileged: false, customArgv0: false, noSubstitution: false, line: "" };
  for (;;) {
    const c = rest[0];
    if (c === "-") command.ignoreFailure = true;
    else if (c === "+" || c === "!") command.privileged = true;
    else if (c === "@") command.customArgv0 = true;
    else if (c === ":") command.noSubstitution = true;
    else break;
    rest = rest.slice(1);
  }
  command.line = rest;
  return command;
};

/** Parses `Environment=` values (`A=1 "B=two words"`) into a map. */
export const parseEnvironmentAssignments = (values: readonly string[]): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const value of values) {
    for (const word of splitCommandLine(value.replace(/\$/g, "$$$$").replace(/%/g, "%%"))) {
      const eq = word.indexOf("=");
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
};

/** Parses an EnvironmentFile (KEY=value lines, `#` comments, optional quotes, `export` ignored). */
export const parseEnvironmentFile = (text: string): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim().replace(/^export\s+/, "");
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    env[line.slice(0, eq).trim()] = value;
  }
  return env;
};
