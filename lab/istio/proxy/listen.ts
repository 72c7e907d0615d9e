// A TCP listener that tracks its connections so stop() closes everything it accepted.
import net from "node:net";

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
