// The error a parser throws when a tool's output does not have the expected shape (Portuguese, for the student).

/** Output that could not be read: what was being read, what is wrong, and (never for secrets) a short excerpt. */
export class ParseError extends Error {
  constructor(
    /** What was being read, e.g. "a saída do ping". */
    readonly what: string,
    /** What is wrong, e.g. "não há a linha de estatísticas". */
    readonly problem: string,
    /** A short excerpt of the input (never given for secrets such as the istio-token). */
    readonly excerpt?: string,
  ) {
    super(`não foi possível ler ${what}: ${problem}${excerpt !== undefined ? `\ntrecho: ${excerpt}` : ""}`);
    this.name = "ParseError";
  }
}

/** The first `max` characters of a text on one line, for error messages. */
export const excerptOf = (text: string, max = 160): string => {
  const flat = text.trim().replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};
