// Reads a connection's first bytes without consuming them (Envoy's listener filters: tls_inspector, http_inspector):
// buffer until a decision is possible, then push the bytes back so the next consumer (TLS, HTTP parser) sees them.
import type net from "node:net";

/** Reads from `socket` until `decide(head)` returns a value (or the peer ends), unshifts the bytes, and resolves with
 * the decision and the bytes seen. `onEnd` decides when the peer closes first; then `ended` is true and the bytes are
 * NOT pushed back (a stream cannot be unshifted after its end): the caller forwards `head` itself. */
export const peekFirstBytes = <T>(
  socket: net.Socket,
  decide: (head: Buffer) => T | undefined,
  onEnd: (head: Buffer) => T,
): Promise<{ decision: T; head: Buffer; ended: boolean }> =>
  new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    let done = false;
    const finish = (decision: T, ended = false) => {
      if (done) return;
      done = true;
      socket.removeListener("data", onData);
      socket.removeListener("end", onEndEvent);
      socket.removeListener("error", onError);
      socket.pause();
      if (head.length > 0 && !ended) socket.unshift(head);
      resolve({ decision, head, ended });
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const d = decide(head);
      if (d !== undefined) finish(d);
    };
    const onEndEvent = () => finish(onEnd(head), true);
    const onError = (error: Error) => {
      if (done) return;
      done = true;
      reject(error);
    };
    socket.on("data", onData);
    socket.once("end", onEndEvent);
    socket.once("error", onError);
  });
