// POSIX shell quoting: the only place the library turns argv into a shell string (the remote shell of SSH, and the
// display form of a command). Proven against real dash and bash, locally and through OpenSSH (test/lib/run,
// test/lib/vm).

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Words a shell treats specially in command position even when they are made only of safe characters. */
const RESERVED = new Set(["!", "{", "}", "[[", "]]", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select", "then", "time", "until", "while"]);

/** Quotes one argument for a POSIX shell so that it arrives as exactly one word, never expanded or executed. */
export const quote = (arg: string): string => {
  // A NUL cannot be part of an argument: execve() would cut the word there, silently.
  if (arg.includes("\0")) throw new TypeError("um argumento não pode conter o caractere NUL (\\0)");
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
};

/**
 * Quotes the first word of a command line: besides quote(), a word that would be read as a variable assignment
 * (`A=1`), a reserved word (`if`, `!`) or, for a shell started with `-c`, an option (`-x`) is quoted too, so that it
 * runs as the program of that name.
 */
export const quoteCommandWord = (arg: string): string => {
  const quoted = quote(arg);
  if (quoted !== arg) return quoted;
  return arg.includes("=") || arg.startsWith("-") || RESERVED.has(arg) ? `'${arg}'` : arg;
};

/** Joins an argv into one POSIX shell command line, each element quoted (the first as a command word). */
export const quoteArgv = (argv: readonly string[]): string =>
  argv.map((arg, i) => (i === 0 ? quoteCommandWord(arg) : quote(arg))).join(" ");
