// The original's HTTP application: FastAPI's documentation routes, then GET /, /r, /s and /healthz, with Starlette's
// routing rules (405 for a known path and another method, 307 to the path with/without a trailing slash, 404).
import type { GenericServiceConfig } from "./config.js";
import { oauth2RedirectPage, redocPage, swaggerUiPage } from "./docs-pages.js";
import { invokeUrlList } from "./fan-out.js";
import { sleep } from "./long-timer.js";
import type { ServiceLog } from "./logging.js";
import { detailBody, jsonBody, messageOut } from "./message.js";
import { openApiDocument } from "./openapi.js";
import { pyDict, pyList, pyBytes } from "./python-repr.js";
import { parseQuery, readIntParams } from "./query.js";
import { hasStatusLine } from "./status-phrases.js";
import { formatWhen } from "./time-format.js";
import { traceCarrier, type HeaderList } from "./tracing.js";
import { pyQuotePlus } from "./url-quote.js";

/** A request as the application sees it (uvicorn's ASGI scope). */
export interface AppRequest {
  method: string;
  /** Percent-decoded path. */
  path: string;
  /** Raw query string (without `?`). */
  queryString: string;
  /** Headers in arrival order, names lower-cased, values decoded as latin-1. */
  headers: HeaderList;
  /** `http`, or X-Forwarded-Proto (uvicorn runs with --proxy-headers --forwarded-allow-ips=*). */
  scheme: string;
  /** The connection's local address, for redirects when the request has no Host header. */
  server: { host: string; port: number };
}

/** What the application answers. */
export interface AppResponse {
  /** May lie outside 100..599 (only /r?code=…); uvicorn then cannot write a status line. */
  status: bigint;
  /** Application headers (uvicorn adds date and server before them). */
  headers: HeaderList;
  body: Buffer;
  /** An exception escaped the application: uvicorn logs this traceback and closes the connection. */
  exception?: string;
}

/** What the handlers need besides the request. */
export interface AppContext {
  config: GenericServiceConfig;
  log: ServiceLog;
  /** Aborts sleeps and downstream calls when the service stops. */
  signal: AbortSignal;
  now?: () => Date;
  /** Random id source for new traces (tests make it deterministic). */
  newTraceId?: () => bigint;
}

const json = (status: number, value: unknown): AppResponse => {
  const body = jsonBody(value);
  return { status: BigInt(status), headers: [["content-length", String(body.length)], ["content-type", "application/json"]], body };
};

const html = (page: string): AppResponse => {
  const body = Buffer.from(page, "utf8");
  return { status: 200n, headers: [["content-length", String(body.length)], ["content-type", "text/html; charset=utf-8"]], body };
};

const detail = (status: number, text: string): AppResponse => {
  const body = detailBody(text);
  return { status: BigInt(status), headers: [["content-length", String(body.length)], ["content-type", "application/json"]], body };
};

const traceback = (frame: string, code: string, exception: string): string =>
  `Traceback (most recent call last):\n  File ${frame}\n    ${code}\n${exception}`;

// Python's time.sleep raises OverflowError beyond this many seconds (int64 nanoseconds).
const MAX_SLEEP_SECONDS = 9_223_372_036n;

// Starlette's ServerErrorMiddleware answer when the endpoint raised.
const detailless500 = (): AppResponse => {
  const body = Buffer.from("Internal Server Error", "utf8");
  return { status: 500n, headers: [["content-length", String(body.length)], ["content-type", "text/plain; charset=utf-8"]], body };
};

type Handler = (request: AppRequest, context: AppContext) => Promise<AppResponse>;

interface Route {
  path: string;
  methods: ReadonlySet<string>;
  handle: Handler;
}

const now = (context: AppContext): Date => (context.now ?? (() => new Date()))();

const carrierFor = (request: AppRequest, context: AppContext): HeaderList => traceCarrier(request.headers, context.newTraceId);

const message = (context: AppContext, name: string, description: string, when: string): AppResponse =>
  json(200, messageOut({ name, description, app: context.config.app, version: context.config.version, when }));

const root: Handler = async (request, context) => {
  const when = formatWhen(now(context));
  context.log.app("INFO", `opentracing: ${pyDict(carrierFor(request, context))}`);
  return message(context, "greetings", "Hi there!", when);
};

