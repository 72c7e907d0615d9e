import test from "ava";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadParams } from "../../../lib/params/load.js";
import { RunState } from "../../../lib/params/state.js";
import { EventLog } from "../../../lib/run/events.js";
import { Session } from "../../../lib/run/session.js";
import { Vm } from "../../../lib/vm/vm.js";
import { acquireLabLock, labCli, testContext } from "../../helpers/lab-instance.js";

// lib/vm against the offline lab's VM (instance LAB_TEST_INSTANCE, default 1), reached only through what `lab up`
// writes to its parameters file, as a notebook would: the real sshd, sudo, systemctl stand-in, docker stand-in with the
// course's image, /etc/hosts.
let release: (() => Promise<void>) | undefined;
let vm: Vm;
const ctx = testContext();
const UNIT = "ilab-vm-test.service";

test.before(async () => {
  release = await acquireLabLock();
  const up = await labCli("up");
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-vm-"));
  const session = new Session({
    params: loadParams({ file: ctx.paths.paramsFile, env: {}, overrides: { TARGET: "lab", SSH_KNOWN_HOSTS: path.join(dir, "known_hosts") } }),
    sink: new EventLog(),
    state: new RunState(path.join(dir, "state.json")),
  });
  vm = new Vm({ session });
});

test.after.always(async () => {
  await vm?.sudo({ argv: ["rm", "-f", `/etc/systemd/system/${UNIT}`], nothrow: true });
  await labCli("down");
  await release?.();
});

test.serial("the student reaches the lab VM with passwordless sudo", async (t) => {
  t.is((await vm.ssh({ argv: ["id", "-un"] })).text(), "peguser");
  t.true((await vm.canSudo()).ok);
  t.true((await vm.dpkgInstalled({ pkg: "openssh-server" })).installed);
  t.false((await vm.dpkgInstalled({ pkg: "istio-sidecar" })).installed, "a fresh VM has no sidecar");
});

test.serial("a unit goes through the lab's systemctl: start, enable, is-active, is-enabled, stop, disable", async (t) => {
  t.true((await vm.isActive({ unit: "ssh" })).active);
  t.is((await vm.isEnabled({ unit: UNIT })).state, "not-found");
  await vm.sudo({ argv: ["tee", `/etc/systemd/system/${UNIT}`], stdin: "[Unit]\nDescription=lib/vm test\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n", quiet: true });
  await vm.systemctl({ action: "daemon-reload" });
  await vm.systemctl({ action: "start", unit: UNIT });
  await vm.systemctl({ action: "enable", unit: UNIT });
  t.true((await vm.isActive({ unit: UNIT })).active);
  t.true((await vm.isEnabled({ unit: UNIT })).enabled);
  t.regex((await vm.systemctl({ action: "status", unit: UNIT })).stdout, /Active: active \(running\)/);
  await vm.systemctl({ action: "stop", unit: UNIT });
  await vm.systemctl({ action: "disable", unit: UNIT });
  t.deepEqual(await vm.isActive({ unit: UNIT }).then((s) => [s.active, s.state]), [false, "inactive"]);
  t.false((await vm.isEnabled({ unit: UNIT })).enabled);
});

test.serial("the course's legacy app runs in the VM's docker and answers curl from the VM", async (t) => {
  await vm.dockerRun({
    replace: true,
    image: "kdop/generic-service:0.0.5",
    name: "pegasus-pay",
    hostname: "pegasus-pay",
    publish: ["8000:8000"],
    env: { SCHED_CALL_URL_LST: "http://localhost:8000/healthz", SCHED_CALL_INTERVAL: "300", APP: "pegasus-pay", VERSION: "v1" },
  });
  t.true((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
  let answer = await vm.curl({ url: "localhost:8000/" });
  for (let i = 0; i < 50 && answer.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await vm.curl({ url: "localhost:8000/" });
  }
  t.is(answer.status, 200);
  t.regex(answer.body, /pegasus-pay/);
  t.true((await vm.tcpProbe({ host: "127.0.0.1", port: 8000 })).open);
  t.not(await vm.dockerLogs({ name: "pegasus-pay", tail: 5 }), "");
  await vm.dockerStop({ name: "pegasus-pay" });
  t.false((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
});

test.serial("the istiod hosts entry is appended to the VM's /etc/hosts once", async (t) => {
  const line = `${ctx.plan.gateway} istiod.istio-system.svc`;
  await vm.appendLineOnce({ file: "/etc/hosts", line });
  t.false((await vm.appendLineOnce({ file: "/etc/hosts", line })).appended);
  t.is((await vm.readFile({ path: "/etc/hosts" })).split("\n").filter((l) => l === line).length, 1);
});
