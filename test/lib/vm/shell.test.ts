import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { CommandResult } from "../../../lib/run/result.js";
import { VmError } from "../../../lib/vm/failure.js";
import { MAX_REMOTE_COMMAND_BYTES } from "../../../lib/vm/remote-command.js";
import { quoteCorpus } from "../../helpers/quote-corpus.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

/** A folder every test user can write to: where an executed payload would leave its canary. */
const canaryDir = (name: string): string => {
  const dir = path.join(fixture.dir, `canary-${name}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  return dir;
};

test.serial("logs in with the student's key and records the command as the course writes it", async (t) => {
  const { vm, events } = vmSession({ fixture });
  const r = await vm.ssh({ argv: ["id", "-un"] });
  t.is(r.text(), "peguser");
  t.is(r.target, "ssh");
  const command = events.ofKind("command")[0]!;
  t.is(command.remote, "id -un");
  t.is(command.display, "ssh-vm id -un");
  t.regex(command.exact, /^ssh -i \S+ -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=\S+ -o ConnectTimeout=10 peguser@198\.18\.127\.\d+ -- 'id -un'$/);
});

for (const user of ["peguser", "dashuser"] as const) {
  for (const sudo of [false, true]) {
    test(`hostile values reach the VM intact through ${user === "peguser" ? "bash" : "dash"}${sudo ? " under sudo" : ""} and nothing runs`, async (t) => {
      const { vm } = vmSession({ fixture, user });
      const canary = path.join(canaryDir(`${user}-${sudo}`), "canary");
      const corpus = quoteCorpus(canary);
      const r = await vm.ssh({ argv: ["printf", "%s\\0", ...corpus], sudo, quiet: true });
      t.deepEqual(r.stdout.split("\0").slice(0, -1), corpus);
      t.false(existsSync(canary), "a value was executed on the VM");
    });
  }
}

test("a command word that looks like an assignment, a reserved word or an option runs as a program", async (t) => {
  const { vm } = vmSession({ fixture, user: "dashuser" });
  for (const argv of [["A=1", "true"], ["!", "false"], ["-c", "true"]]) {
    const r = await vm.ssh({ argv, nothrow: true });
    t.is(r.exitCode, 127, argv.join(" "));
    t.true(r instanceof VmError && r.failure.kind === "command-not-found");
  }
});

test("stdin reaches the remote command byte for byte", async (t) => {
  const { vm } = vmSession({ fixture });
  const data = "linha 1\n$(touch /x) 'q' \"d\"\n\u0000\u00ff ação 🚀\n\n";
  const r = await vm.ssh({ argv: ["cat"], stdin: data });
  t.is(r.stdout, data);
});

test("the remote command's exit code comes back and a plain failure is not mistaken for an ssh problem", async (t) => {
  const { vm } = vmSession({ fixture });
  const error = await t.throwsAsync(vm.ssh({ argv: ["sh", "-c", "echo nope >&2; exit 3"] }));
  t.true(error instanceof CommandResult);
  t.false(error instanceof VmError);
  t.is((error as CommandResult).exitCode, 3);
  t.is((error as CommandResult).stderr, "nope\n");
});

test.serial("the first connection trusts and records the host key; later ones check it silently", async (t) => {
  const { vm, root, events } = vmSession({ fixture });
  const first = await vm.ssh({ argv: ["true"] });
  t.is(first.stderr, "", "ssh's notice is not part of the remote command's stderr");
  t.true(events.ofKind("output").some((o) => /Permanently added '198\.18\.127\.\d+' \(ED25519\) to the list of known hosts/.test(o.text)), "but the reader saw it");
  t.regex(events.ofKind("note")[0]!.text, /^primeira conexão com 198\.18\.127\.\d+: a chave de host \(ED25519\) foi aceita e registrada em .*known_hosts/);
  const knownHosts = path.join(root, ".state", "known_hosts");
  t.true(existsSync(knownHosts));
  t.true(readFileSync(knownHosts, "utf8").includes(fixture.hostPublicKey().split(" ")[1]!));
  const second = await vm.ssh({ argv: ["true"] });
  t.is(second.stderr, "");
  const known = await vm.knownHostKey();
  t.true(known.known);
  t.regex(known.fingerprints[0]!, /ED25519 SHA256:\S+/);
});

test.serial("a changed host key is refused loudly, nothing runs, and only forgetHostKey makes it trusted again", async (t) => {
  const { vm, root } = vmSession({ fixture });
  await vm.ssh({ argv: ["true"] });
  const knownHosts = path.join(root, ".state", "known_hosts");
  const before = readFileSync(knownHosts, "utf8");
  await fixture.rotateHostKey();
  const marker = path.join(canaryDir("hostkey"), "ran");
  const error = await t.throwsAsync(vm.ssh({ argv: ["touch", marker] }));
  t.true(error instanceof VmError);
  const failure = (error as VmError).failure;
  t.is(failure.kind, "host-key-changed");
  t.regex(failure.cause, /MUDOU/);
  t.true(failure.fix.includes(`ssh-keygen -R ${fixture.address} -f ${knownHosts}`));
  t.regex((error as VmError).message, /^a chave de host de .* MUDOU/);
  t.false(existsSync(marker), "the command ran on a host whose key changed");
  t.is(readFileSync(knownHosts, "utf8"), before, "the new key was accepted into known_hosts");

  await vm.forgetHostKey();
  await vm.ssh({ argv: ["touch", marker] });
  t.true(existsSync(marker));
  t.true(readFileSync(knownHosts, "utf8").includes(fixture.hostPublicKey().split(" ")[1]!));
});

test("a key the VM does not accept is classified as a refused login", async (t) => {
  const { vm } = vmSession({ fixture, key: fixture.wrongKey });
  const error = await t.throwsAsync<VmError>(vm.ssh({ argv: ["true"] }));
  t.true(error instanceof VmError);
  t.is(error!.failure.kind, "auth-denied");
  t.is(error!.exitCode, 255);
  t.regex(error!.failure.evidence, /Permission denied \(publickey\)/);
  t.regex(error!.message, /recusou o login de peguser@/);
});

test("a closed ssh port is classified as connection refused", async (t) => {
  const { vm } = vmSession({ fixture, address: fixture.refusedAddress });
  const r = await vm.ssh({ argv: ["true"], nothrow: true });
  t.true(r instanceof VmError);
  t.is((r as VmError).failure.kind, "connection-refused");
});

test("a VM that drops packets is classified as a connection timeout", async (t) => {
  const { vm } = vmSession({ fixture, address: fixture.droppedAddress, connectTimeoutSeconds: 2 });
  const r = await vm.ssh({ argv: ["true"], nothrow: true });
  t.true(r instanceof VmError);
  t.is((r as VmError).failure.kind, "connection-timeout");
  t.regex((r as VmError).failure.fix, /firewall/);
});

test("an address nobody has is classified as no route to host", async (t) => {
  const { vm } = vmSession({ fixture, address: fixture.unroutedAddress, connectTimeoutSeconds: 30 });
  const r = await vm.ssh({ argv: ["true"], nothrow: true });
  t.true(r instanceof VmError);
  t.is((r as VmError).failure.kind, "no-route");
});

test("a user without passwordless sudo gets a Portuguese diagnosis, and canSudo/requireSudo say so", async (t) => {
  const { vm } = vmSession({ fixture, user: "nosudo" });
  const error = await t.throwsAsync<VmError>(vm.sudo({ argv: ["true"] }));
  t.is(error!.failure.kind, "sudo-password-required");
  t.true(error!.failure.fix.includes("NOPASSWD"));
  const probe = await vm.canSudo();
  t.false(probe.ok);
  const input = await t.throwsAsync(vm.requireSudo(), { instanceOf: InputError });
  t.regex(input!.message, /nosudo não tem sudo sem senha[\s\S]*Como corrigir: .*sudoers\.d\/nosudo/);
  t.true((await vmSession({ fixture }).vm.canSudo()).ok);
});

test("a missing remote program is classified, also under sudo", async (t) => {
  const { vm } = vmSession({ fixture });
  for (const sudo of [false, true]) {
    const r = await vm.ssh({ argv: ["no-such-program-here"], sudo, nothrow: true });
    t.true(r instanceof VmError, `sudo=${sudo}`);
    t.is((r as VmError).failure.kind, "command-not-found");
    t.regex((r as VmError).failure.evidence, /no-such-program-here/);
  }
});

test("on a real VM (TARGET=cluster) the student's known_hosts is honoured read-only", async (t) => {
  const own = path.join(canaryDir("userhosts"), "known_hosts");
  // A stale key for the VM in the student's file: the connection must be refused, naming that file.
  writeFileSync(own, `${fixture.address} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOuSGtFY1q0tP6cS5ZFXOWOhuE4Z2DPN3eq4D7gKXOk1\n`);
  const stale = vmSession({ fixture, target: "cluster", trustedKnownHosts: [own] });
  const error = await t.throwsAsync<VmError>(stale.vm.ssh({ argv: ["true"] }));
  t.is(error!.failure.kind, "host-key-changed");
  t.regex(error!.stderr, new RegExp(`Offending ED25519 key in ${own.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1`));

  writeFileSync(own, `${fixture.address} ${fixture.hostPublicKey()}\n`);
  const trusted = vmSession({ fixture, target: "cluster", trustedKnownHosts: [own] });
  await trusted.vm.ssh({ argv: ["true"] });
  t.false(trusted.events.ofKind("output").some((o) => /Permanently added/.test(o.text)), "a key the student already trusts is not added again");
  t.is(trusted.events.ofKind("note").length, 0);
  t.false(existsSync(path.join(trusted.root, ".state", "known_hosts")) && readFileSync(path.join(trusted.root, ".state", "known_hosts"), "utf8") !== "");
  t.is(readFileSync(own, "utf8"), `${fixture.address} ${fixture.hostPublicKey()}\n`, "the student's file was changed");
});

test("key and known_hosts paths with spaces and % reach ssh intact", async (t) => {
  const dir = path.join(fixture.dir, "odd %d dir");
  mkdirSync(dir, { recursive: true });
  const key = path.join(dir, "id %h key");
  copyFileSync(fixture.userKey, key);
  chmodSync(key, 0o600);
  const { vm } = vmSession({ fixture, key, lines: { SSH_KNOWN_HOSTS: path.join(dir, "known %u hosts") } });
  t.is((await vm.ssh({ argv: ["id", "-un"] })).text(), "peguser");
  t.true(readFileSync(path.join(dir, "known %u hosts"), "utf8").length > 0);
});

test("plan mode records the command and connects to nothing", async (t) => {
  const { vm, events } = vmSession({ fixture, address: fixture.droppedAddress, mode: "plan" });
  const r = await vm.sudo({ argv: ["cp", "/home/peguser/root-cert.pem", "/etc/certs/root-cert.pem"] });
  t.true(r.planned);
  const command = events.ofKind("command")[0]!;
  t.true(command.planned);
  t.is(command.display, "ssh-vm sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem");
  t.is(command.remote, "sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem");
  t.regex(command.exact, / -- 'sudo -n -- cp \/home\/peguser\/root-cert\.pem \/etc\/certs\/root-cert\.pem'$/);
});

test("a remote command line too long for the remote shell is refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.ssh({ argv: ["echo", "x".repeat(MAX_REMOTE_COMMAND_BYTES)] }), { instanceOf: InputError, message: /stdin|copyTo/ });
  t.is(events.ofKind("command").length, 0);
});

test.serial("a passphrase-protected key works through the student's ssh-agent, and is refused up front without one", async (t) => {
  const dir = canaryDir("agent");
  const key = path.join(dir, "id_protected");
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "segredo-longo", "-f", key]);
  await fixture.inside(["sh", "-c", `cat ${key}.pub >> /home/peguser/.ssh/authorized_keys`]);
  const saved = process.env["SSH_AUTH_SOCK"];
  delete process.env["SSH_AUTH_SOCK"];
  try {
    const without = vmSession({ fixture, key });
    await t.throwsAsync(without.vm.ssh({ argv: ["true"] }), { instanceOf: InputError, message: /protegida por senha[\s\S]*ssh-add/ });
    t.is(without.events.ofKind("command").length, 0);

    const socket = path.join(dir, "agent.sock");
    const agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      const askpass = path.join(dir, "askpass");
      writeFileSync(askpass, "#!/bin/sh\necho segredo-longo\n", { mode: 0o700 });
      const added = spawnSync("ssh-add", [key], { env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: "force" }, encoding: "utf8" });
      t.is(added.status, 0, added.stderr);
      process.env["SSH_AUTH_SOCK"] = socket;
      const withAgent = vmSession({ fixture, key });
      t.is((await withAgent.vm.ssh({ argv: ["id", "-un"] })).text(), "peguser");
    } finally {
      agent.kill();
    }
  } finally {
    if (saved === undefined) delete process.env["SSH_AUTH_SOCK"];
    else process.env["SSH_AUTH_SOCK"] = saved;
  }
});
