// Envoy's tls_inspector in short: is a connection's first flight a TLS ClientHello, and which SNI and ALPN does it
// offer? The inbound listener picks its filter chain (mTLS, passthrough, plaintext) from this.

/** What the first bytes of a connection say. */
export type FirstFlight =
  | { kind: "need-more" }
  | { kind: "plaintext" }
  | { kind: "tls"; sni?: string; alpn: string[] };

/** Largest TLS record plus header: more than this without a full ClientHello is not TLS for our purpose. */
const MAX_RECORD = 16384 + 2048 + 5;

/** Inspects the bytes read so far (first record only). */
export const inspectFirstFlight = (head: Buffer): FirstFlight => {
  if (head.length === 0) return { kind: "need-more" };
  if (head[0] !== 0x16) return { kind: "plaintext" };
  if (head.length < 5) return { kind: "need-more" };
  if (head[1] !== 0x03 || head[2]! > 0x04) return { kind: "plaintext" };
  const recordLength = head.readUInt16BE(3);
  if (recordLength > MAX_RECORD) return { kind: "plaintext" };
  if (head.length < 5 + recordLength) return { kind: "need-more" };
  try {
    return parseClientHello(head.subarray(5, 5 + recordLength));
  } catch {
    // A handshake record that is not a parseable ClientHello: still TLS for the filter chain match.
    return { kind: "tls", alpn: [] };
  }
};

const parseClientHello = (hs: Buffer): FirstFlight => {
  if (hs[0] !== 0x01) return { kind: "tls", alpn: [] };
  let off = 4; // type(1) + length(3)
  off += 2 + 32; // client_version + random
  off += 1 + hs[off]!; // session id
  off += 2 + hs.readUInt16BE(off); // cipher suites
  off += 1 + hs[off]!; // compression methods
  if (off + 2 > hs.length) return { kind: "tls", alpn: [] };
  const end = off + 2 + hs.readUInt16BE(off);
  off += 2;
  let sni: string | undefined;
  const alpn: string[] = [];
  while (off + 4 <= end && off + 4 <= hs.length) {
    const type = hs.readUInt16BE(off);
    const len = hs.readUInt16BE(off + 2);
    const body = hs.subarray(off + 4, off + 4 + len);
    if (type === 0 && body.length >= 5) {
      // server_name_list: list length(2), then type(1)=host_name, length(2), name
      const nameLen = body.readUInt16BE(3);
      if (body[2] === 0) sni = body.subarray(5, 5 + nameLen).toString("ascii");
    } else if (type === 16 && body.length >= 2) {
      let p = 2;
      while (p < body.length) {
        const l = body[p]!;
        alpn.push(body.subarray(p + 1, p + 1 + l).toString("ascii"));
        p += 1 + l;
      }
    }
    off += 4 + len;
  }
  return { kind: "tls", sni, alpn };
};

/** True when the ALPN list carries Istio's mTLS protocols (istio, istio-peer-exchange, istio-http/*, istio-h2). */
export const offersIstioAlpn = (alpn: readonly string[]): boolean => alpn.some((p) => p === "istio" || p.startsWith("istio-"));

/** True when the client asked for an HTTP filter chain over mTLS (istio-http/1.0, istio-http/1.1, istio-h2). */
export const offersIstioHttpAlpn = (alpn: readonly string[]): boolean => alpn.some((p) => p.startsWith("istio-http/") || p === "istio-h2");
