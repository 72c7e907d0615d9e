// The periodic calls: APScheduler's interval job as the original configures it.
import test from "ava";
import { LogCollector, startPlainServer, startService } from "./helpers.js";
import { readConfig } from "../../../../lab/apps/generic-service/config.js";
import { ServiceLog } from "../../../../lab/apps/generic-service/logging.js";
import { CallScheduler } from "../../../../lab/apps/generic-service/scheduler.js";
import { formatPyDatetime, formatSchedulerTime } from "../../../../lab/apps/generic-service/time-format.js";

process.env["TZ"] = "UTC";
const strip = (line: string): string => line.replace(/^(\w+): \S+ \S+ - /, "$1: ");

test("the service calls SCHED_CALL_URL_LST every SCHED_CALL_INTERVAL seconds with requests' plain headers, logging the job", async (t) => {
  const target = await startPlainServer(t, (_req, res) => res.writeHead(200, { "content-length": 2 }).end("ok"));
  const { logs } = await startService(t, {
    workers: 1,
    env: { SCHED_CALL_URL_LST: `${target.url}/healthz`, SCHED_CALL_INTERVAL: "1", APP: "pegasus-pay" },
  });
  await logs.waitForCount((r) => r.text.includes("executed successfully"), 2);
  t.true(target.requests.length >= 2);
  t.is(target.requests[0]?.url, "/healthz");
  t.is(target.requests[0]?.headers["user-agent"], "python-requests/2.24.0");
  t.is(target.requests[0]?.headers["x-b3-traceid"], undefined, "scheduled calls carry no trace headers");
  const lines = logs.texts("stderr").map(strip);
  const first = lines.findIndex((line) => line.startsWith("INFO: Running job"));
  t.regex(lines[first] ?? "", /^INFO: Running job "Call url every 1 seconds \(trigger: interval\[0:00:01\], next run at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)" \(scheduled at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00\)$/);
  t.is(lines[first + 1], `INFO: Calling: ['${target.url}/healthz']`);
  t.regex(lines[first + 2] ?? "", /^INFO: headers: \{'content-length': '2', 'Date': '[^']+', 'Connection': 'keep-alive', 'Keep-Alive': 'timeout=5'\}$/);
  t.is(lines[first + 3], "INFO: body: b'ok'");
  t.regex(lines[first + 4] ?? "", /^INFO: Job "Call url every 1 seconds \(trigger: interval\[0:00:01\], next run at: .+\)" executed successfully$/);
});

test("each of the image's two uvicorn workers runs its own scheduler, so every period brings two calls", async (t) => {
  const target = await startPlainServer(t, (_req, res) => res.writeHead(200, { "content-length": 0 }).end());
  const { logs } = await startService(t, { env: { SCHED_CALL_URL_LST: `${target.url}/`, SCHED_CALL_INTERVAL: "1" } });
  t.is(logs.texts("stderr").filter((line) => line.endsWith("Scheduler started")).length, 2);
  const runs = await logs.waitForCount((r) => r.text.includes("Running job"), 2);
  const scheduledAt = runs.map((r) => Date.parse((/scheduled at (.+)\)$/.exec(r.text)?.[1] ?? "").replace(" ", "T")));
  t.true(Math.abs((scheduledAt[0] ?? 0) - (scheduledAt[1] ?? 0)) < 500, "both fire for the first period");
  await logs.waitForCount((r) => r.text.includes("executed successfully"), 2);
  t.true(target.requests.length >= 2);
});

test("without SCHED_CALL_URL_LST the job still runs every period and only logs Calling: ['']", async (t) => {
  const { logs } = await startService(t, { workers: 1, env: { SCHED_CALL_INTERVAL: "0" } });
  await logs.waitFor((r) => r.text.includes("executed successfully"));
  const lines = logs.texts("stderr").map(strip);
  const run = lines.findIndex((line) => line.startsWith("INFO: Running job"));
  t.true(lines[run]?.includes("trigger: interval[0:00:01]"), "an interval of 0 runs every second");
  t.is(lines[run + 1], "INFO: Calling: ['']");
  t.true(lines[run + 2]?.startsWith('INFO: Job "Call url every 0 seconds'));
});

