// DNS messages on the wire (RFC 1035): decode a query or a response, encode an answer with name compression.
// Only what the lab's resolvers need: A, AAAA, CNAME, PTR, SRV, SOA, NS, TXT records and an EDNS OPT pass-through.

/** Record types the lab's resolvers produce or recognise. */
export const RecordType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;

/** Response codes (RCODE). */
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** The UDP payload size the lab's resolvers advertise in EDNS answers. */
export const EDNS_PAYLOAD_SIZE = 1232;

/** Class IN. */
export const CLASS_IN = 1;

/** One question. Names are lower-case, without the trailing dot ("" is the root). */
export interface Question {
  name: string;
  type: number;
  class: number;
}

/** Typed record data; `raw` keeps the bytes of types the lab does not interpret. */
export type RecordData =
  | { kind: "A"; address: string }
  | { kind: "AAAA"; address: string }
  | { kind: "NAME"; target: string }
  | { kind: "SRV"; priority: number; weight: number; port: number; target: string }
  | {
      kind: "SOA";
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    }
  | { kind: "TXT"; texts: string[] }
  | { kind: "raw"; bytes: Buffer };

/** One resource record. */
export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RecordData;
}

/** A whole DNS message. */
export interface DnsMessage {
  id: number;
  /** QR bit: true for a response. */
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** Thrown when bytes are not a well-formed DNS message. */
export class DnsFormatError extends Error {
  override name = "DnsFormatError";
}

const readName = (buf: Buffer, start: number): { name: string; next: number } => {
  const labels: string[] = [];
  let offset = start;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (offset >= buf.length) throw new DnsFormatError("name runs past the end of the message");
    const len = buf[offset]!;
    if (len === 0) {
      if (next < 0) next = offset + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) throw new DnsFormatError("truncated compression pointer");
      if (next < 0) next = offset + 2;
      offset = ((len & 0x3f) << 8) | buf[offset + 1]!;
      if (++jumps > 64) throw new DnsFormatError("compression loop");
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError("unsupported label type");
    if (offset + 1 + len > buf.length) throw new DnsFormatError("label runs past the end of the message");
    labels.push(buf.toString("latin1", offset + 1, offset + 1 + len).toLowerCase());
    offset += 1 + len;
  }
  return { name: labels.join("."), next };
};

const ipv4FromBytes = (bytes: Buffer): string => [...bytes].join(".");

const ipv6FromBytes = (bytes: Buffer): string => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::").replace(/:{3,}/, "::");
};

const readRecord = (buf: Buffer, start: number): { record: ResourceRecord; next: number } => {
  const { name, next: afterName } = readName(buf, start);
  if (afterName + 10 > buf.length) throw new DnsFormatError("truncated resource record");
  const type = buf.readUInt16BE(afterName);
  const klass = buf.readUInt16BE(afterName + 2);
  const ttl = buf.readUInt32BE(afterName + 4);
  const rdlength = buf.readUInt16BE(afterName + 8);
  const rdStart = afterName + 10;
  const rdEnd = rdStart + rdlength;
  if (rdEnd > buf.length) throw new DnsFormatError("record data runs past the end of the message");
  const rd = buf.subarray(rdStart, rdEnd);
  let data: RecordData;
  if (type === RecordType.A && rdlength === 4) data = { kind: "A", address: ipv4FromBytes(rd) };
  else if (type === RecordType.AAAA && rdlength === 16) data = { kind: "AAAA", address: ipv6FromBytes(rd) };
  else if (type === RecordType.CNAME || type === RecordType.PTR || type === RecordType.NS) {
    data = { kind: "NAME", target: readName(buf, rdStart).name };
  } else if (type === RecordType.SRV && rdlength >= 7) {
    data = {
      kind: "SRV",
      priority: rd.readUInt16BE(0),
      weight: rd.readUInt16BE(2),
      port: rd.readUInt16BE(4),
      target: readName(buf, rdStart + 6).name,
    };
  } else if (type === RecordType.SOA) {
    const m = readName(buf, rdStart);
    const r = readName(buf, m.next);
    if (r.next + 20 > rdEnd) throw new DnsFormatError("truncated SOA record");
    data = {
      kind: "SOA",
      mname: m.name,
      rname: r.name,
      serial: buf.readUInt32BE(r.next),
      refresh: buf.readUInt32BE(r.next + 4),
      retry: buf.readUInt32BE(r.next + 8),
      expire: buf.readUInt32BE(r.next + 12),
      minimum: buf.readUInt32BE(r.next + 16),
    };
  } else if (type === RecordType.TXT) {
    const texts: string[] = [];
    for (let i = 0; i < rd.length; ) {
      const len = rd[i]!;
      texts.push(rd.toString("utf8", i + 1, i + 1 + len));
      i += 1 + len;
    }
    data = { kind: "TXT", texts };
  } else data = { kind: "raw", bytes: Buffer.from(rd) };
  return { record: { name, type, class: klass, ttl, data }, next: rdEnd };
};

