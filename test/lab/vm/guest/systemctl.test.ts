import test from "ava";
import { acquireLabLock, eventually, labCli, sshVm, testContext } from "../../../helpers/lab-instance.js";

let release: (() => Promise<void>) | undefined;
const ctx = testContext();

const HELLO_UNIT = `[Unit]
Description=Lab test HTTP service

[Service]
Environment=GREETING=hello
ExecStartPre=/bin/sh -c "echo pre $GREETING"
ExecStart=/usr/bin/python3 -m http.server 8081 --directory /srv/hello
ExecStopPost=/bin/sh -c "echo $SERVICE_RESULT > /srv/hello/stop-post"
WorkingDirectory=/srv/hello
User=peguser
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

const CRASH_UNIT = `[Unit]
Description=Lab test crashing service

[Service]
ExecStart=/bin/sh -c "echo run >> /srv/hello/runs; exit 3"
Restart=always
RestartSec=1
`;

const ONCE_UNIT = `[Unit]
Description=Lab test service started by hand

[Service]
ExecStart=/bin/sleep 100000

[Install]
WantedBy=multi-user.target
`;

const install = (name: string, text: string) => sshVm(`sudo tee /etc/systemd/system/${name} >/dev/null`, { input: text });

test.before(async () => {
  release = await acquireLabLock();
  const up = await labCli("up");
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  await sshVm("sudo mkdir -p /srv/hello && echo hi | sudo tee /srv/hello/index.html >/dev/null && sudo chown -R peguser /srv/hello");
  await install("lab-hello.service", HELLO_UNIT);
  await install("lab-crash.service", CRASH_UNIT);
  await install("lab-once.service", ONCE_UNIT);
});

test.after.always(async () => {
  await labCli("reset");
  await labCli("down");
  await release?.();
});

test.serial("a new unit is disabled; enable creates the symlink in multi-user.target.wants and says so like systemd", async (t) => {
  const before = await sshVm("systemctl is-enabled lab-hello");
  t.is(before.stdout, "disabled\n");
  t.is(before.exitCode, 1);
  const enable = await sshVm("sudo systemctl enable lab-hello");
  t.is(enable.exitCode, 0);
  t.regex(enable.stderr, /^Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/lab-hello\.service (→|->) \/etc\/systemd\/system\/lab-hello\.service\.\n$/);
  t.is((await sshVm("readlink /etc/systemd/system/multi-user.target.wants/lab-hello.service")).stdout, "/etc/systemd/system/lab-hello.service\n");
  const after = await sshVm("systemctl is-enabled lab-hello");
  t.is(after.stdout, "enabled\n");
  t.is(after.exitCode, 0);
});

test.serial("start runs ExecStartPre then ExecStart as User= with Environment=; is-active and status report it like systemd", async (t) => {
  const start = await sshVm("sudo systemctl start lab-hello");
  t.is(start.exitCode, 0, start.stderr);
  const active = await sshVm("systemctl is-active lab-hello");
  t.is(active.stdout, "active\n");
  t.is(active.exitCode, 0);
  t.true(await eventually(async () => (await sshVm("curl -s localhost:8081/index.html")).stdout === "hi\n"));
  t.regex((await sshVm("ps -o user= -C python3")).stdout, /^peguser$/m);
  const status = await sshVm("sudo systemctl status lab-hello");
  t.is(status.exitCode, 0);
  const lines = status.stdout.split("\n");
  t.is(lines[0], "● lab-hello.service - Lab test HTTP service");
  t.is(lines[1], "     Loaded: loaded (/etc/systemd/system/lab-hello.service; enabled; preset: enabled)");
  t.regex(lines[2]!, /^ {5}Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; .+ ago$/);
  t.regex(status.stdout, /^ {4}Process: \d+ ExecStartPre=\/bin\/sh -c "echo pre \$GREETING" \(code=exited, status=0\/SUCCESS\)$/m);
  t.regex(status.stdout, /^ {3}Main PID: \d+ \(python3\)$/m);
  t.regex(status.stdout, /^ {5}CGroup: \/system\.slice\/lab-hello\.service\n {13}└─\d+ \/usr\/bin\/python3 -m http\.server 8081/m);
  t.regex(status.stdout, /sh\[\d+\]: pre hello$/m);
  t.regex(status.stdout, /systemd\[1\]: Started lab-hello\.service - Lab test HTTP service\.$/m);
});

test.serial("journalctl -u shows what the unit printed and the manager's lines; unsupported options are refused in Portuguese", async (t) => {
  const r = await sshVm("journalctl -xeu lab-hello --no-pager");
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /systemd\[1\]: Starting lab-hello\.service - Lab test HTTP service\.\.\.\n.*sh\[\d+\]: pre hello\n.*systemd\[1\]: Started lab-hello\.service/);
  t.is((await sshVm("journalctl -u lab-hello -n 1")).stdout.split("\n").length, 2);
  t.is((await sshVm("journalctl -u nope")).stdout, "-- No entries --\n");
  const bad = await sshVm("journalctl --since today");
  t.is(bad.exitCode, 1);
  t.regex(bad.stderr, /a opção --since não é suportada pelo journal desta VM/);
});

test.serial("stop ends the service, runs ExecStopPost, and status then exits 3 with ○ inactive (dead)", async (t) => {
  t.is((await sshVm("sudo systemctl stop lab-hello")).exitCode, 0);
  const status = await sshVm("systemctl status lab-hello");
  t.is(status.exitCode, 3);
  t.regex(status.stdout, /^○ lab-hello\.service - Lab test HTTP service\n.*\n {5}Active: inactive \(dead\) since /);
  t.is((await sshVm("cat /srv/hello/stop-post")).stdout, "success\n");
  t.is((await sshVm("curl -s -m 2 localhost:8081/")).exitCode, 7);
  const inactive = await sshVm("systemctl is-active lab-hello");
  t.deepEqual([inactive.stdout, inactive.exitCode], ["inactive\n", 3]);
});

test.serial("Restart=always restarts a failing service after RestartSec until systemd's start limit (5 in 10 s) fails it", async (t) => {
  t.is((await sshVm("sudo systemctl start lab-crash")).exitCode, 0);
  t.true(await eventually(async () => (await sshVm("wc -l < /srv/hello/runs")).stdout.trim() >= "2"));
  t.true(await eventually(async () => (await sshVm("systemctl is-active lab-crash")).stdout === "failed\n", { attempts: 100, intervalMs: 300 }));
  const status = await sshVm("sudo systemctl status lab-crash");
  t.regex(status.stdout, /^× lab-crash\.service/);
  t.regex(status.stdout, /Active: failed \(Result: start-limit-hit\)/);
  t.regex(status.stdout, /lab-crash\.service: Main process exited, code=exited, status=3\/NOTIMPLEMENTED/);
  t.regex(status.stdout, /lab-crash\.service: Scheduled restart job, restart counter is at \d+\./);
  t.is((await sshVm("wc -l < /srv/hello/runs")).stdout.trim(), "5", "StartLimitBurst=5: the sixth start is refused");
});

test.serial("after a reboot enabled units are running again, while a unit only started by hand is not", async (t) => {
  await sshVm("sudo systemctl start lab-hello lab-once");
  t.is((await sshVm("systemctl is-active lab-once")).stdout, "active\n");
  t.is((await labCli("vm", "reboot")).exitCode, 0);
  t.is((await sshVm("systemctl is-active lab-hello")).stdout, "active\n");
  const once = await sshVm("systemctl is-active lab-once");
  t.deepEqual([once.stdout, once.exitCode], ["inactive\n", 3]);
  t.is((await sshVm("systemctl is-enabled lab-hello lab-once")).stdout, "enabled\ndisabled\n");
});

test.serial("disable removes the symlink and prints it like systemd 252", async (t) => {
  const r = await sshVm("sudo systemctl disable lab-hello");
  t.is(r.stderr, 'Removed "/etc/systemd/system/multi-user.target.wants/lab-hello.service".\n');
  t.is((await sshVm("test -e /etc/systemd/system/multi-user.target.wants/lab-hello.service || echo gone")).stdout, "gone\n");
});

test.serial("unknown units and non-root users get systemctl's messages and exit codes", async (t) => {
  const status = await sshVm("systemctl status nope");
  t.deepEqual([status.stderr, status.exitCode], ["Unit nope.service could not be found.\n", 4]);
  const start = await sshVm("sudo systemctl start nope");
  t.deepEqual([start.stderr, start.exitCode], ["Failed to start nope.service: Unit nope.service not found.\n", 5]);
  const enabled = await sshVm("systemctl is-enabled nope");
  t.deepEqual([enabled.stderr, enabled.exitCode], ["Failed to get unit file state for nope.service: No such file or directory\n", 1]);
  const denied = await sshVm("systemctl start lab-hello");
  t.is(denied.exitCode, 1);
  t.regex(denied.stderr, /^Failed to start lab-hello\.service: Access denied/);
  const unsupported = await sshVm("systemctl list-units");
  t.is(unsupported.exitCode, 1);
  t.regex(unsupported.stderr, /o comando "list-units" não é suportado pelo gerenciador de serviços desta VM/);
});

test.serial("sshd and docker are units of the service manager, enabled in the image", async (t) => {
  const r = await sshVm("systemctl is-enabled ssh docker sshd; systemctl is-active ssh docker");
  t.is(r.stdout, "enabled\nenabled\nalias\nactive\nactive\n");
  t.regex((await sshVm("systemctl status ssh")).stdout, /Main PID: \d+ \(sshd\)/);
  t.truthy(ctx);
});
