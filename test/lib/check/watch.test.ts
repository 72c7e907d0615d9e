import test from "ava";
import { CheckFailure } from "../../../lib/check/failure.js";
import { match } from "../../../lib/check/matchers.js";
import { subscribeFromWait, subscribeIterable, watchCheck, type Subscribe } from "../../../lib/check/watch.js";
import { testSession } from "../helpers/session.js";

/** A subscription that delivers the given states (each on a later tick), then stays open until aborted. */
const deliver = (states: string[], log: { aborted: boolean[] }): Subscribe<string> => async ({ onState, signal }) => {
  for (const s of states) {
    await new Promise((r) => setImmediate(r));
    if (signal.aborted) break;
    onState(s);
  }
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  log.aborted.push(signal.aborted);
};

test("passes on the first matching state and closes the subscription", async (t) => {
  const { session } = testSession();
  const log = { aborted: [] as boolean[] };
  const result = await watchCheck(session, { title: "WorkloadEntry criada", subscribe: deliver(["ADDED pending", "MODIFIED ready", "MODIFIED later"], log), expect: match.contains("ready"), timeoutMs: 5000 });
  t.is(result.status, "pass");
  t.is(result.value, "MODIFIED ready");
  t.is(result.event.attempts, 2);
  t.deepEqual(log.aborted, [true]);
  t.like(result.event.data, { subscriptions: 1 });
});

test("subscribes again when the stream ends early (a dropped watch)", async (t) => {
  const { session } = testSession();
  let round = 0;
  const subscribe: Subscribe<string> = async ({ onState }) => {
    round++;
    onState(round === 1 ? "old" : "new");
    if (round === 1) throw new Error("watch closed");
  };
  const result = await watchCheck(session, { title: "Após queda", subscribe, expect: match.same("new"), timeoutMs: 5000, resubscribeDelayMs: 1 });
  t.is(result.value, "new");
  t.like(result.event.data, { subscriptions: 2 });
});

test("fails at the deadline with the last state seen and aborts the subscription", async (t) => {
  const { session } = testSession();
  const log = { aborted: [] as boolean[] };
  const error = await t.throwsAsync(watchCheck(session, { title: "Nunca pronto", subscribe: deliver(["pending"], log), expect: match.same("ready"), timeoutMs: 300 }), { instanceOf: CheckFailure });
  t.is(error!.event.received, "pending");
  t.regex(error!.event.detail!, /^prazo de 0,3 s esgotado/);
  t.deepEqual(log.aborted, [true]);
});

test("reports when no state was observed at all, with the subscription's error", async (t) => {
  const { session } = testSession();
  const error = await t.throwsAsync(
    watchCheck(session, { title: "Sem estados", subscribe: async () => { throw new Error("forbidden"); }, expect: match.same("x"), timeoutMs: 30, resubscribeDelayMs: 5 }),
    { instanceOf: CheckFailure },
  );
  t.regex(error!.event.received, /nenhum estado observado; erro da observação: forbidden/);
  t.is(error!.event.attempts, 0);
});

test("adapts an async iterable that honours the signal", async (t) => {
  const { session } = testSession();
  async function* states(signal: AbortSignal) {
    for (let i = 0; !signal.aborted; i++) {
      yield `gen ${i}`;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const result = await watchCheck(session, { title: "Iterável", subscribe: subscribeIterable(states), expect: match.same("gen 3"), timeoutMs: 5000 });
  t.is(result.event.attempts, 4);
});

test("records a skipped check in plan mode without subscribing", async (t) => {
  const { session } = testSession({ mode: "plan" });
  let subscribed = false;
  const result = await watchCheck(session, { title: "Plano", subscribe: async () => { subscribed = true; }, expect: match.same("x"), timeoutMs: 10 });
  t.false(subscribed);
  t.is(result.status, "skip");
});

test("adapts a wait-until function (like lib/kube's watchUntil) that rejects once aborted", async (t) => {
  const { session } = testSession();
  let sawAbortRejection = false;
  const waitUntil = async ({ until, signal }: { until: (objects: string[]) => boolean; signal: AbortSignal }) => {
    for (const objects of [[], ["pegasus-pay-198.18.0.10"]]) {
      await new Promise((r) => setImmediate(r));
      if (until(objects)) return objects;
    }
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    sawAbortRejection = true;
    throw new Error("watch aborted");
  };
  const result = await watchCheck(session, { title: "Autorregistro", subscribe: subscribeFromWait(waitUntil), expect: (objects: string[]) => objects.length === 1, expected: "uma WorkloadEntry", timeoutMs: 5000 });
  t.deepEqual(result.value, ["pegasus-pay-198.18.0.10"]);
  t.is(result.event.attempts, 2);
  t.true(sawAbortRejection);
});
