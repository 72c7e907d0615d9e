// Evaluates a text matcher against what a command printed (and how it ended): pure, no I/O.
import { compareLike } from "./like.js";
import type { Matcher } from "./matchers.js";
import { normalizeText, normalizedLines, quoteShort } from "./normalize.js";

/** What a matcher looks at: the output text and, when a command ran, its exit code. */
export interface MatchInput {
  text: string;
  /** Undefined when the received value was not a command result. */
  exitCode?: number | null;
}

/** The outcome of a matcher: passed or not, and where it failed (Portuguese). */
export interface MatchOutcome {
  ok: boolean;
  detail?: string;
}

/** Applies one matcher. */
export const applyMatcher = (m: Matcher, input: MatchInput): MatchOutcome => {
  const out = normalizeText(input.text);
  switch (m.kind) {
    case "same":
      return compareSame(out, normalizeText(m.expected));
    case "contains":
      return out.includes(normalizeText(m.expected)) ? { ok: true } : { ok: false, detail: "o texto esperado não aparece na saída" };
    case "not-contains":
      if (failed(input)) return { ok: false, detail: `o comando falhou (código ${input.exitCode}); a verificação exige que ele termine bem` };
      return out.includes(normalizeText(m.expected)) ? { ok: false, detail: `a saída contém ${quoteShort(normalizeText(m.expected))}` } : { ok: true };
    case "elided":
      return compareElided(out, m.expected);
    case "like":
      return compareLike(out, m.expected);
    case "lines":
      return compareLines(out, m.expected);
    case "first-line": {
      const got = normalizedLines(out)[0] ?? "";
      const want = normalizedLines(m.expected)[0] ?? "";
      return got === want ? { ok: true } : { ok: false, detail: `primeira linha recebida: ${quoteShort(got)}` };
    }
    case "regex": {
      let re: RegExp;
      try {
        re = new RegExp(m.pattern, (m.flags ?? "").replace("g", ""));
      } catch (error) {
        return { ok: false, detail: `expressão regular inválida: ${(error as Error).message}` };
      }
      return re.test(out) ? { ok: true } : { ok: false, detail: "nenhum trecho da saída casa com a expressão" };
    }
    case "failure":
      if (input.exitCode === undefined) return { ok: false, detail: "não há código de saída: a verificação precisa do resultado de um comando" };
      if (!failed(input)) return { ok: false, detail: "o comando terminou com sucesso (código 0), mas deveria falhar" };
      if (m.contains !== undefined && !out.includes(normalizeText(m.contains))) {
        return { ok: false, detail: `o comando falhou (código ${input.exitCode}), mas a mensagem esperada não aparece` };
      }
      return { ok: true };
  }
};

const failed = (input: MatchInput): boolean => input.exitCode !== undefined && input.exitCode !== 0;

const compareSame = (got: string, want: string): MatchOutcome => {
  if (got === want) return { ok: true };
  const g = got.split("\n");
  const w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) {
      if (g[i] === undefined) return { ok: false, detail: `faltam linhas: a saída termina na linha ${i} (esperado ${w.length} linhas)` };
      if (w[i] === undefined) return { ok: false, detail: `linhas a mais a partir da linha ${i + 1}: ${quoteShort(g[i]!)}` };
      return { ok: false, detail: `primeira diferença na linha ${i + 1}: esperado ${quoteShort(w[i]!)}, recebido ${quoteShort(g[i]!)}` };
    }
  }
  return { ok: false };
};

/** Chunks separated by "..." lines must appear in the output in order (istio.io checks each chunk anywhere). */
const compareElided = (out: string, expected: string): MatchOutcome => {
  const chunks: string[] = [];
  let current: string[] = [];
  for (const line of normalizeText(expected).split("\n")) {
    if (/^\s*\.\.\.\s*$/.test(line)) {
      if (current.length) chunks.push(current.join("\n"));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) chunks.push(current.join("\n"));
  let from = 0;
  for (const [i, chunk] of chunks.entries()) {
    const at = out.indexOf(chunk, from);
    if (at === -1) {
      const anywhere = out.includes(chunk);
      return { ok: false, detail: `o trecho ${i + 1} de ${chunks.length} ${anywhere ? "aparece fora de ordem" : "não aparece"}: ${quoteShort(chunk.split("\n")[0]!)}` };
    }
    from = at + chunk.length;
  }
  return { ok: true };
};

const compareLines = (out: string, expected: string): MatchOutcome => {
  for (const line of expected.replace(/\r/g, "").split("\n")) {
    if (line.startsWith("+ ") && !out.includes(line.slice(2))) return { ok: false, detail: `falta uma linha com ${quoteShort(line.slice(2))}` };
    if (line.startsWith("- ") && out.includes(line.slice(2))) return { ok: false, detail: `há uma linha com ${quoteShort(line.slice(2))}, que não deveria aparecer` };
  }
  return { ok: true };
};