/** Decodes a DNS message; throws DnsFormatError on malformed input. */
export const decodeMessage = (buf: Buffer): DnsMessage => {
  if (buf.length < 12) throw new DnsFormatError("message shorter than its header");
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let offset = 12;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]!; i++) {
    const { name, next } = readName(buf, offset);
    if (next + 4 > buf.length) throw new DnsFormatError("truncated question");
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    offset = next + 4;
  }
  const sections: ResourceRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const { record, next } = readRecord(buf, offset);
      sections[s]!.push(record);
      offset = next;
    }
  }
  return {
    id: buf.readUInt16BE(0),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    additionals: sections[2]!,
  };
};

/** Accumulates an encoded message, compressing names against those already written. */
class Writer {
  private chunks: Buffer[] = [];
  private length = 0;
  private names = new Map<string, number>();

  bytes(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    this.bytes(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.bytes(b);
  }
  get offset(): number {
    return this.length;
  }
  name(name: string): void {
    const labels = name === "" ? [] : name.split(".");
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".");
      const known = this.names.get(suffix);
      if (known !== undefined) {
        this.u16(0xc000 | known);
        return;
      }
      if (this.offset < 0x3fff) this.names.set(suffix, this.offset);
      const label = Buffer.from(labels[i]!, "latin1");
      if (label.length === 0 || label.length > 63) throw new DnsFormatError(`invalid label in ${name}`);
      this.bytes(Buffer.from([label.length]));
      this.bytes(label);
    }
    this.bytes(Buffer.from([0]));
  }
  patchU16(at: number, v: number): void {
    const whole = this.finish();
    whole.writeUInt16BE(v, at);
    this.chunks = [whole];
  }
  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

const ipv4Bytes = (address: string): Buffer => {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new DnsFormatError(`not an IPv4 address: ${address}`);
  }
  return Buffer.from(parts);
};

const ipv6Bytes = (address: string): Buffer => {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8) throw new DnsFormatError(`not an IPv6 address: ${address}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
};

const writeRecord = (w: Writer, r: ResourceRecord): void => {
  w.name(r.name);
  w.u16(r.type);
  w.u16(r.class);
  w.u32(r.ttl);
  const lengthAt = w.offset;
  w.u16(0);
  const start = w.offset;
  const d = r.data;
  switch (d.kind) {
    case "A":
      w.bytes(ipv4Bytes(d.address));
      break;
    case "AAAA":
      w.bytes(ipv6Bytes(d.address));
      break;
    case "NAME":
      w.name(d.target);
      break;
    case "SRV":
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target);
      break;
    case "SOA":
      w.name(d.mname);
      w.name(d.rname);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      break;
    case "TXT":
      for (const t of d.texts) {
        const b = Buffer.from(t, "utf8").subarray(0, 255);
        w.bytes(Buffer.from([b.length]));
        w.bytes(b);
      }
      break;
    case "raw":
      w.bytes(d.bytes);
      break;
  }
  w.patchU16(lengthAt, w.offset - start);
};

/** Encodes a DNS message (names compressed). */
export const encodeMessage = (m: DnsMessage): Buffer => {
  const w = new Writer();
  w.u16(m.id);
  w.u16(
    (m.response ? 0x8000 : 0) |
      ((m.opcode & 0xf) << 11) |
      (m.authoritative ? 0x0400 : 0) |
      (m.truncated ? 0x0200 : 0) |
      (m.recursionDesired ? 0x0100 : 0) |
      (m.recursionAvailable ? 0x0080 : 0) |
      (m.rcode & 0xf),
  );
  for (const n of [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]) w.u16(n);
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, r);
  return w.finish();
};

/** Builds a query message (used by tests and by forwarding health checks). */
export const buildQuery = (id: number, name: string, type: number): DnsMessage => ({
  id,
  response: false,
  opcode: 0,
  authoritative: false,
  truncated: false,
  recursionDesired: true,
  recursionAvailable: false,
  rcode: 0,
  questions: [{ name: name.toLowerCase().replace(/\.$/, ""), type, class: CLASS_IN }],
  answers: [],
  authorities: [],
  additionals: [],
});

/** Turns a decoded query into the skeleton of its response (same id, question and RD bit; OPT echoed). */
export const responseTo = (query: DnsMessage, rcode: number, authoritative: boolean): DnsMessage => ({
  id: query.id,
  response: true,
  opcode: query.opcode,
  authoritative,
  truncated: false,
  recursionDesired: query.recursionDesired,
  recursionAvailable: true,
  rcode,
  questions: query.questions,
  answers: [],
  authorities: [],
  additionals: query.additionals
    .filter((r) => r.type === RecordType.OPT)
    .map((r) => ({ ...r, class: EDNS_PAYLOAD_SIZE, ttl: 0, data: { kind: "raw" as const, bytes: Buffer.alloc(0) } })),
});
