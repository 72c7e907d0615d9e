// Framing of the ADS stream: one JSON message per line in each direction of an HTTP/2 stream (the lab's stand-in for
// gRPC's length-prefixed protobuf messages).
import type { Duplex } from "node:stream";

/** Writes one message as a JSON line; resolves when the stream accepted it. */
export const writeJsonLine = (stream: Duplex, message: unknown): Promise<void> =>
  new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new Error("stream closed"));
      return;
    }
    stream.write(`${JSON.stringify(message)}\n`, (error) => (error ? reject(error) : resolve()));
  });

/** Calls `onMessage` with every JSON line read from `stream` (malformed lines go to `onBadLine`). */
export const readJsonLines = (stream: Duplex, onMessage: (message: unknown) => void, onBadLine: (line: string) => void = () => undefined): void => {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    let at = pending.indexOf("\n");
    while (at >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line.trim()) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          onBadLine(line);
          at = pending.indexOf("\n");
          continue;
        }
        onMessage(parsed);
      }
      at = pending.indexOf("\n");
    }
  });
};
