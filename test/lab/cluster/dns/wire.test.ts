import test from "ava";
import { buildQuery, decodeMessage, encodeMessage, DnsFormatError, RecordType, Rcode, responseTo, CLASS_IN } from "../../../../lab/cluster/dns/wire.js";

test("a query survives an encode/decode round trip, names lower-cased and without the trailing dot", (t) => {
  const q = buildQuery(4242, "Payment.Default.svc.cluster.local.", RecordType.A);
  const back = decodeMessage(encodeMessage(q));
  t.is(back.id, 4242);
  t.true(back.recursionDesired);
  t.false(back.response);
  t.deepEqual(back.questions, [{ name: "payment.default.svc.cluster.local", type: RecordType.A, class: CLASS_IN }]);
});

test("answers of every supported type round-trip and repeated names are compressed", (t) => {
  const r = responseTo(buildQuery(1, "a.example", RecordType.A), Rcode.NOERROR, true);
  r.answers = [
    { name: "a.example", type: RecordType.A, class: CLASS_IN, ttl: 5, data: { kind: "A", address: "198.18.81.7" } },
    { name: "a.example", type: RecordType.AAAA, class: CLASS_IN, ttl: 5, data: { kind: "AAAA", address: "fd00::1" } },
    { name: "a.example", type: RecordType.CNAME, class: CLASS_IN, ttl: 5, data: { kind: "NAME", target: "b.example" } },
    { name: "a.example", type: RecordType.SRV, class: CLASS_IN, ttl: 5, data: { kind: "SRV", priority: 0, weight: 100, port: 8000, target: "b.example" } },
    { name: "a.example", type: RecordType.TXT, class: CLASS_IN, ttl: 5, data: { kind: "TXT", texts: ["hello", "world"] } },
  ];
  r.authorities = [
    { name: "example", type: RecordType.SOA, class: CLASS_IN, ttl: 5, data: { kind: "SOA", mname: "ns.example", rname: "hostmaster.example", serial: 7, refresh: 1, retry: 2, expire: 3, minimum: 4 } },
  ];
  const bytes = encodeMessage(r);
  const back = decodeMessage(bytes);
  t.deepEqual(back.answers, r.answers);
  t.deepEqual(back.authorities, r.authorities);
  t.true(back.authoritative);
  t.true(back.response);
  t.true(back.recursionAvailable);
  // "a.example" is written once, every later occurrence is a 2-byte pointer.
  t.is(bytes.toString("latin1").split("\x01a\x07example").length - 1, 1);
});

test("rejects a message shorter than its header and a compression loop", (t) => {
  t.throws(() => decodeMessage(Buffer.from([1, 2, 3])), { instanceOf: DnsFormatError });
  const loop = Buffer.alloc(12 + 6);
  loop.writeUInt16BE(1, 4); // one question
  loop.writeUInt16BE(0xc00c, 12); // a pointer to itself
  t.throws(() => decodeMessage(loop), { instanceOf: DnsFormatError, message: /loop/ });
});

test("a response echoes an EDNS OPT record of the query with the lab's payload size", (t) => {
  const q = buildQuery(9, "x", RecordType.A);
  q.additionals = [{ name: "", type: RecordType.OPT, class: 4096, ttl: 0, data: { kind: "raw", bytes: Buffer.alloc(0) } }];
  const r = decodeMessage(encodeMessage(responseTo(decodeMessage(encodeMessage(q)), Rcode.NXDOMAIN, false)));
  t.is(r.rcode, Rcode.NXDOMAIN);
  t.is(r.additionals.length, 1);
  t.is(r.additionals[0]!.type, RecordType.OPT);
  t.is(r.additionals[0]!.class, 1232);
});
