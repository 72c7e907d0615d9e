import test from "ava";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { vmSession } from "./fixture/session.js";
import { sh, startSshd, type SshdFixture } from "./fixture/sshd.js";

let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

/** Builds a real .deb (with dpkg-deb) that installs one file under /etc (an overlay in the fixture). */
const buildDeb = async (): Promise<string> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vm-deb-"));
  const root = path.join(dir, "pkg");
  mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
  mkdirSync(path.join(root, "etc", "ilab7-sidecar-test"), { recursive: true });
  writeFileSync(path.join(root, "etc", "ilab7-sidecar-test", "sidecar.env"), "ISTIO_AGENT_FLAGS=\n");
  writeFileSync(
    path.join(root, "DEBIAN", "control"),
    "Package: ilab7-sidecar-test\nVersion: 1.8.1\nArchitecture: all\nMaintainer: tests <tests@example.invalid>\nDescription: lib/vm test package\n",
  );
  chmodSync(path.join(root, "DEBIAN"), 0o755);
  const deb = path.join(dir, "ilab7-sidecar-test.deb");
  await sh(["dpkg-deb", "--root-owner-group", "--build", root, deb]);
  return deb;
};

test("dpkgInstalled tells an installed package (with its version) from an unknown one", async (t) => {
  const { vm } = vmSession({ fixture });
  const ssh = await vm.dpkgInstalled({ pkg: "openssh-server" });
  t.true(ssh.installed);
  t.is(ssh.status, "install ok installed");
  t.regex(ssh.version, /^1:9\./);
  const sidecar = await vm.dpkgInstalled({ pkg: "istio-sidecar" });
  t.false(sidecar.installed);
  t.is(sidecar.status, "");
});

test("a .deb copied to the VM is installed and removed with sudo dpkg, as the course does", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await vm.copyTo({ files: [await buildDeb()] });
  await vm.dpkgInstall({ file: "ilab7-sidecar-test.deb" });
  const installed = await vm.dpkgInstalled({ pkg: "ilab7-sidecar-test" });
  t.true(installed.installed);
  t.is(installed.version, "1.8.1");
  t.true((await vm.fileExists({ path: "/etc/ilab7-sidecar-test/sidecar.env" })).exists);
  await vm.dpkgRemove({ pkg: "ilab7-sidecar-test" });
  const removed = await vm.dpkgInstalled({ pkg: "ilab7-sidecar-test" });
  t.false(removed.installed, "a removed package keeping its conffiles is not installed");
  const shown = events.ofKind("command").map((c) => c.display);
  t.true(shown.includes("ssh-vm sudo dpkg -i ilab7-sidecar-test.deb"));
  t.true(shown.includes("ssh-vm sudo dpkg -r ilab7-sidecar-test"));
});

test("bad package names and files are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.dpkgInstalled({ pkg: "Istio Sidecar" }), { instanceOf: InputError });
  await t.throwsAsync(vm.dpkgRemove({ pkg: "-a" }), { instanceOf: InputError });
  await t.throwsAsync(vm.dpkgInstall({ file: "istio-sidecar.rpm" }), { instanceOf: InputError, message: /não é um pacote \.deb/ });
  t.is(events.ofKind("command").length, 0);
});
