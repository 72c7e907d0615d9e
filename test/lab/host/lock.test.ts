import test from "ava";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireLock } from "../../../lab/host/lock.js";

test("a second taker waits until the first releases the lock", async (t) => {
  const lock = path.join(await mkdtemp(path.join(tmpdir(), "lock-")), "l");
  const release = await acquireLock(lock, { pollMs: 20 });
  const order: string[] = [];
  const second = acquireLock(lock, { pollMs: 20 }).then((r) => {
    order.push("second");
    return r;
  });
  await new Promise((r) => setTimeout(r, 100));
  order.push("first-release");
  await release();
  await (await second)();
  t.deepEqual(order, ["first-release", "second"]);
});

test("a lock left by a dead process is taken over", async (t) => {
  const lock = path.join(await mkdtemp(path.join(tmpdir(), "lock-")), "l");
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => child.once("exit", r));
  await mkdir(lock);
  await writeFile(path.join(lock, "pid"), String(child.pid));
  const release = await acquireLock(lock, { pollMs: 20 });
  t.pass();
  await release();
});
