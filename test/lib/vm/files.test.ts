import test from "ava";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { VmError } from "../../../lib/vm/failure.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

/** A local folder with the files `istioctl x workload entry configure` writes, one of them with an awkward name. */
const workDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vm-files-"));
  writeFileSync(path.join(dir, "cluster.env"), "ISTIO_NAMESPACE='legacy'\nSERVICE_ACCOUNT='legacy-pegasus'\n");
  writeFileSync(path.join(dir, "hosts"), "198.18.2.1 istiod.istio-system.svc");
  writeFileSync(path.join(dir, "root-cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  writeFileSync(path.join(dir, "it's $(odd) name"), "odd\n");
  mkdirSync(path.join(dir, "subdir"));
  writeFileSync(path.join(dir, ".hidden"), "x");
  return dir;
};

test("copyTo sends a folder's files to the user's home, as `scp -i KEY DIR/* user@host:/home/user`", async (t) => {
  const dir = workDir();
  const { vm, events } = vmSession({ fixture });
  await vm.copyTo({ files: [dir] });
  for (const name of ["cluster.env", "hosts", "root-cert.pem", "it's $(odd) name"]) {
    t.is(await fixture.inside(["cat", path.join("/home/peguser", name)]), readFileSync(path.join(dir, name), "utf8"), name);
  }
  t.is((await fixture.inside(["ls", "-A", "/home/peguser"])).includes(".hidden"), false);
  const command = events.ofKind("command")[0]!;
  t.is(command.display, `scp -i ${fixture.userKey} ${dir}/* peguser@${fixture.address}:/home/peguser`);
  t.regex(command.exact, /^scp -i \S+ -o IdentitiesOnly=yes .* -- \S+\/cluster\.env \S+\/hosts '[^']+it'\\''s \$\(odd\) name' \S+\/root-cert\.pem peguser@/);
});

test("copyTo refuses a missing local file before copying anything", async (t) => {
  const { vm, events } = vmSession({ fixture });
  const error = await t.throwsAsync(vm.copyTo({ files: [path.join(workDir(), "cluster.env"), "/no/such/istio-token"] }), { instanceOf: InputError });
  t.regex(error!.message, /"\/no\/such\/istio-token" não existe/);
  t.is(events.ofKind("command").length, 0);
});

test("copyTo into a folder the user cannot write fails with scp's reason", async (t) => {
  const { vm } = vmSession({ fixture });
  const error = await t.throwsAsync(vm.copyTo({ files: [path.join(workDir(), "hosts")], dest: "/etc" }));
  t.regex((error as VmError).stderr, /Permission denied/);
});

test("mkdirP and installFile put a copied file in a root-owned place with owner and mode, as the course does with sudo", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await vm.copyTo({ files: [path.join(workDir(), "root-cert.pem")] });
  await vm.mkdirP({ path: "/etc/certs" });
  await vm.installFile({ from: "/home/peguser/root-cert.pem", to: "/etc/certs/root-cert.pem", owner: "nosudo", mode: "0640" });
  t.is(await fixture.inside(["stat", "-c", "%U %a", "/etc/certs/root-cert.pem"]), "nosudo 640\n");
  t.deepEqual(
    events.ofKind("command").map((c) => c.display).slice(1),
    [
      "ssh-vm sudo mkdir -p /etc/certs",
      "ssh-vm sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
      "ssh-vm sudo chown nosudo /etc/certs/root-cert.pem",
      "ssh-vm sudo chmod 0640 /etc/certs/root-cert.pem",
    ],
  );
});

test("appendLineOnce adds the hosts entry once, however often it runs", async (t) => {
  const { vm } = vmSession({ fixture });
  const line = "198.18.2.1 istiod.istio-system.svc";
  const first = await vm.appendLineOnce({ file: "/etc/hosts", line });
  const second = await vm.appendLineOnce({ file: "/etc/hosts", line });
  t.true(first.appended);
  t.false(second.appended);
  const hosts = await fixture.inside(["cat", "/etc/hosts"]);
  // The fixture's /etc/hosts had no final newline: the entry must not be glued to its last line.
  t.is(hosts, `127.0.0.1\tlocalhost\n198.18.127.1\tgateway\n${line}\n`);
  t.is(hosts.split("\n").filter((l) => l === line).length, 1);
});

