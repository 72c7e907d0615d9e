// A TCP listener that tracks its connections so stop() closes everything it accepted, and what the two capture
// listeners (virtualOutbound, virtualInbound) share: their options and the HTTP server fed with captured connections.
import http from "node:http";
import net from "node:net";
import type { OriginalDestination } from "../../native/origdst.js";
import type { ActiveState, ProxyContext } from "./context.js";
import type { DownstreamInfo } from "./http-router.js";
import type { UpstreamPools } from "./pool.js";

/** Reads a connection's original destination (SO_ORIGINAL_DST). */
export type OriginalDestinationReader = (socket: net.Socket) => OriginalDestination;

/** Options of a capture listener. */
export interface CaptureListenerOptions {
  ctx: ProxyContext;
  pools: UpstreamPools;
  originalDst: OriginalDestinationReader;
  address?: string;
  port: number;
}

/** An HTTP server that serves connections handed to it with `emit("connection")`: each request comes with the proxy's
 * state and its connection's DownstreamInfo (from `conns`), or is dropped when either is missing. */
export const capturedHttpServer = ({
  ctx,
  conns,
  onRequest,
}: {
  ctx: ProxyContext;
  conns: WeakMap<net.Socket, DownstreamInfo>;
  onRequest: (request: { req: http.IncomingMessage; res: http.ServerResponse; state: ActiveState; info: DownstreamInfo }) => void;
}): http.Server => {
  const server = http.createServer();
  server.keepAliveTimeout = 0;
  server.on("request", (req, res) => {
    const state = ctx.state();
    const info = conns.get(req.socket);
    if (!state || !info) {
      res.destroy();
      return;
    }
    onRequest({ req, res, state, info });
  });
  return server;
};

/** A running listener. */
export interface Listener {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on address:port and hands each connection to onConnection (errors there destroy the connection). */
export const listenOn = async ({
  address,
  port,
  onConnection,
  extraClose,
}: {
  address: string;
  port: number;
  onConnection: (socket: net.Socket) => Promise<void> | void;
  extraClose?: () => void;
}): Promise<Listener> => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    Promise.resolve()
      .then(() => onConnection(socket))
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return {
    address,
    port: bound.port,
    close: async () => {
      extraClose?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
};
