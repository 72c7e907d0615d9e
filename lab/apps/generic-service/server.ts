// The generic service as a running server: uvicorn's part of the original (status lines, date/server headers, access
// log, proxy headers, keep-alive, start-up and shut-down messages) around the application in routes.ts, with one
// scheduler per worker of the image's `uvicorn --workers=2`.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readConfig, type GenericServiceConfig } from "./config.js";
import { isAbortError } from "./long-timer.js";
import { processSink, ServiceLog, type LogSink } from "./logging.js";
import { handleRequest, type AppRequest, type AppResponse } from "./routes.js";
import { CallScheduler } from "./scheduler.js";
import { hasStatusLine, statusPhrase } from "./status-phrases.js";
import { formatHttpDate } from "./time-format.js";
import type { HeaderList } from "./tracing.js";
import { pyQuote, pyUnquote } from "./url-quote.js";

/** Options of startGenericService. */
export interface GenericServiceOptions {
  /** Environment read for APP, VERSION, SCHED_CALL_URL_LST, SCHED_CALL_INTERVAL, SPLIT_CALL_URL_LST (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Port to listen on (default 8000, the image's); 0 picks a free one. */
  port?: number;
  /** Address to listen on (default "0.0.0.0", the image's). */
  host?: string;
  /** Where log records go (default: the process's stdout and stderr, like the original). */
  log?: LogSink;
  /** uvicorn workers emulated (default 2, the image's): each has its own scheduler and start/stop messages. */
  workers?: number;
  /** Clock for `when` fields and log times (tests). */
  now?: () => Date;
  /** Id source for new trace ids (tests). */
  newTraceId?: () => bigint;
}

/** A running generic service. */
export interface GenericService {
  /** Base URL to reach it (`http://127.0.0.1:<port>` when listening on every address). */
  readonly url: string;
  readonly port: number;
  readonly config: GenericServiceConfig;
  /** Stops schedulers and downstream calls, closes every connection, logs uvicorn's shut-down lines; idempotent. */
  close(): Promise<void>;
}

/** Thrown for options the service cannot start with (Portuguese message naming the cause and the fix). */
export class GenericServiceStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenericServiceStartError";
  }
}

const validate = ({ port, workers }: { port: number; workers: number }): void => {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new GenericServiceStartError(`Porta inválida: ${port}. Use um número inteiro entre 0 e 65535 (o serviço original usa 8000).`);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new GenericServiceStartError(`Número de workers inválido: ${workers}. Use um inteiro a partir de 1 (a imagem original usa 2).`);
  }
};

const reachableHost = (host: string): string => {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
};

const lastHeader = (headers: HeaderList, name: string): string | undefined => headers.filter(([key]) => key === name).at(-1)?.[1];

