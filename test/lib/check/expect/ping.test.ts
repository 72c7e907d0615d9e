import test from "ava";
import { pingSucceeded } from "../../../../lib/check/expect/ping.js";
import { InputError } from "../../../../lib/errors.js";
import { PING_HOST_UNREACHABLE, PING_NO_REPLY, PING_OK, PING_PARTIAL, PING_UNKNOWN_HOST } from "../../fixtures/ping.js";

test("passes when replies came back within the loss limit", (t) => {
  const v = pingSucceeded().evaluate(PING_OK);
  t.true(v.ok);
  t.is(v.received, "5 enviados, 5 recebidos, 0% de perda\nrtt mín/méd/máx = 0.041/0.071/0.176 ms");
  t.like(v.data, { transmitted: 5, received: 5, lossPercent: 0 });
});

test("fails on no replies, on too much loss, and when ping stopped early", (t) => {
  t.is(pingSucceeded().evaluate(PING_NO_REPLY).detail, "0 respostas, esperado pelo menos 1");
  t.is(pingSucceeded().evaluate(PING_PARTIAL).detail, "perda de 60%, acima de 20%");
  t.true(pingSucceeded({ maxLossPercent: 60 }).evaluate(PING_PARTIAL).ok);
  const unreachable = pingSucceeded().evaluate({ stdout: PING_HOST_UNREACHABLE, stderr: "", exitCode: 1 });
  t.regex(unreachable.received, /3 erros\nFrom 127.0.0.3 icmp_seq=1 Destination Host Unreachable/);
  t.is(pingSucceeded().evaluate(PING_UNKNOWN_HOST).detail, "ping: nosuch.invalid: Temporary failure in name resolution");
  t.throws(() => pingSucceeded({ minReceived: 0 }), { instanceOf: InputError });
  t.throws(() => pingSucceeded({ maxLossPercent: 120 }), { instanceOf: InputError });
});
