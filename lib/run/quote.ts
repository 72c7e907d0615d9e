// POSIX shell quoting: the only place the library turns argv into a shell string (the remote shell of SSH, and the
// display form of a command).

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell so that it arrives as exactly one word, never expanded or executed. */
export const quote = (arg: string): string => {
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
};

/** Joins an argv into one POSIX shell command line, each element quoted. */
export const quoteArgv = (argv: readonly string[]): string => argv.map(quote).join(" ");