// uvicorn's scope: decoded path, raw query, lower-cased headers; its ProxyHeadersMiddleware trusts every client.
const toAppRequest = (req: http.IncomingMessage): { request: AppRequest; client: string } => {
  let target = req.url ?? "/";
  // Absolute-form targets (proxies): keep the path and query, as httptools' URL parser does.
  const absolute = /^https?:\/\/[^/?#]*(.*)$/i.exec(target);
  if (absolute) target = absolute[1] || "/";
  target = target.split("#")[0] ?? "";
  const queryAt = target.indexOf("?");
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const queryString = queryAt < 0 ? "" : target.slice(queryAt + 1);
  const headers: HeaderList = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([(req.rawHeaders[i] ?? "").toLowerCase(), req.rawHeaders[i + 1] ?? ""]);
  const forwardedProto = lastHeader(headers, "x-forwarded-proto");
  const forwardedFor = lastHeader(headers, "x-forwarded-for");
  const client =
    forwardedFor !== undefined
      ? `${(forwardedFor.split(",").at(-1) ?? "").trim()}:0`
      : `${req.socket.remoteAddress ?? ""}:${req.socket.remotePort ?? 0}`;
  return {
    client,
    request: {
      method: req.method ?? "GET",
      path: rawPath.includes("%") ? pyUnquote(rawPath) : rawPath,
      queryString,
      headers,
      scheme: forwardedProto !== undefined ? forwardedProto.trim() : "http",
      server: { host: req.socket.localAddress ?? "", port: req.socket.localPort ?? 0 },
    },
  };
};

/** Starts the generic service; resolves once it listens. Throws GenericServiceConfigError / GenericServiceStartError
 * (Portuguese messages) before anything starts when the environment or options are unusable. */
export const startGenericService = async (options: GenericServiceOptions = {}): Promise<GenericService> => {
  const config = readConfig(options.env ?? process.env);
  const host = options.host ?? "0.0.0.0";
  const port = options.port ?? 8000;
  const workers = options.workers ?? 2;
  validate({ port, workers });
  const log = new ServiceLog(options.log ?? processSink, options.now);
  const controller = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  const server = http.createServer({ keepAliveTimeout: 5000 });
  const pid = process.pid;

  const write = (req: http.IncomingMessage, res: http.ServerResponse, response: AppResponse, client: string, request: AppRequest): void => {
    log.access({
      client,
      method: request.method,
      fullPath: `${pyQuote(request.path)}${request.queryString ? `?${request.queryString}` : ""}`,
      httpVersion: req.httpVersion,
      status: response.status,
    });
    if (!hasStatusLine(response.status)) {
      log.server("ERROR", `Exception in ASGI application\n${response.exception ?? ""}`);
      req.socket.destroy();
      return;
    }
    const status = Number(response.status);
    const headers: HeaderList = [["date", formatHttpDate(new Date())], ["server", "uvicorn"], ...response.headers];
    const hasLength = response.headers.some(([name]) => name === "content-length");
    if (!hasLength && request.method !== "HEAD" && status !== 204 && status !== 304) headers.push(["transfer-encoding", "chunked"]);
    res.sendDate = false;
    res.removeHeader("connection");
    res.writeHead(status, statusPhrase(status), headers.flat());
    res.end(request.method === "HEAD" ? undefined : response.body, () => {
      if (response.exception === undefined) return;
      log.server("ERROR", `Exception in ASGI application\n${response.exception}`);
      req.socket.destroy();
    });
  };

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const { request, client } = toAppRequest(req);
    let response: AppResponse;
    try {
      response = await handleRequest(request, { config, log, signal: controller.signal, now: options.now, newTraceId: options.newTraceId });
    } catch (error) {
      // Only cancellation is expected here; anything else is answered like Starlette's ServerErrorMiddleware.
      if (isAbortError(error) || controller.signal.aborted) {
        req.socket.destroy();
        return;
      }
      const body = Buffer.from("Internal Server Error", "utf8");
      response = {
        status: 500n,
        headers: [["content-length", String(body.length)], ["content-type", "text/plain; charset=utf-8"]],
        body,
        exception: error instanceof Error ? error.stack ?? error.message : String(error),
      };
    }
    if (controller.signal.aborted || req.socket.destroyed) return;
    write(req, res, response, client, request);
  };

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const handling = serve(req, res)
      .catch((error: unknown) => {
        // A fault in the server itself (not the application): log it like uvicorn and drop the connection.
        log.server("ERROR", `Exception in ASGI application\n${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        req.socket.destroy();
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if ((error.code ?? "").startsWith("HPE_")) log.server("WARNING", "Invalid HTTP request received.");
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const errno = error.code === "EADDRINUSE" ? "[Errno 98] Address already in use" : error.code === "EADDRNOTAVAIL" ? "[Errno 99] Cannot assign requested address" : error.message;
      log.supervisor("ERROR", errno);
      reject(
        new GenericServiceStartError(
          error.code === "EADDRINUSE"
            ? `A porta ${port} já está em uso em ${host}: pare o processo que a ocupa (ou o contêiner anterior) ou escolha outra porta.`
            : `Não foi possível escutar em ${host}:${port} (${error.code ?? error.message}): confira o endereço e a porta.`,
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;

  log.supervisor("INFO", `Uvicorn running on http://${host}:${boundPort} (Press CTRL+C to quit)`);
  log.supervisor("INFO", `Started parent process [${pid}]`);
  const schedulers: CallScheduler[] = [];
  for (let worker = 0; worker < workers; worker += 1) {
    const scheduler = new CallScheduler({ config, log, now: options.now });
    scheduler.start();
    schedulers.push(scheduler);
    log.server("INFO", `Started server process [${pid}]`);
    log.server("INFO", "Waiting for application startup.");
    log.server("INFO", "Application startup complete.");
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (let worker = 0; worker < workers; worker += 1) log.server("INFO", "Shutting down");
      controller.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.allSettled([...inFlight]);
      await closed;
      for (const scheduler of schedulers) {
        log.server("INFO", "Waiting for application shutdown.");
        log.server("INFO", "Application shutdown complete.");
        log.server("INFO", `Finished server process [${pid}]`);
        await scheduler.stop();
      }
      log.supervisor("INFO", `Stopping parent process [${pid}]`);
    })();
    return closing;
  };

  return { url: `http://${reachableHost(host)}:${boundPort}`, port: boundPort, config, close };
};
