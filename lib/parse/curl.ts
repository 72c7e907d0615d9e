// The runbook's curl convention and how to read it back: `curl -sS -w '\nhttp_code=%{http_code}\n' URL` prints the
// body, then a line with the HTTP status (000 when no answer came); errors go to stderr as "curl: (N) …".
import { isCommandOutput, type CommandOutputLike } from "./text.js";

/** The -w format that appends the HTTP status on a line of its own (curl expands the \n). */
export const CURL_STATUS_WRITE_OUT = "\\nhttp_code=%{http_code}\\n";

const STATUS_TRAILER = /\r?\nhttp_code=(\d{3})\r?\n?$/;
const CURL_ERROR = /curl: \((\d+)\) ([^\n]*)/;

/** Options of curlStatusArgv. */
export interface CurlArgvOptions {
  url: string;
  /** Seconds before curl gives up on the whole transfer (--max-time). */
  maxTimeSeconds?: number;
  /** Extra request headers, e.g. { Host: "x" }. */
  headers?: Record<string, string>;
  /** Print response headers too (-i); parseCurl reads them. */
  includeHeaders?: boolean;
}

/** The argv of a curl call that follows the convention (quiet, errors shown, status on the last line). */
export const curlStatusArgv = (options: CurlArgvOptions): string[] => [
  "curl",
  "-sS",
  ...(options.includeHeaders ? ["-i"] : []),
  ...(options.maxTimeSeconds !== undefined ? ["--max-time", String(options.maxTimeSeconds)] : []),
  ...Object.entries(options.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
  "-w",
  CURL_STATUS_WRITE_OUT,
  options.url,
];

/** What curl's exit codes mean (Portuguese, for the student). */
export const CURL_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  3: "URL malformada",
  6: "não foi possível resolver o nome do host",
  7: "não foi possível conectar (porta fechada, conexão recusada ou sem rota)",
  22: "o servidor respondeu com erro HTTP (opção -f)",
  28: "tempo esgotado",
  35: "falha no handshake TLS",
  47: "redirecionamentos demais",
  52: "o servidor fechou a conexão sem responder",
  56: "falha ao receber dados (conexão reiniciada pelo outro lado)",
  60: "o certificado do servidor não é confiável",
};

/** An HTTP answer as read from curl's output. */
export interface HttpAnswer {
  /** The HTTP status; 0 when curl got no answer (http_code=000); null when the output does not follow the convention. */
  status: number | null;
  /** Response headers (lower-case names), when -i was used. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** curl's own error ("curl: (7) Failed to connect …"), from stderr. */
  curlError?: { code: number; message: string; meaning?: string };
  /** The command's exit code, when a command result was given. */
  exitCode?: number | null;
}

/** Reads curl output (a string holding stdout, or a command result) following the runbook's convention. */
export const parseCurl = (output: string | CommandOutputLike): HttpAnswer => {
  const stdout = typeof output === "string" ? output : output.stdout;
  const stderr = typeof output === "string" ? "" : output.stderr;
  let body = stdout;
  let status: number | null = null;
  const trailer = STATUS_TRAILER.exec(stdout);
  if (trailer) {
    status = Number(trailer[1]);
    body = stdout.slice(0, trailer.index);
  }
  const headers: Record<string, string> = {};
  const head = /^HTTP\/[\d.]+ (\d{3})[^\n]*\r?\n/.exec(body);
  if (head) {
    const end = body.search(/\r?\n\r?\n/);
    const block = end === -1 ? body : body.slice(0, end);
    for (const line of block.split(/\r?\n/).slice(1)) {
      const i = line.indexOf(":");
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    status ??= Number(head[1]);
    body = end === -1 ? "" : body.slice(end).replace(/^\r?\n\r?\n/, "");
  }
  const answer: HttpAnswer = { status, headers, body };
  const json = tryJson(body);
  if (json.ok) answer.json = json.value;
  const error = CURL_ERROR.exec(stderr) ?? (typeof output === "string" ? CURL_ERROR.exec(stdout) : null);
  if (error) {
    const code = Number(error[1]);
    answer.curlError = { code, message: error[2]!.trim(), ...(CURL_EXIT_MEANINGS[code] ? { meaning: CURL_EXIT_MEANINGS[code] } : {}) };
  }
  if (isCommandOutput(output)) answer.exitCode = output.exitCode;
  return answer;
};

const tryJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  const t = text.trim();
  if (!t || !/^[[{"]/.test(t)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) as unknown };
  } catch {
    return { ok: false };
  }
};
