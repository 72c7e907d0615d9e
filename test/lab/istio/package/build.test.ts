import test from "ava";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { host } from "../../../../lab/net/ip.js";
import { buildSidecarPackage } from "../../../../lab/istio/package/build.js";
import { sidecarPackageFacts } from "../../../../lab/istio/package/facts.js";
import { bundleIptablesStep } from "../../../../lab/istio/package/programs.js";
import type { PackagePrograms } from "../../../../lab/istio/package/contents.js";

let dir = "";
let programs: PackagePrograms;

test.before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sidecar-deb-"));
  const iptables = await bundleIptablesStep(path.join(dir, "programs"));
  programs = {
    files: [iptables, { name: "agent.mjs", content: Buffer.from("console.log('agent')\n") }],
    targets: { agent: "agent.mjs", envoy: "agent.mjs", envoyArgs: ["envoy"] },
  };
});
test.after.always(async () => {
  await rm(dir, { recursive: true, force: true });
});

const field = async (deb: string, name: string) => (await host(["dpkg-deb", "-f", deb, name])).stdout.trim();

for (const [version, depends, priority] of [
  ["1.8.1", "iproute2, iptables", "extra"],
  ["1.30.0", "iproute2, iptables, sudo, hostname", "optional"],
] as const) {
  test.serial(`${version}: dpkg-deb reads the control fields fpm writes for the release`, async (t) => {
    const built = await buildSidecarPackage({ facts: sidecarPackageFacts(version), programs, dir: path.join(dir, version) });
    t.is(path.basename(built.file), "istio-sidecar.deb");
    t.is(await field(built.file, "Package"), "istio-sidecar");
    t.is(await field(built.file, "Version"), version);
    t.is(await field(built.file, "Depends"), depends);
    t.is(await field(built.file, "Priority"), priority);
    t.is(await field(built.file, "Maintainer"), "istio@istio.io");
    t.is(await field(built.file, "Architecture"), "amd64");
    t.is(await field(built.file, "Description"), "Istio Sidecar");
    t.regex(await field(built.file, "Installed-Size"), /^\d+$/);
  });

  test.serial(`${version}: the archive holds what the real package installs, root-owned, dated at the release`, async (t) => {
    const deb = path.join(dir, version, "istio-sidecar.deb");
    const listing = (await host(["dpkg-deb", "-c", deb])).stdout;
    const entries = new Map(
      listing
        .trim()
        .split("\n")
        .map((line) => {
          const [mode = "", owner = "", , date = "", , name = ""] = line.split(/\s+/);
          return [name.replace(/^\./, ""), { mode, owner, date }] as const;
        }),
    );
    for (const [file, mode] of [
      ["/usr/local/bin/envoy", "-rwxr-xr-x"],
      ["/usr/local/bin/pilot-agent", "-rwxr-xr-x"],
      ["/usr/local/bin/istio-start.sh", "-rwxr-xr-x"],
      ["/lib/systemd/system/istio.service", "-rw-r--r--"],
      ["/var/lib/istio/envoy/sidecar.env", "-rw-r--r--"],
      ["/var/lib/istio/envoy/envoy_bootstrap_tmpl.json", "-rw-r--r--"],
      ["/usr/share/doc/istio-sidecar/changelog.gz", "-rw-r--r--"],
      ["/usr/local/lib/istio-lab/istio-iptables.mjs", "-rw-r--r--"],
    ] as const) {
      t.is(entries.get(file)?.mode, mode, file);
      t.is(entries.get(file)?.owner, "root/root", file);
    }
    t.false([...entries.keys()].some((f) => f.startsWith("/etc/systemd")), "the unit is not enabled by the package");
    t.is(entries.get("/usr/local/bin/istio-start.sh")?.date, version === "1.8.1" ? "2020-12-07" : "2026-05-15");
  });

  test.serial(`${version}: the conffiles are the two fpm --config-files and postinst is the lab's`, async (t) => {
    const deb = path.join(dir, version, "istio-sidecar.deb");
    t.is((await host(["dpkg-deb", "-I", deb, "conffiles"])).stdout, "/var/lib/istio/envoy/envoy_bootstrap_tmpl.json\n/var/lib/istio/envoy/sidecar.env\n");
    const postinst = (await host(["dpkg-deb", "-I", deb, "postinst"])).stdout;
    t.regex(postinst, /adduser --system --group --home \/var\/lib\/istio istio-proxy/);
    t.regex(postinst, /^chmod 2755 \/usr\/local\/bin\/envoy \/usr\/local\/bin\/pilot-agent$/m);
  });
}

test.serial("the .sha256 beside the package is sha256sum's line for it", async (t) => {
  const deb = path.join(dir, "1.8.1", "istio-sidecar.deb");
  const digest = createHash("sha256").update(await readFile(deb)).digest("hex");
  t.is(await readFile(`${deb}.sha256`, "utf8"), `${digest}  istio-sidecar.deb\n`);
});

test.serial("an unchanged package is kept; a changed program rebuilds it", async (t) => {
  const facts = sidecarPackageFacts("1.8.1");
  const target = path.join(dir, "1.8.1");
  const before = await readFile(path.join(target, "istio-sidecar.deb"));
  const again = await buildSidecarPackage({ facts, programs, dir: target });
  t.false(again.built);
  t.deepEqual(await readFile(again.file), before);
  const changed = { ...programs, files: [...programs.files.slice(0, 1), { name: "agent.mjs", content: Buffer.from("console.log('agent v2')\n") }] };
  const rebuilt = await buildSidecarPackage({ facts, programs: changed, dir: target });
  t.true(rebuilt.built);
  t.notDeepEqual(await readFile(rebuilt.file), before);
  t.regex((await host(["dpkg-deb", "--fsys-tarfile", rebuilt.file])).stdout, /agent v2/);
});
