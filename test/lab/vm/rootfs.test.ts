import test from "ava";
import { access, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { labPaths } from "../../../lab/paths.js";
import { ensureRootfs, rootfsKey, VM_PACKAGES, type RootfsBuilder } from "../../../lab/vm/rootfs.js";
import { runProcess } from "../../helpers/lab-instance.js";

const fakeBuilder = (calls: string[][]): RootfsBuilder => async ({ target, packages, onProgress }) => {
  calls.push([...packages]);
  onProgress("rootfs: fake build");
  await writeFile(path.join(target, "marker"), packages.join(","));
  await import("node:fs/promises").then((fs) => fs.mkdir(path.join(target, "etc"))).then(() => writeFile(path.join(target, "etc", "debian_version"), "12.0\n"));
};

test("the cache key depends on suite, mirror and the package set, not on the list's order or duplicates", (t) => {
  const base = { suite: "bookworm", mirror: "http://m/debian", packages: ["sudo", "curl"] };
  t.is(rootfsKey(base), rootfsKey({ ...base, packages: ["curl", "sudo", "curl"] }));
  t.not(rootfsKey(base), rootfsKey({ ...base, packages: ["curl"] }));
  t.not(rootfsKey(base), rootfsKey({ ...base, suite: "trixie" }));
  t.not(rootfsKey(base), rootfsKey({ ...base, mirror: "http://other/debian" }));
  t.regex(rootfsKey(base), /^[0-9a-f]{64}$/);
});

test("builds an image once, reuses it from the cache, and builds a new one when the package list changes", async (t) => {
  const cache = await mkdtemp(path.join(tmpdir(), "rootfs-cache-"));
  const calls: string[][] = [];
  const progress: string[] = [];
  const options = { cache, mirror: "http://m/debian", build: fakeBuilder(calls), onProgress: (l: string) => progress.push(l) };
  const first = await ensureRootfs({ ...options, packages: ["sudo", "curl"] });
  t.true(first.built);
  t.is(first.dir, path.join(cache, "rootfs", first.key));
  t.is(await readFile(path.join(first.dir, "marker"), "utf8"), "curl,sudo");
  t.true(progress.some((l) => l.includes("criando a imagem Debian")));
  const again = await ensureRootfs({ ...options, packages: ["curl", "sudo"] });
  t.false(again.built);
  t.is(again.dir, first.dir);
  const changed = await ensureRootfs({ ...options, packages: ["curl", "sudo", "less"] });
  t.true(changed.built);
  t.not(changed.dir, first.dir);
  t.is(calls.length, 2);
  t.deepEqual((await readdir(path.join(cache, "rootfs"))).filter((n) => n.startsWith(".build-")), []);
});

test("a failed build leaves neither the image nor its temp folder behind", async (t) => {
  const cache = await mkdtemp(path.join(tmpdir(), "rootfs-cache-"));
  const failing: RootfsBuilder = async ({ target }) => {
    await writeFile(path.join(target, "half"), "x");
    throw new Error("mirror unreachable");
  };
  await t.throwsAsync(ensureRootfs({ cache, mirror: "http://m/debian", packages: ["sudo"], build: failing }), { message: "mirror unreachable" });
  const left = await readdir(path.join(cache, "rootfs"));
  t.deepEqual(left.filter((n) => !n.endsWith(".log")), []);
});

test("the VM image is a fresh Debian bookworm with the course's tools and no trace of Istio", async (t) => {
  const image = await ensureRootfs({ cache: labPaths(0).cache, onProgress: (l) => t.log(l) });
  t.is((await readFile(path.join(image.dir, "etc", "debian_version"), "utf8")).split(".")[0], "12");
  const query = await runProcess(["chroot", image.dir, "dpkg-query", "-W", "-f", "${Package} ${Status}\\n", ...VM_PACKAGES]);
  t.is(query.exitCode, 0, query.stderr);
  for (const pkg of VM_PACKAGES) t.regex(query.stdout, new RegExp(`^${pkg.replace("+", "\\+")} install ok installed$`, "m"));
  for (const tool of ["usr/sbin/sshd", "usr/bin/sudo", "usr/bin/curl", "usr/sbin/iptables", "usr/bin/nslookup", "usr/bin/nc", "usr/bin/tini", "usr/bin/python3", "usr/bin/hostname"]) {
    await t.notThrowsAsync(access(path.join(image.dir, tool)), tool);
  }
  t.notRegex(await readFile(path.join(image.dir, "etc", "passwd"), "utf8"), /istio-proxy|peguser/);
  await t.throwsAsync(access(path.join(image.dir, "var", "lib", "istio")));
  await t.throwsAsync(access(path.join(image.dir, "usr", "bin", "systemctl")));
});
