import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ContainerLogWriter, readContainerLog } from "../../../../lab/cluster/kubelet/logs.js";

const collect = async (it: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out).toString();
};

test("logs are written in the CRI format and read back as kubectl prints them", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "logs-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const w = await ContainerLogWriter.open(dir, 0);
  w.write("stdout", "one\ntw");
  w.write("stderr", "err\n");
  w.write("stdout", "o\nthree");
  await w.close();
  const file = path.join(dir, "0.log");
  t.is(await collect(readContainerLog(file, {}, () => false)), "one\nerr\ntwo\nthree\n");
  t.is(await collect(readContainerLog(file, { tailLines: 2 }, () => false)), "two\nthree\n");
  t.is(await collect(readContainerLog(file, { limitBytes: 6 }, () => false)), "one\ner");
  t.regex(await collect(readContainerLog(file, { timestamps: true, tailLines: 1 }, () => false)), /^\d{4}-\d\d-\d\dT[\d:]+\.\d{9}Z three\n$/);
  t.is(await collect(readContainerLog(file, { sinceTime: new Date(Date.now() + 60_000).toISOString() }, () => false)), "");
});

test("follow keeps reading new lines until the container ends", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "logs-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const w = await ContainerLogWriter.open(dir, 0);
  w.write("stdout", "first\n");
  let active = true;
  const reading = collect(readContainerLog(path.join(dir, "0.log"), { follow: true }, () => active));
  await new Promise((r) => setTimeout(r, 300));
  w.write("stdout", "second\n");
  await w.close();
  active = false;
  t.is(await reading, "first\nsecond\n");
});