test("a failing scheduled call is logged as an error and the job still ends successfully", async (t) => {
  const { logs } = await startService(t, { workers: 1, env: { SCHED_CALL_URL_LST: "nowhere", SCHED_CALL_INTERVAL: "1" } });
  await logs.waitFor((r) => r.text.includes("executed successfully"));
  t.true(logs.texts("stderr").some((line) => line.endsWith("- Failed reaching nowhere - Invalid URL 'nowhere': No schema supplied. Perhaps you meant http://nowhere?")));
});

const schedulerWith = (env: Record<string, string>, job: (signal: AbortSignal) => Promise<void>, now?: () => Date) => {
  const logs = new LogCollector();
  const scheduler = new CallScheduler({ config: readConfig(env), log: new ServiceLog(logs.sink), job, now });
  return { logs, scheduler };
};

test("the first run comes one interval after the start, then every interval from there", async (t) => {
  const clockCalls: Date[] = [];
  const clock = (): Date => {
    const at = new Date();
    clockCalls.push(at);
    return at;
  };
  const { logs, scheduler } = schedulerWith({ SCHED_CALL_INTERVAL: "1" }, async () => undefined, clock);
  scheduler.start();
  const start = clockCalls[0]?.getTime() ?? 0;
  t.teardown(() => scheduler.stop());
  const runs = await logs.waitForCount((r) => r.text.includes("Running job"), 2);
  t.true(runs[0]?.text.endsWith(`(scheduled at ${formatPyDatetime(new Date(start + 1000))})`));
  t.true(runs[1]?.text.endsWith(`(scheduled at ${formatPyDatetime(new Date(start + 2000))})`));
  t.true(runs[0]?.text.includes(`next run at: ${formatSchedulerTime(new Date(start + 2000))})`));
});

test("at most 3 runs at once: a 4th period is skipped with APScheduler's warning", async (t) => {
  let started = 0;
  const { logs, scheduler } = schedulerWith({ SCHED_CALL_INTERVAL: "1" }, (signal) => {
    started += 1;
    return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("x"), { name: "AbortError" }))));
  });
  scheduler.start();
  t.teardown(() => scheduler.stop());
  const warning = await logs.waitFor((r) => r.text.includes("skipped"));
  t.regex(warning.text, /^WARNING: \S+ \S+ - Execution of job "Call url every 1 seconds \(trigger: interval\[0:00:01\], next run at: .+\)" skipped: maximum number of running instances reached \(3\)$/);
  t.is(started, 3);
});

test("runs more than 1 s late are dropped as missed (misfire grace time), the on-time one runs", async (t) => {
  let offset = 0;
  const clock = (): Date => new Date(Date.now() + offset);
  let runs = 0;
  const { logs, scheduler } = schedulerWith({ SCHED_CALL_INTERVAL: "1" }, async () => void (runs += 1), clock);
  scheduler.start();
  t.teardown(() => scheduler.stop());
  offset = 3200; // the process "slept" 3.2 s while the timer was pending
  await logs.waitFor((r) => r.text.includes("executed successfully"));
  const missed = logs.texts("stderr").filter((line) => line.includes("was missed by"));
  t.is(missed.length, 3);
  t.regex(missed[0] ?? "", /^WARNING: \S+ \S+ - Run time of job "Call url every 1 seconds \(trigger: .+\)" was missed by 0:00:0\d\.\d{6}$/);
  t.is(runs, 1);
});

test("stop() cancels a running call, stops the timer and logs the shut-down", async (t) => {
  let cancelled = false;
  const { logs, scheduler } = schedulerWith({ SCHED_CALL_INTERVAL: "1" }, (signal) => new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => {
      cancelled = true;
      reject(Object.assign(new Error("x"), { name: "AbortError" }));
    });
  }));
  scheduler.start();
  await logs.waitFor((r) => r.text.includes("Running job"));
  await scheduler.stop();
  t.true(cancelled);
  t.regex(logs.texts().at(-1) ?? "", / - Scheduler has been shut down$/);
  t.false(logs.texts().some((line) => line.includes("executed successfully")));
});
