// A DNS server on UDP and TCP (RFC 1035 §4.2: TCP messages carry a two-byte length prefix) around one resolve function.
import dgram from "node:dgram";
import net from "node:net";
import { decodeMessage, encodeMessage, EDNS_PAYLOAD_SIZE, Rcode, RecordType, responseTo, DnsFormatError } from "./wire.js";

/** Which transport a query came in on (a UDP answer that does not fit is truncated). */
export type DnsTransport = "udp" | "tcp";

/** Answers one raw query with a raw response (undefined drops the query). */
export type DnsHandler = (query: Buffer, transport: DnsTransport) => Promise<Buffer | undefined>;

/** A running DNS server. */
export interface DnsServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Largest UDP answer the client accepts: 512, or its EDNS payload size. */
const udpLimit = (query: Buffer): number => {
  try {
    const opt = decodeMessage(query).additionals.find((r) => r.type === RecordType.OPT);
    return opt ? Math.max(512, Math.min(opt.class, EDNS_PAYLOAD_SIZE)) : 512;
  } catch {
    return 512;
  }
};

/** Cuts an answer that does not fit in UDP down to its header and question with TC set, so the client retries on TCP. */
const truncate = (response: Buffer): Buffer => {
  const m = decodeMessage(response);
  return encodeMessage({ ...m, truncated: true, answers: [], authorities: [], additionals: [] });
};

/** Wraps a handler so malformed queries get FORMERR and handler failures SERVFAIL instead of silence. */
const safely = (handler: DnsHandler): DnsHandler => async (query, transport) => {
  try {
    return await handler(query, transport);
  } catch (error) {
    let parsed;
    try {
      parsed = decodeMessage(query);
    } catch {
      if (query.length < 12) return undefined; // not even a header: drop it, as real servers do
      // A header but a broken body: FORMERR with the query's id and opcode, no sections.
      const out = Buffer.alloc(12);
      out.writeUInt16BE(query.readUInt16BE(0), 0);
      out.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | 0x0080 | Rcode.FORMERR, 2);
      return out;
    }
    return encodeMessage(responseTo(parsed, error instanceof DnsFormatError ? Rcode.FORMERR : Rcode.SERVFAIL, false));
  }
};

/** Starts a DNS server on `address:port` (UDP and TCP) that answers with `handler`. */
export const startDnsServer = async ({ address, port, handler }: { address: string; port: number; handler: DnsHandler }): Promise<DnsServer> => {
  const answer = safely(handler);
  let closed = false;
  const udp = dgram.createSocket({ type: address.includes(":") ? "udp6" : "udp4", reuseAddr: false });
  udp.on("message", (msg, rinfo) => {
    void (async () => {
      let out = await answer(msg, "udp");
      if (!out) return;
      if (out.length > udpLimit(msg)) out = truncate(out);
      if (closed) return;
      udp.send(out, rinfo.port, rinfo.address, () => undefined);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, address, () => {
      udp.off("error", reject);
      resolve();
    });
  });
  udp.on("error", () => undefined);
  const boundPort = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(10_000, () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        void (async () => {
          const out = await answer(Buffer.from(msg), "tcp");
          if (!out || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length);
          socket.write(Buffer.concat([prefix, out]));
        })();
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(boundPort, address, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    udp.close();
    throw error;
  }
  return {
    address,
    port: boundPort,
    close: async () => {
      closed = true;
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
};
