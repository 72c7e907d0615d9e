// The istio.io doc-test vocabulary as data: each matcher is a plain object ({ kind: "like", expected }) so a check
// event can record it and show "expected" readably. Semantics follow istio.io's tests/util/verify.sh.

/** A text matcher over a command's output (stdout then stderr, like `2>&1`). */
export type Matcher =
  /** The output equals `expected` (CR, trailing blanks and trailing empty lines ignored). */
  | { kind: "same"; expected: string }
  /** The output contains `expected`. */
  | { kind: "contains"; expected: string }
  /** The output does not contain `expected`, and the command succeeded. */
  | { kind: "not-contains"; expected: string }
  /** The parts of `expected` separated by lines holding only "..." appear in the output, in order. */
  | { kind: "elided"; expected: string }
  /** Same lines and fields as `expected`; fields may differ in IPs, durations, generated name suffixes; "..." matches any field. */
  | { kind: "like"; expected: string }
  /** Every "+ text" line of `expected` appears in the output, no "- text" line does. */
  | { kind: "lines"; expected: string }
  /** The first line of the output equals the first line of `expected`. */
  | { kind: "first-line"; expected: string }
  /** Some part of the output matches the regular expression. */
  | { kind: "regex"; pattern: string; flags?: string }
  /** The command fails (non-zero exit code); optionally its output contains `contains`. */
  | { kind: "failure"; contains?: string };

/** The kinds of text matchers. */
export type MatcherKind = Matcher["kind"];

/** Builders for matchers (plain objects work too). */
export const match = {
  /** Output equals the text. */
  same: (expected: string): Matcher => ({ kind: "same", expected }),
  /** Output contains the text. */
  contains: (expected: string): Matcher => ({ kind: "contains", expected }),
  /** Output does not contain the text (and the command succeeded). */
  notContains: (expected: string): Matcher => ({ kind: "not-contains", expected }),
  /** Parts separated by "..." lines appear in order. */
  elided: (expected: string): Matcher => ({ kind: "elided", expected }),
  /** Same shape, tolerating IPs, durations and generated name suffixes. */
  like: (expected: string): Matcher => ({ kind: "like", expected }),
  /** "+ present" / "- absent" lines; also accepts lists. */
  lines: (expected: string | { present?: readonly string[]; absent?: readonly string[] }): Matcher => ({
    kind: "lines",
    expected: typeof expected === "string" ? expected : [...(expected.present ?? []).map((l) => `+ ${l}`), ...(expected.absent ?? []).map((l) => `- ${l}`)].join("\n"),
  }),
  /** First line equals the first line of the text. */
  firstLine: (expected: string): Matcher => ({ kind: "first-line", expected }),
  /** Some part of the output matches. */
  regex: (pattern: RegExp | string, flags?: string): Matcher =>
    typeof pattern === "string" ? { kind: "regex", pattern, ...(flags !== undefined ? { flags } : {}) } : { kind: "regex", pattern: pattern.source, ...(pattern.flags ? { flags: pattern.flags } : {}) },
  /** The command fails. */
  failure: (contains?: string): Matcher => ({ kind: "failure", ...(contains !== undefined ? { contains } : {}) }),
} as const;

const KINDS: readonly MatcherKind[] = ["same", "contains", "not-contains", "elided", "like", "lines", "first-line", "regex", "failure"];

/** True for a matcher object. */
export const isMatcher = (value: unknown): value is Matcher =>
  typeof value === "object" && value !== null && KINDS.includes((value as { kind?: MatcherKind }).kind as MatcherKind) && !("evaluate" in value);

/** What a matcher expects, in Portuguese, with the expected text on the following lines. */
export const describeMatcher = (m: Matcher): string => {
  switch (m.kind) {
    case "same":
      return `igual a:\n${m.expected}`;
    case "contains":
      return `contém:\n${m.expected}`;
    case "not-contains":
      return `não contém (e o comando termina bem):\n${m.expected}`;
    case "elided":
      return `estes trechos, nesta ordem ("..." = linhas quaisquer):\n${m.expected}`;
    case "like":
      return `parecido com (podem variar IPs, durações, sufixos gerados de nomes; "..." = qualquer campo):\n${m.expected}`;
    case "lines":
      return `linhas presentes (+) e ausentes (-):\n${m.expected}`;
    case "first-line":
      return `primeira linha igual a:\n${m.expected.replace(/\r/g, "").split("\n")[0] ?? ""}`;
    case "regex":
      return `casa com a expressão regular /${m.pattern}/${m.flags ?? ""}`;
    case "failure":
      return `o comando falha (código de saída diferente de 0)${m.contains !== undefined ? `, com a mensagem:\n${m.contains}` : ""}`;
  }
};