test("appendLineOnce matches the whole line literally: regex characters, quotes and $() are text", async (t) => {
  const { vm } = vmSession({ fixture });
  await vm.mkdirP({ path: "/etc/ilab-test" });
  const file = "/etc/ilab-test/lines";
  const tricky = `a.b* [x] 'q' "d" $(touch /tmp/never) \\n`;
  t.true((await vm.appendLineOnce({ file, line: tricky })).appended);
  // A line that the regex `a.b*` would match, and a prefix of the line: both are different lines.
  t.true((await vm.appendLineOnce({ file, line: "axbbb [x] 'q' \"d\" $(touch /tmp/never) \\n" })).appended);
  t.true((await vm.appendLineOnce({ file, line: "a.b*" })).appended);
  t.false((await vm.appendLineOnce({ file, line: tricky })).appended);
  t.is((await fixture.inside(["cat", file])).split("\n").filter((l) => l === tricky).length, 1);
  t.is(await fixture.inside(["stat", "-c", "%U", file]), "root\n");
});

test("appendLineOnce refuses more than one line and relative paths", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.appendLineOnce({ file: "/etc/hosts", line: "a\nb" }), { instanceOf: InputError });
  await t.throwsAsync(vm.appendLineOnce({ file: "/etc/hosts", line: "   " }), { instanceOf: InputError });
  await t.throwsAsync(vm.appendLineOnce({ file: "etc/hosts", line: "x" }), { instanceOf: InputError, message: /não é um caminho absoluto/ });
  t.is(events.ofKind("command").length, 0);
});

test("readFile, tail and fileExists read the VM's files (sudo for root-only ones)", async (t) => {
  const { vm } = vmSession({ fixture });
  await vm.mkdirP({ path: "/var/log/istio" });
  const log = Array.from({ length: 30 }, (_, i) => `2020-12-26T14:48:${String(i).padStart(2, "0")}Z\tinfo\tline ${i}`).join("\n") + "\n";
  await vm.sudo({ argv: ["tee", "/var/log/istio/istio.log"], stdin: log, quiet: true });
  await vm.sudo({ argv: ["chmod", "700", "/var/log/istio"] });
  t.is(await vm.tail({ file: "/var/log/istio/istio.log", sudo: true }), log.split("\n").slice(20).join("\n"));
  t.is(await vm.tail({ file: "/var/log/istio/istio.log", lines: 3, sudo: true }), log.split("\n").slice(27).join("\n"));
  t.is(await vm.readFile({ path: "/var/log/istio/istio.log", sudo: true }), log);
  t.true((await vm.fileExists({ path: "/var/log/istio/istio.log", sudo: true })).exists);
  t.false((await vm.fileExists({ path: "/var/log/istio/istio.log" })).exists, "not visible to the user without sudo");
  t.false((await vm.fileExists({ path: "/etc/istio/config/mesh" })).exists);
  const missing = await t.throwsAsync(vm.readFile({ path: "/etc/no-such-file" }));
  t.regex((missing as VmError).stderr, /No such file or directory/);
});

test("a relative path that starts with a dash is passed as a file, not an option", async (t) => {
  const { vm } = vmSession({ fixture });
  await vm.ssh({ argv: ["sh", "-c", "echo dash-file > ./-n"] });
  t.is(await vm.readFile({ path: "-n" }), "dash-file\n");
  t.true((await vm.fileExists({ path: "-n" })).exists);
});

test("in plan mode the file helpers answer 'not yet' without connecting", async (t) => {
  const { vm, events } = vmSession({ fixture, address: fixture.droppedAddress, mode: "plan" });
  t.false((await vm.fileExists({ path: "/etc/certs/root-cert.pem" })).exists);
  t.deepEqual(await vm.appendLineOnce({ file: "/etc/hosts", line: "1.2.3.4 istiod.istio-system.svc" }).then((r) => [r.appended, r.planned]), [false, true]);
  t.is(await vm.tail({ file: "/var/log/istio/istio.log" }), "");
  t.is(events.ofKind("command").length, 3);
  t.true(events.ofKind("command").every((c) => c.planned));
  t.is(events.ofKind("command")[2]!.display, "ssh-vm tail /var/log/istio/istio.log");
});
