// Process records: only the lab's own records count, and a record is alive only while the same process runs.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isAlive, listProcessRecords, readProcessRecord, recordProcess, stopRecordedProcess } from "../../../lab/host/pidfile.js";

test("a plain pid file of another writer (the cluster daemon's cluster.pid) is not a record", async (t) => {
  const run = mkdtempSync(path.join(os.tmpdir(), "pidfile-"));
  writeFileSync(path.join(run, "cluster.pid"), `${process.pid}\n`);
  t.is(await readProcessRecord(run, "cluster"), undefined);
  t.deepEqual(await listProcessRecords(run), []);
});

test("a recorded process is alive until it ends; stopping a gone process returns at once", async (t) => {
  const run = mkdtempSync(path.join(os.tmpdir(), "pidfile-"));
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const record = await recordProcess(run, "sleeper", child.pid!);
  t.deepEqual(await readProcessRecord(run, "sleeper"), record);
  t.true(await isAlive(record));
  t.true(await stopRecordedProcess(record, { graceMs: 2_000 }));
  await exited;
  t.false(await isAlive(record));
  t.false(await stopRecordedProcess(record));
  t.false(await isAlive({ name: "x", pid: 2 ** 22 + 1, startTime: "1" }));
});
