import test from "ava";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { CommandResult } from "../../../lib/run/result.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

// systemd cannot run here: the fixture's `systemctl` is a test double with systemd 252's wording and exit codes,
// which refuses changes from a non-root user (so these tests also prove that changes go through sudo).
let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
  writeFileSync(path.join(fixture.unitsDir, "istio.service"), "[Service]\nExecStart=/usr/local/bin/istio-start.sh\n");
});
test.after.always(async () => {
  await fixture?.stop();
});

test.serial("start and enable run as root, and is-active/is-enabled report the new state", async (t) => {
  const { vm, events } = vmSession({ fixture });
  t.deepEqual(await vm.isActive({ unit: "istio" }).then((s) => [s.state, s.active]), ["inactive", false]);
  t.deepEqual(await vm.isEnabled({ unit: "istio" }).then((s) => [s.state, s.enabled]), ["disabled", false]);
  await vm.systemctl({ action: "start", unit: "istio" });
  await vm.systemctl({ action: "enable", unit: "istio" });
  t.deepEqual(await vm.isActive({ unit: "istio" }).then((s) => [s.state, s.active]), ["active", true]);
  t.deepEqual(await vm.isEnabled({ unit: "istio" }).then((s) => [s.state, s.enabled]), ["enabled", true]);
  const shown = events.ofKind("command").map((c) => c.display);
  t.true(shown.includes("ssh-vm sudo systemctl start istio"));
  t.true(shown.includes("ssh-vm sudo systemctl enable istio"));
  t.true(shown.includes("ssh-vm systemctl is-active istio"));
});

test.serial("status returns the output of an inactive unit instead of throwing", async (t) => {
  const { vm } = vmSession({ fixture });
  await vm.systemctl({ action: "stop", unit: "istio" });
  const r = await vm.systemctl({ action: "status", unit: "istio" });
  t.is(r.exitCode, 3);
  t.regex(r.stdout, /Active: inactive \(dead\)/);
});

test("an unknown unit: start fails with systemctl's message, is-enabled says not-found", async (t) => {
  const { vm } = vmSession({ fixture });
  const error = await t.throwsAsync(vm.systemctl({ action: "start", unit: "istio-typo" }));
  t.true(error instanceof CommandResult);
  t.regex((error as CommandResult).stderr, /Unit istio-typo\.service not found/);
  t.is((await vm.isEnabled({ unit: "istio-typo" })).state, "not-found");
  t.false((await vm.isActive({ unit: "istio-typo" })).active);
});

test("bad unit names and actions are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.systemctl({ action: "start", unit: "istio; reboot" }), { instanceOf: InputError });
  await t.throwsAsync(vm.systemctl({ action: "start", unit: "--all" }), { instanceOf: InputError });
  await t.throwsAsync(vm.systemctl({ action: "kill" as "start", unit: "istio" }), { instanceOf: InputError, message: /start, stop, restart/ });
  await t.throwsAsync(vm.systemctl({ action: "start" }), { instanceOf: InputError, message: /falta o nome da unidade/ });
  t.is(events.ofKind("command").length, 0);
});
