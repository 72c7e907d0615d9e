import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { normalizeRetry, retryUntil, type RetryTime } from "../../../lib/check/retry.js";

/** A clock that only moves when the loop sleeps (each attempt may also "take" some time). */
const fakeTime = (attemptCostMs = 0): RetryTime & { sleeps: number[]; tick(ms: number): void } => {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    tick: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms + attemptCostMs;
    },
  };
};

test("one attempt without a policy", async (t) => {
  let calls = 0;
  const out = await retryUntil({ policy: normalizeRetry(undefined), time: fakeTime(), attempt: async () => ({ ok: false, value: ++calls }) });
  t.false(out.ok);
  t.is(out.attempts, 1);
  t.is(calls, 1);
});

test("retries at a fixed interval and makes the last attempt at the deadline", async (t) => {
  const time = fakeTime();
  const out = await retryUntil({ policy: normalizeRetry({ timeoutMs: 2500, intervalMs: 1000 }), time, attempt: async ({ attempt }) => ({ ok: false, value: attempt }) });
  t.false(out.ok);
  t.deepEqual(time.sleeps, [1000, 1000, 500]);
  t.is(out.attempts, 4);
  t.is(out.last, 4);
});

test("grows the interval with backoff up to the maximum", async (t) => {
  const time = fakeTime();
  await retryUntil({ policy: normalizeRetry({ timeoutMs: 100_000, intervalMs: 1000, backoff: 2, maxIntervalMs: 5000 }), time, attempt: async () => ({ ok: false, value: 0 }) });
  t.deepEqual(time.sleeps.slice(0, 6), [1000, 2000, 4000, 5000, 5000, 5000]);
});

test("passes as soon as an attempt succeeds, telling the remaining time to the attempt", async (t) => {
  const time = fakeTime();
  const seen: number[] = [];
  const out = await retryUntil({ policy: normalizeRetry({ timeoutMs: 10_000, intervalMs: 1000 }), time, attempt: async ({ attempt, remainingMs }) => (seen.push(remainingMs), { ok: attempt === 3, value: attempt }) });
  t.true(out.ok);
  t.is(out.attempts, 3);
  t.deepEqual(seen, [10_000, 9000, 8000]);
});

test("needs N successes in a row: a failure resets the streak", async (t) => {
  const pattern = [true, false, true, true, false, true, true, true];
  const out = await retryUntil({ policy: normalizeRetry({ timeoutMs: 60_000, intervalMs: 10, consecutive: 3 }), time: fakeTime(), attempt: async ({ attempt }) => ({ ok: pattern[attempt - 1]!, value: attempt }) });
  t.true(out.ok);
  t.is(out.attempts, 8);
  t.is(out.streak, 3);
});

test("fails at the deadline in the middle of a streak", async (t) => {
  const out = await retryUntil({ policy: normalizeRetry({ timeoutMs: 30, intervalMs: 10, consecutive: 5 }), time: fakeTime(), attempt: async () => ({ ok: true, value: 0 }) });
  t.false(out.ok);
  t.is(out.attempts, 4);
  t.is(out.streak, 4);
});

test("stops when the signal aborts", async (t) => {
  const controller = new AbortController();
  const out = await retryUntil({
    policy: normalizeRetry({ timeoutMs: 60_000, intervalMs: 10 }),
    signal: controller.signal,
    time: fakeTime(),
    attempt: async ({ attempt }) => {
      if (attempt === 2) controller.abort();
      return { ok: false, value: attempt };
    },
  });
  t.false(out.ok);
  t.true(out.interrupted);
  t.is(out.attempts, 2);
});

test("rejects a bad policy in Portuguese before anything runs", (t) => {
  t.throws(() => normalizeRetry({ timeoutMs: -1 }), { instanceOf: InputError, message: /retry.timeoutMs/ });
  t.throws(() => normalizeRetry({ timeoutMs: 10, intervalMs: 0 }), { instanceOf: InputError, message: /intervalMs/ });
  t.throws(() => normalizeRetry({ timeoutMs: 10, backoff: 0.5 }), { instanceOf: InputError, message: /backoff/ });
  t.throws(() => normalizeRetry({ timeoutMs: 10, consecutive: 1.5 }), { instanceOf: InputError, message: /consecutive/ });
  t.throws(() => normalizeRetry({ timeoutMs: 0, consecutive: 2 }), { instanceOf: InputError, message: /várias tentativas/ });
  t.throws(() => normalizeRetry({ timeoutMs: 10, intervalMs: 100, maxIntervalMs: 50 }), { instanceOf: InputError, message: /maxIntervalMs/ });
});

test("the real clock's sleep ends early when aborted", async (t) => {
  const { realTime } = await import("../../../lib/check/retry.js");
  const controller = new AbortController();
  const sleeping = realTime.sleep(60_000, controller.signal);
  controller.abort();
  await sleeping;
  t.pass();
});
