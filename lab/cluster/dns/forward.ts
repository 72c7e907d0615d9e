// Forwards a raw query to upstream resolvers (UDP, then TCP when the answer is truncated), like CoreDNS's `forward`.
import dgram from "node:dgram";
import net from "node:net";
import { readFile } from "node:fs/promises";
import { decodeMessage } from "./wire.js";

/** An upstream resolver. */
export interface Upstream {
  host: string;
  port: number;
}

/** Reads the `nameserver` lines of a resolv.conf (port 53). */
export const readResolvConf = async (file = "/etc/resolv.conf"): Promise<Upstream[]> =>
  (await readFile(file, "utf8"))
    .split("\n")
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((host): host is string => Boolean(host))
    .map((host) => ({ host, port: 53 }));

const overUdp = (query: Buffer, { host, port }: Upstream, timeoutMs: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    const id = query.readUInt16BE(0);
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    const finish = (error: Error | undefined, answer?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer!);
    };
    socket.on("error", (error) => finish(error));
    socket.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(undefined, msg);
    });
    socket.send(query, port, host, (error) => {
      if (error) finish(error);
    });
  });

const overTcp = (query: Buffer, { host, port }: Upstream, timeoutMs: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let pending = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${host}:${port} (tcp) in ${timeoutMs} ms`)));
    socket.on("error", reject);
    socket.on("connect", () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        resolve(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        socket.end();
      }
    });
    socket.on("close", () => reject(new Error(`connection to ${host}:${port} closed before an answer`)));
  });

/** Sends `query` to each upstream in turn until one answers; over TCP when asked to or when the UDP answer is truncated. */
export const forwardQuery = async (
  query: Buffer,
  { upstreams, tcp = false, timeoutMs = 2000 }: { upstreams: Upstream[]; tcp?: boolean; timeoutMs?: number },
): Promise<Buffer> => {
  let lastError: unknown = new Error("no upstream resolver configured");
  for (const upstream of upstreams) {
    try {
      if (!tcp) {
        const answer = await overUdp(query, upstream, timeoutMs);
        if (!decodeMessage(answer).truncated) return answer;
      }
      return await overTcp(query, upstream, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
};
