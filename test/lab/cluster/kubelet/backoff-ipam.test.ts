import test from "ava";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Backoff } from "../../../../lab/cluster/kubelet/backoff.js";
import { PodIpam } from "../../../../lab/cluster/kubelet/ipam.js";

test("back-off: at once, then 10 s doubling up to 300 s, reset after 10 quiet minutes", (t) => {
  let now = 0;
  const b = new Backoff(undefined, () => now);
  const seen = Array.from({ length: 8 }, () => b.next("k"));
  t.deepEqual(seen, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  now += 600_001;
  t.is(b.next("k"), 0);
});

test("IPAM leases the lowest free address of the pod /24, keeps it per owner and remembers it on disk", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ipam-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "ipam.json");
  const ipam = new PodIpam("198.18.81.0/24", file);
  t.is(await ipam.allocate("a"), "198.18.81.2");
  t.is(await ipam.allocate("b"), "198.18.81.3");
  t.is(await ipam.allocate("a"), "198.18.81.2");
  await ipam.release("a");
  t.is(await ipam.allocate("c"), "198.18.81.2");
  t.deepEqual(JSON.parse(await readFile(file, "utf8")), { "198.18.81.2": "c", "198.18.81.3": "b" });
  t.is(await new PodIpam("198.18.81.0/24", file).allocate("b"), "198.18.81.3");
  t.throws(() => new PodIpam("198.18.81.0/23", file), { message: /must be a \/24/ });
});

test("IPAM runs out with a clear error after 253 pods", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ipam-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const ipam = new PodIpam("198.18.81.0/24", path.join(dir, "ipam.json"));
  for (let i = 0; i < 253; i++) await ipam.allocate(`p${i}`);
  await t.throwsAsync(ipam.allocate("one-more"), { message: "no free pod address left in 198.18.81.0/24" });
});
