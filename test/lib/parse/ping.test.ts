import { execFile } from "node:child_process";
import { promisify } from "node:util";
import test from "ava";
import { ParseError } from "../../../lib/parse/errors.js";
import { parsePing } from "../../../lib/parse/ping.js";
import { PING_HOST_UNREACHABLE, PING_NAMED_FRACTION, PING_NETWORK_UNREACHABLE, PING_NO_REPLY, PING_OK, PING_PARTIAL, PING_SENDMSG, PING_UNKNOWN_HOST } from "../fixtures/ping.js";

test("reads the summary, round-trip times and replies of a successful ping", (t) => {
  const s = parsePing(PING_OK);
  t.is(s.target, "127.0.0.1");
  t.is(s.address, "127.0.0.1");
  t.is(s.transmitted, 5);
  t.is(s.received, 5);
  t.is(s.lossPercent, 0);
  t.is(s.timeMs, 4087);
  t.deepEqual(s.rtt, { minMs: 0.041, avgMs: 0.071, maxMs: 0.176, mdevMs: 0.052 });
  t.deepEqual(s.replies.map((r) => r.seq), [1, 2, 3, 4, 5]);
  t.deepEqual(s.replies[0], { from: "127.0.0.1", seq: 1, ttl: 64, timeMs: 0.176 });
  t.true(s.complete);
});

test("reads partial loss, fractional percentages and replies from a named host", (t) => {
  t.is(parsePing(PING_PARTIAL).lossPercent, 60);
  const named = parsePing(PING_NAMED_FRACTION);
  t.is(named.target, "localhost");
  t.is(named.address, "127.0.0.1");
  t.is(named.lossPercent, 44.4444);
  t.is(named.replies[0]!.from, "127.0.0.1");
});

test("reads 100% loss without replies, and ICMP errors with their count", (t) => {
  const silent = parsePing(PING_NO_REPLY);
  t.is(silent.received, 0);
  t.is(silent.errors, 0);
  t.is(silent.rtt, undefined);
  const unreachable = parsePing(PING_HOST_UNREACHABLE);
  t.is(unreachable.errors, 3);
  t.is(unreachable.problems.length, 3);
  t.regex(unreachable.problems[0]!, /Destination Host Unreachable/);
});

test("keeps sendmsg errors from stderr as problems when given stdout and stderr together", (t) => {
  const s = parsePing(`${PING_SENDMSG.stdout}${PING_SENDMSG.stderr}`);
  t.is(s.transmitted, 3);
  t.is(s.problems.filter((p) => p.includes("sendmsg")).length, 3);
});

test("returns an incomplete summary for ping's own errors, and throws on unrelated text", (t) => {
  for (const text of [PING_NETWORK_UNREACHABLE, PING_UNKNOWN_HOST]) {
    const s = parsePing(text);
    t.false(s.complete);
    t.is(s.transmitted, 0);
    t.is(s.problems.length, 1);
  }
  const error = t.throws(() => parsePing("hello\nworld"), { instanceOf: ParseError });
  t.regex(error!.message, /estatísticas/);
});

test("parses the output of the real ping on this machine", async (t) => {
  const { stdout } = await promisify(execFile)("ping", ["-c", "2", "-i", "0.2", "127.0.0.1"]);
  const s = parsePing(stdout);
  t.is(s.transmitted, 2);
  t.is(s.received, 2);
  t.is(s.lossPercent, 0);
  t.is(s.replies.length, 2);
  t.truthy(s.rtt);
});
