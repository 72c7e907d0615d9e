import test from "ava";
import { runInVm } from "../../../lab/vm/exec.js";
import { acquireLabLock, eventually, labCli, runProcess, sshVm, testContext } from "../../helpers/lab-instance.js";

let release: (() => Promise<void>) | undefined;
const ctx = testContext();
const vm = { plan: ctx.plan, paths: ctx.paths };
const address = ctx.plan.vmAddress;

const ping = () => runProcess(["ping", "-c", "2", "-W", "1", address]);
const curl8000 = () => runProcess(["curl", "-s", "-m", "3", `http://${address}:8000/healthz`]);
const sshTrue = () => sshVm("true", { address });

test.before(async () => {
  release = await acquireLabLock();
  const up = await labCli("up");
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  const run = await sshVm("docker run -d --rm -p 8000:8000 --hostname pegasus-pay --name pegasus-pay -e APP=pegasus-pay -e VERSION=v1 kdop/generic-service:0.0.5");
  if (run.exitCode !== 0) throw new Error(run.stderr);
  if (!(await eventually(async () => (await curl8000()).exitCode === 0))) throw new Error("pegasus-pay did not answer");
});

test.after.always(async () => {
  await labCli("down");
  await release?.();
});

test.serial("fault list names each VM fault with what the student will see", async (t) => {
  const r = await labCli("fault", "list");
  t.is(r.exitCode, 0);
  for (const name of ["vm-down", "sshd-down", "port-8000-firewalled"]) t.regex(r.stdout, new RegExp(`^${name}\\s+.+; sintoma: .+$`, "m"));
  t.notRegex(r.stdout, /\[ATIVA\]/);
});

test.serial("vm-down: ping gets no reply and ssh and curl time out, until fault clear", async (t) => {
  const apply = await labCli("fault", "vm-down");
  t.is(apply.exitCode, 0, apply.stderr);
  t.regex((await ping()).stdout, / 100% packet loss/);
  const ssh = await sshTrue();
  t.is(ssh.exitCode, 255);
  t.regex(ssh.stderr, /Connection timed out/);
  t.is((await curl8000()).exitCode, 28, "curl: operation timed out");
  t.regex((await labCli("status")).stdout, /^falhas ativas: vm-down$/m);
  t.regex((await labCli("fault", "clear")).stdout, /falhas removidas: vm-down/);
  t.regex((await ping()).stdout, / 0% packet loss/);
  t.is((await sshTrue()).exitCode, 0);
});

test.serial("sshd-down: ssh is refused on port 22 while ping and the service still answer; the VM shows ssh.service stopped", async (t) => {
  t.is((await labCli("fault", "sshd-down")).exitCode, 0);
  const ssh = await sshTrue();
  t.is(ssh.exitCode, 255);
  t.regex(ssh.stderr, /port 22: Connection refused/);
  t.regex((await ping()).stdout, / 0% packet loss/);
  t.is((await curl8000()).exitCode, 0);
  t.is((await runInVm(vm, ["systemctl", "is-active", "ssh"], { allowFailure: true })).stdout, "inactive\n");
  t.regex((await labCli("fault", "list")).stdout, /^sshd-down\s+\[ATIVA\]/m);
  t.regex((await labCli("fault", "clear", "sshd-down")).stdout, /falhas removidas: sshd-down/);
  t.is((await sshTrue()).exitCode, 0);
});

test.serial("port-8000-firewalled: curl to port 8000 times out (even through Docker's DNAT) while ping and ssh work", async (t) => {
  t.is((await labCli("fault", "port-8000-firewalled")).exitCode, 0);
  t.is((await curl8000()).exitCode, 28);
  t.regex((await ping()).stdout, / 0% packet loss/);
  t.is((await sshTrue()).exitCode, 0);
  t.regex((await sshVm("sudo iptables -t raw -S PREROUTING")).stdout, /-A PREROUTING -p tcp -m tcp --dport 8000 -m comment --comment "lab fault port-8000-firewalled" -j DROP/);
  t.is((await labCli("fault", "clear")).exitCode, 0);
  t.is((await curl8000()).exitCode, 0);
});

test.serial("fault clear with nothing active says so; an unknown fault is refused in Portuguese", async (t) => {
  t.is((await labCli("fault", "clear")).stdout, "nenhuma falha ativa\n");
  const bad = await labCli("fault", "disk-full");
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /falha desconhecida: "disk-full"; as falhas disponíveis são vm-down, sshd-down, port-8000-firewalled/);
});