const respond: Handler = async (request, context) => {
  const params = readIntParams(parseQuery(request.queryString), [
    { name: "code", default: 200n },
    { name: "wait", default: 0n },
  ]);
  if (!params.ok) return json(422, { detail: params.issues });
  const code = params.values.get("code") ?? 200n;
  const wait = params.values.get("wait") ?? 0n;
  const when = formatWhen(now(context));
  context.log.app("INFO", `opentracing: ${pyDict(carrierFor(request, context))}`);
  const sleepFrame = `"./main.py", line 74, in resp`;
  if (wait < 0n) {
    return { ...detailless500(), exception: traceback(sleepFrame, "time.sleep(wait)", "ValueError: sleep length must be non-negative") };
  }
  if (wait > MAX_SLEEP_SECONDS) {
    return { ...detailless500(), exception: traceback(sleepFrame, "time.sleep(wait)", "OverflowError: timestamp too large to convert to C _PyTime_t") };
  }
  await sleep(Number(wait) * 1000, context.signal);
  const text = `At ${when} this request asks for ${code} and waits for ${wait}s and now is ${formatWhen(now(context))}.`;
  const body = detailBody(text);
  const response: AppResponse = {
    status: code,
    headers: [["content-length", String(body.length)], ["content-type", "application/json"]],
    body,
  };
  if (!hasStatusLine(code)) {
    response.exception = traceback(
      `"/usr/local/lib/python3.8/site-packages/uvicorn/protocols/http/httptools_impl.py", line 463, in send`,
      "content = [STATUS_LINE[status_code]]",
      `KeyError: ${code}`,
    );
  }
  return response;
};

// Starlette's Headers repr: a dict when names are unique, the raw byte pairs otherwise.
const headersRepr = (headers: HeaderList): string => {
  const unique = new Set(headers.map(([name]) => name)).size === headers.length;
  if (unique) return `Headers(${pyDict(headers)})`;
  const raw = headers.map(([name, value]) => `(${pyBytes(Buffer.from(name, "latin1"))}, ${pyBytes(Buffer.from(value, "latin1"))})`);
  return `Headers(raw=[${raw.join(", ")}])`;
};

const split: Handler = async (request, context) => {
  const when = formatWhen(now(context));
  const carrier = carrierFor(request, context);
  context.log.app("INFO", `opentracing: ${pyDict(carrier)}`);
  context.log.app("INFO", `request.headers: ${headersRepr(request.headers)}`);
  const urls = context.config.splitCallUrls;
  const response = message(context, "split", `List ${pyList(urls)}`, when);
  await invokeUrlList({ urls, headers: carrier, log: context.log, signal: context.signal });
  return response;
};

const health: Handler = async (_request, context) => message(context, "status", "health", formatWhen(now(context)));

const GET = new Set(["GET"]);
const GET_HEAD = new Set(["GET", "HEAD"]);

/** The routes in the original's order (FastAPI registers its documentation routes first). */
export const ROUTES: readonly Route[] = [
  { path: "/openapi.json", methods: GET_HEAD, handle: async () => json(200, openApiDocument) },
  { path: "/docs", methods: GET_HEAD, handle: async () => html(swaggerUiPage()) },
  { path: "/docs/oauth2-redirect", methods: GET_HEAD, handle: async () => html(oauth2RedirectPage()) },
  { path: "/redoc", methods: GET_HEAD, handle: async () => html(redocPage()) },
  { path: "/", methods: GET, handle: root },
  { path: "/r", methods: GET, handle: respond },
  { path: "/s", methods: GET, handle: split },
  { path: "/healthz", methods: GET, handle: health },
];

// Starlette's redirect_slashes: the same URL with the trailing slash removed (or added).
const slashRedirect = (request: AppRequest): AppResponse | undefined => {
  if (request.path === "/") return undefined;
  const path = request.path.endsWith("/") ? request.path.replace(/\/+$/, "") : `${request.path}/`;
  if (!ROUTES.some((route) => route.path === path)) return undefined;
  const host = request.headers.find(([name]) => name === "host")?.[1];
  const authority =
    host ??
    (request.server.port === (request.scheme === "https" ? 443 : 80) ? request.server.host : `${request.server.host}:${request.server.port}`);
  const url = `${request.scheme}://${authority}${path}${request.queryString ? `?${request.queryString}` : ""}`;
  return { status: 307n, headers: [["location", pyQuotePlus(url, ":/%#?&=@[]!$&'()*+,;")]], body: Buffer.alloc(0) };
};

/** Answers `request` like the original application (without uvicorn's part: status line, date/server, access log). */
export const handleRequest = async (request: AppRequest, context: AppContext): Promise<AppResponse> => {
  const matches = ROUTES.filter((route) => route.path === request.path);
  const full = matches.find((route) => route.methods.has(request.method));
  if (full) return full.handle(request, context);
  if (matches.length > 0) return detail(405, "Method Not Allowed");
  return slashRedirect(request) ?? detail(404, "Not Found");
};
