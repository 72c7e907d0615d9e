// HTTP from the VM with curl: the status and the body as values (the course's `ssh-vm curl …`), and downloads.
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import { remotePath } from "./remote-path.js";
import type { VmShell } from "./shell.js";

/** Options of curlFromVm. */
export interface CurlOptions {
  /** `http://host:port/path` or, as the course writes it, `host:port/path`. */
  url: string;
  method?: "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "PATCH";
  /** Request headers as `Name: value`. */
  headers?: readonly string[];
  /** Request body (sent as is). */
  data?: string;
  /** Whole-request limit in seconds (curl -m; default 10). */
  maxTimeSeconds?: number;
  followRedirects?: boolean;
  sudo?: boolean;
}

/** What came back. */
export interface CurlResponse {
  url: string;
  /** curl exited 0 (some HTTP answer arrived; the status may still be 4xx/5xx). */
  ok: boolean;
  /** HTTP status, 0 when no answer arrived. */
  status: number;
  body: string;
  /** curl's exit code (6 name not resolved, 7 could not connect, 28 timeout, 52 empty reply, 56 connection reset…). */
  curlExitCode: number | null;
  /** curl's error line when it failed (e.g. "curl: (7) Failed to connect to localhost port 15000 …"). */
  error: string;
  planned: boolean;
  result: CommandResult;
}

/** What curl prints after the body, so that status and body come back on one stream. */
export const STATUS_TRAILER = "\\nHTTP %{http_code}\\n";
const TRAILER = /\nHTTP (\d{3})\n$/;

/** Checks a URL for curl: no spaces or control characters, not an option. */
const curlUrl = (url: string): string => {
  if (typeof url !== "string" || url === "" || /[\s\0]/.test(url) || url.startsWith("-")) {
    throw new InputError(`curl: ${JSON.stringify(url)} não é uma URL válida`, "use, por exemplo, http://payment.default.svc:8000/ ou localhost:15000/clusters (sem espaços)");
  }
  return url;
};

/** Sends an HTTP request from the VM (`curl -sS …`); never throws for an HTTP error or a refused connection. */
export const curlFromVm = async (shell: VmShell, options: CurlOptions): Promise<CurlResponse> => {
  const url = curlUrl(options.url);
  const max = options.maxTimeSeconds ?? 10;
  if (!Number.isFinite(max) || max <= 0 || max > 3600) throw new InputError(`curl: maxTimeSeconds ${max} inválido`, "use um número de segundos entre 1 e 3600");
  for (const header of options.headers ?? []) {
    if (!/^[A-Za-z0-9-]+:/.test(header) || /[\r\n\0]/.test(header)) {
      throw new InputError(`curl: cabeçalho ${JSON.stringify(header)} inválido`, "escreva cada cabeçalho como \"Nome: valor\", sem quebras de linha");
    }
  }
  const argv = [
    "curl",
    "-sS",
    ...(options.followRedirects ? ["-L"] : []),
    ...(options.method && options.method !== "GET" ? (options.method === "HEAD" ? ["-I"] : ["-X", options.method]) : []),
    ...(options.headers ?? []).flatMap((h) => ["-H", h]),
    ...(options.data !== undefined ? ["--data-binary", options.data] : []),
    "-m",
    String(max),
    "-w",
    STATUS_TRAILER,
    url,
  ];
  const result = await shell.ssh({ argv, nothrow: true, timeoutMs: (max + 30) * 1000, ...(options.sudo ? { sudo: true } : {}) });
  shell.raiseIfNotAnswered(result);
  if (result.planned) return { url, ok: false, status: 0, body: "", curlExitCode: 0, error: "", planned: true, result };
  const m = TRAILER.exec(result.stdout);
  if (!m) {
    shell.session.reportFailure(result);
    throw result;
  }
  return {
    url,
    ok: result.exitCode === 0,
    status: Number(m[1]),
    body: result.stdout.slice(0, m.index),
    curlExitCode: result.exitCode,
    error: result.exitCode === 0 ? "" : result.stderr.trim(),
    planned: false,
    result,
  };
};

/** Downloads a URL to a file on the VM (`curl -fL -o`; fails on HTTP errors instead of saving an error page). */
export const downloadOnVm = async (shell: VmShell, { url, dest, timeoutMs = 600_000 }: { url: string; dest?: string; timeoutMs?: number }): Promise<CommandResult> => {
  const source = curlUrl(url);
  const name = dest ?? decodeURIComponent(new URL(source, "http://x/").pathname.split("/").pop() ?? "");
  const target = remotePath({ value: name, what: "downloadOnVm.dest" });
  return shell.ssh({ argv: ["curl", "-fL", "--retry", "2", "-sS", "-o", target, source], timeoutMs });
};
