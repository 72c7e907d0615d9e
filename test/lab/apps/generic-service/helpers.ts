// Test helpers for the generic service: a log collector, raw HTTP on loopback, and services that stop after the test.
import type { ExecutionContext } from "ava";
import http from "node:http";
import net from "node:net";
import { startGenericService, type GenericService, type GenericServiceOptions } from "../../../../lab/apps/generic-service/server.js";
import type { LogStream } from "../../../../lab/apps/generic-service/logging.js";

/** One record the service logged. */
export interface LogRecord {
  text: string;
  stream: LogStream;
}

/** Collects log records and lets a test wait for one. */
export class LogCollector {
  readonly records: LogRecord[] = [];
  private waiters: Array<{ match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }> = [];

  readonly sink = (text: string, stream: LogStream): void => {
    const record = { text, stream };
    this.records.push(record);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(record)) return true;
      w.resolve(record);
      return false;
    });
  };

  /** Resolves with the first record (already logged or future) matching `match`. */
  waitFor(match: (r: LogRecord) => boolean): Promise<LogRecord> {
    const found = this.records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Resolves once `count` records match. */
  async waitForCount(match: (r: LogRecord) => boolean, count: number): Promise<LogRecord[]> {
    for (;;) {
      const matching = this.records.filter(match);
      if (matching.length >= count) return matching;
      await this.waitFor((r) => match(r) && !matching.includes(r));
    }
  }

  /** Texts of the records on `stream`. */
  texts(stream?: LogStream): string[] {
    return this.records.filter((r) => stream === undefined || r.stream === stream).map((r) => r.text);
  }
}

/** Starts a service on 127.0.0.1 with a free port and collected logs; stops it when the test ends. */
export const startService = async (
  t: ExecutionContext,
  options: Omit<GenericServiceOptions, "log"> = {},
): Promise<{ service: GenericService; logs: LogCollector }> => {
  const logs = new LogCollector();
  const service = await startGenericService({ host: "127.0.0.1", port: 0, env: {}, ...options, log: logs.sink });
  t.teardown(() => service.close());
  return { service, logs };
};

/** A response read with node:http (headers with their raw case and order). */
export interface Reply {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET (or another method) with exactly the given headers besides Host. */
export const request = (url: string, { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? "",
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });

/** Sends `text` on a fresh TCP connection and returns everything received until the server closes it or `until` matches. */
export const rawExchange = (port: number, text: string, until?: (received: string) => boolean): Promise<{ received: string; closedByServer: boolean }> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ received, closedByServer });
    };
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (until?.(received)) finish(false);
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", (error) => (done ? undefined : reject(error)));
    socket.write(text);
  });

/** A plain HTTP server on loopback answering with `handler`; closed when the test ends. */
export const startPlainServer = async (
  t: ExecutionContext,
  handler: http.RequestListener,
): Promise<{ url: string; port: number; requests: http.IncomingMessage[] }> => {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests };
};

/** A TCP server on loopback that records each request's raw bytes and answers with `respond`. */
export const startRawServer = async (
  t: ExecutionContext,
  respond: (socket: net.Socket, requestText: string) => void,
): Promise<{ url: string; port: number; received: string[] }> => {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) {
        received.push(text);
        respond(socket, text);
        text = "";
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, received };
};

/** A port on loopback where nothing listens (bound, then released). */
export const closedPort = async (): Promise<number> => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};
