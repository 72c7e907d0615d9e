// Structured check over an HTTP answer read with the runbook's curl convention: status, JSON fields, body text.
import { InputError } from "../../errors.js";
import { parseCurl, type HttpAnswer } from "../../parse/curl.js";
import { isCommandOutput, type CommandOutputLike } from "../../parse/text.js";
import type { Expectation, Verdict } from "../expectation.js";

/** What httpAnswer accepts: curl's output (text or command result) or an already parsed answer. */
export type HttpReceived = string | CommandOutputLike | HttpAnswer;

/** Options of httpAnswer. */
export interface HttpAnswerOptions {
  /** Expected HTTP status. */
  status?: number;
  /** Fields the JSON body must have (a subset; nested objects compared the same way). */
  json?: Record<string, unknown>;
  /** Text the body must contain. */
  bodyContains?: string;
}

/** Expects an HTTP answer with this status and JSON fields. */
export const httpAnswer = (options: HttpAnswerOptions): Expectation<HttpReceived> => {
  if (options.status === undefined && options.json === undefined && options.bodyContains === undefined) {
    throw new InputError("httpAnswer: nada a verificar", "passe status, json e/ou bodyContains", "httpAnswer");
  }
  if (options.status !== undefined && (!Number.isInteger(options.status) || options.status < 100 || options.status > 599)) {
    throw new InputError(`httpAnswer: status inválido (${options.status})`, "use um código HTTP entre 100 e 599", "status");
  }
  const parts = [
    ...(options.status !== undefined ? [`status HTTP ${options.status}`] : []),
    ...(options.json !== undefined ? [`JSON com ${JSON.stringify(options.json)}`] : []),
    ...(options.bodyContains !== undefined ? [`corpo contendo «${options.bodyContains}»`] : []),
  ];
  const expected = parts.join(", ");
  return {
    kind: "http-answer",
    expected,
    spec: { ...options },
    evaluate: (received): Verdict => {
      const answer = isParsed(received) ? received : parseCurl(received);
      const shown = describeAnswer(answer);
      const data = { status: answer.status, ...(answer.json !== undefined ? { json: answer.json } : {}) };
      const fail = (detail: string): Verdict => ({ ok: false, expected, received: shown, detail, data });
      if (answer.curlError && (answer.status === null || answer.status === 0)) return fail(`sem resposta HTTP: curl (${answer.curlError.code}) ${answer.curlError.meaning ?? answer.curlError.message}`);
      if (options.status !== undefined) {
        if (answer.status === null) return fail("a saída não traz o código HTTP: use curlStatusArgv (curl -sS -w '\\nhttp_code=%{http_code}\\n' URL)");
        if (answer.status === 0) return fail("nenhuma resposta HTTP (http_code=000)");
        if (answer.status !== options.status) return fail(`status ${answer.status}, esperado ${options.status}`);
      }
      if (options.json !== undefined) {
        if (answer.json === undefined) return fail("o corpo não é JSON");
        const problem = subsetProblem(options.json, answer.json, "");
        if (problem) return fail(problem);
      }
      if (options.bodyContains !== undefined && !answer.body.includes(options.bodyContains)) return fail(`o corpo não contém «${options.bodyContains}»`);
      return { ok: true, expected, received: shown, data };
    },
  };
};

const isParsed = (v: HttpReceived): v is HttpAnswer => typeof v === "object" && v !== null && "body" in v && "headers" in v && !isCommandOutput(v);

const describeAnswer = (a: HttpAnswer): string => {
  const head = a.status === null ? "status HTTP desconhecido" : a.status === 0 ? "sem resposta HTTP" : `HTTP ${a.status}`;
  const body = a.json !== undefined ? JSON.stringify(a.json, null, 2) : a.body.trim();
  const curl = a.curlError ? `\ncurl: (${a.curlError.code}) ${a.curlError.message}` : "";
  return `${head}${body ? `\n${body}` : ""}${curl}`;
};

/** Where `actual` does not contain `expected` (a JSON subset), or undefined. */
export const subsetProblem = (expected: unknown, actual: unknown, path: string): string | undefined => {
  const at = path || "(raiz)";
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return `${at}: esperado um objeto`;
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) return `falta o campo ${path ? `${path}.` : ""}${k}`;
      const problem = subsetProblem(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (problem) return problem;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: esperado uma lista de ${expected.length} itens`;
    for (let i = 0; i < expected.length; i++) {
      const problem = subsetProblem(expected[i], actual[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${at}: esperado ${JSON.stringify(expected)}, recebido ${JSON.stringify(actual)}`;
};
