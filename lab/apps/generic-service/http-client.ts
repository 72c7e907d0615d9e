// `requests.get(url, headers=...)` as the original calls it for scheduled and split calls: a fresh connection per
// call, requests' default headers merged with the given ones, redirects followed (30 at most), gzip/deflate bodies
// decoded, no timeout. Failures come back as requests would word them, never thrown (except for cancellation).
import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { pyStr } from "./python-repr.js";
import { describeBodyError, describeDecodeError, describeRequestError, type CallTarget } from "./requests-errors.js";
import type { HeaderList } from "./tracing.js";

/** The User-Agent requests sent in the course's recordings of the original (python-requests 2.24.0). */
export const REQUESTS_USER_AGENT = "python-requests/2.24.0";

/** The outcome of one call: the final response, or the error text requests would give. */
export type CallOutcome =
  | { ok: true; url: string; status: number; headers: HeaderList; body: Buffer }
  | { ok: false; url: string; error: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 30;

type Prepared = { ok: true; url: URL } | { ok: false; error: string };

// requests' PreparedRequest.prepare_url and Session.get_adapter, for the cases a student can type.
const prepareUrl = (raw: string): Prepared => {
  const url = raw.replace(/^\s+/u, "");
  if (url.includes(":") && !url.toLowerCase().startsWith("http")) {
    return { ok: false, error: `No connection adapters were found for ${pyStr(url)}` };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return { ok: false, error: `Invalid URL ${pyStr(url)}: No schema supplied. Perhaps you meant http://${url}?` };
  const authority = /^[^:]*:\/\/([^/?#]*)/.exec(url)?.[1] ?? "";
  const hostPart = authority.replace(/^.*@/, "").replace(/:\d*$/, "");
  if (!hostPart) return { ok: false, error: `Invalid URL ${pyStr(url)}: No host supplied` };
  const lowerScheme = (scheme[1] ?? "").toLowerCase();
  if (lowerScheme !== "http" && lowerScheme !== "https") {
    const rest = url.slice(url.indexOf("://") + 3 + authority.length);
    return { ok: false, error: `No connection adapters were found for ${pyStr(`${lowerScheme}://${authority}${rest.startsWith("/") ? rest : `/${rest}`}`)}` };
  }
  try {
    return { ok: true, url: new URL(url) };
  } catch {
    return { ok: false, error: `Failed to parse: ${url}` };
  }
};

// requests' session headers first, then the caller's: a same-named header keeps its place but takes the caller's spelling.
const mergeHeaders = (host: string, extra: HeaderList): HeaderList => {
  const merged: HeaderList = [
    ["Host", host],
    ["User-Agent", REQUESTS_USER_AGENT],
    ["Accept-Encoding", "gzip, deflate"],
    ["Accept", "*/*"],
    ["Connection", "keep-alive"],
  ];
  for (const [name, value] of extra) {
    const existing = merged.find(([key]) => key.toLowerCase() === name.toLowerCase());
    if (existing) {
      existing[0] = name;
      existing[1] = value;
    } else merged.push([name, value]);
  }
  return merged;
};

// urllib3's HTTPHeaderDict: repeated headers joined with ", " under the first spelling.
const foldHeaders = (raw: string[]): HeaderList => {
  const folded: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const value = raw[i + 1] ?? "";
    const existing = folded.find(([key]) => key.toLowerCase() === name.toLowerCase());
    if (existing) existing[1] = `${existing[1]}, ${value}`;
    else folded.push([name, value]);
  }
  return folded;
};

const headerValue = (headers: HeaderList, name: string): string | undefined => headers.find(([key]) => key.toLowerCase() === name)?.[1];

const decodeBody = (body: Buffer, headers: HeaderList): { ok: true; body: Buffer } | { ok: false; error: string } => {
  const encodings = (headerValue(headers, "content-encoding") ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean).reverse();
  let out = body;
  for (const encoding of encodings) {
    try {
      if (encoding === "gzip" || encoding === "x-gzip") out = zlib.gunzipSync(out);
      else if (encoding === "deflate") {
        try {
          out = zlib.inflateSync(out);
        } catch {
          out = zlib.inflateRawSync(out);
        }
      }
    } catch (error) {
      return { ok: false, error: describeDecodeError(encoding, error as NodeJS.ErrnoException) };
    }
  }
  return { ok: true, body: out };
};

interface RawResponse {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

const abortError = (): Error => Object.assign(new Error("the call was cancelled"), { name: "AbortError" });

// One request/response exchange on a fresh connection.
const exchange = (url: URL, headers: HeaderList, signal: AbortSignal | undefined): Promise<RawResponse | { error: string }> =>
  new Promise((resolve, reject) => {
    const scheme = url.protocol === "https:" ? "https" : "http";
    const target: CallTarget = {
      scheme,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port ? Number(url.port) : scheme === "https" ? 443 : 80,
      requestUri: `${url.pathname}${url.search}`,
    };
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    let settled = false;
    const finish = (value: RawResponse | { error: string }): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const request = (scheme === "https" ? https : http).request({
      host: target.host,
      port: target.port,
      path: target.requestUri,
      method: "GET",
      headers: headers.flat(),
      setHost: false,
      agent: false,
    });
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(abortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error: NodeJS.ErrnoException) => finish({ error: describeRequestError(error, target) }));
    request.on("response", (response) => {
      const responseHeaders = foldHeaders(response.rawHeaders);
      const lengthText = headerValue(responseHeaders, "content-length");
      const expected = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : undefined;
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      });
      response.on("aborted", () => finish({ error: describeBodyError(received, expected) }));
      response.on("error", () => finish({ error: describeBodyError(received, expected) }));
      response.on("end", () => {
        request.destroy();
        finish({ status: response.statusCode ?? 0, headers: responseHeaders, body: Buffer.concat(chunks) });
      });
    });
    request.end();
  });

/** Calls `rawUrl` like `requests.get(rawUrl, headers=headers)`; rejects only with an AbortError when `signal` fires. */
export const requestsGet = async ({
  url: rawUrl,
  headers = [],
  signal,
}: {
  url: string;
  headers?: HeaderList;
  signal?: AbortSignal;
}): Promise<CallOutcome> => {
  let prepared = prepareUrl(rawUrl);
  for (let redirects = 0; ; redirects += 1) {
    if (!prepared.ok) return { ok: false, url: rawUrl, error: prepared.error };
    const response = await exchange(prepared.url, mergeHeaders(prepared.url.host, headers), signal);
    if ("error" in response) return { ok: false, url: rawUrl, error: response.error };
    const location = headerValue(response.headers, "location");
    if (REDIRECT_STATUSES.has(response.status) && location !== undefined) {
      if (redirects >= MAX_REDIRECTS) return { ok: false, url: rawUrl, error: `Exceeded ${MAX_REDIRECTS} redirects.` };
      let next: string;
      try {
        next = new URL(location, prepared.url).href;
      } catch {
        return { ok: false, url: rawUrl, error: `Failed to parse: ${location}` };
      }
      prepared = prepareUrl(next);
      continue;
    }
    const decoded = decodeBody(response.body, response.headers);
    if (!decoded.ok) return { ok: false, url: rawUrl, error: decoded.error };
    return { ok: true, url: rawUrl, status: response.status, headers: response.headers, body: decoded.body };
  }
};
