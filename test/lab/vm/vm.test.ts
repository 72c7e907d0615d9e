import test from "ava";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inNetns } from "../../../lab/net/ip.js";
import { attachNetns, removeNetns } from "../../../lab/net/netns.js";
import { runInVm } from "../../../lab/vm/exec.js";
import { acquireLabLock, eventually, labCli, runProcess, sshVm, SSH_OPTIONS, testContext } from "../../helpers/lab-instance.js";

let release: (() => Promise<void>) | undefined;
const ctx = testContext();
const probeNetns = `${ctx.plan.prefix}-tprobe`;

test.before(async () => {
  release = await acquireLabLock();
  const up = await labCli("up");
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
});

test.after.always(async () => {
  await removeNetns(probeNetns);
  await labCli("down");
  await release?.();
});

test.serial("the student logs in with the lab's key (mode 0600), has passwordless sudo, and the VM has its own hostname", async (t) => {
  t.is((await stat(ctx.paths.sshKey)).mode & 0o777, 0o600);
  const r = await sshVm("id -un; sudo -n true && echo SUDO_OK; hostname; cat /etc/hostname");
  t.is(r.exitCode, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split("\n"), ["peguser", "SUDO_OK", ctx.plan.vmHostname, ctx.plan.vmHostname]);
  t.not((await runProcess(["hostname"])).stdout.trim(), ctx.plan.vmHostname);
});

test.serial("`hostname -I` lists the private address first, then the public one", async (t) => {
  const r = await sshVm("hostname -I");
  const addresses = r.stdout.trim().split(/\s+/);
  t.is(addresses[0], ctx.plan.vmAddress);
  t.is(addresses[1], ctx.plan.vmPublicAddress);
});

test.serial("scp copies a file into the student's home, like the course's transfer of the Istio files", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), "scp-"));
  const file = path.join(dir, "cluster.env");
  await writeFile(file, "ISTIO_NAMESPACE='legacy'\n");
  const copy = await runProcess(["scp", "-i", ctx.paths.sshKey, ...SSH_OPTIONS, file, `peguser@${ctx.plan.vmPublicAddress}:/home/peguser/`]);
  t.is(copy.exitCode, 0, copy.stderr);
  const r = await sshVm("cat /home/peguser/cluster.env && sudo cp /home/peguser/cluster.env /root/ && sudo cat /root/cluster.env");
  t.is(r.stdout, "ISTIO_NAMESPACE='legacy'\nISTIO_NAMESPACE='legacy'\n");
});

test.serial("the VM answers ICMP, ssh and tcp/8000 from the host and from another namespace on the lab bridge", async (t) => {
  const server = await sshVm("nohup python3 -m http.server 8000 --directory /etc >/dev/null 2>&1 & echo started");
  t.is(server.exitCode, 0, server.stderr);
  t.true(await eventually(async () => (await runProcess(["curl", "-s", "-m", "2", `http://${ctx.plan.vmAddress}:8000/hostname`])).stdout === `${ctx.plan.vmHostname}\n`));
  for (const address of [ctx.plan.vmAddress, ctx.plan.vmPublicAddress]) {
    t.regex((await runProcess(["ping", "-c", "1", "-W", "2", address])).stdout, / 0% packet loss/);
  }
  await attachNetns({ plan: ctx.plan, netns: probeNetns, hostIf: `${ctx.plan.prefix}tprb`, addresses: ["198.18." + (16 * ctx.plan.instance) + ".250"] });
  t.regex((await inNetns(probeNetns, ["ping", "-c", "1", "-W", "2", ctx.plan.vmAddress])).stdout, / 0% packet loss/);
  t.is((await inNetns(probeNetns, ["curl", "-s", "-m", "5", `http://${ctx.plan.vmAddress}:8000/hostname`])).stdout, `${ctx.plan.vmHostname}\n`);
  const banner = await inNetns(probeNetns, ["bash", "-c", `exec 3<>/dev/tcp/${ctx.plan.vmAddress}/22; head -c 8 <&3`], { allowFailure: true });
  t.is(banner.stdout, "SSH-2.0-");
  await removeNetns(probeNetns);
});

test.serial("the lab runs commands in the VM as root, inside its namespaces and chroot", async (t) => {
  const r = await runInVm({ plan: ctx.plan, paths: ctx.paths }, ["sh", "-c", "id -u; hostname; test -x /usr/bin/docker && echo docker-installed; ps -o pid= -p 1 -o comm="]);
  t.deepEqual(r.stdout.trim().split("\n").map((l) => l.trim()), ["0", ctx.plan.vmHostname, "docker-installed", "1 tini"]);
});

test.serial("a reboot keeps the disk and the enabled services, and forgets running processes and /tmp", async (t) => {
  await sshVm("echo kept > /home/peguser/note && touch /tmp/volatile && sudo mkdir -p /var/lib/istio/envoy");
  const reboot = await labCli("vm", "reboot");
  t.is(reboot.exitCode, 0, reboot.stderr);
  const r = await sshVm("cat /home/peguser/note; test -e /tmp/volatile && echo tmp-kept || echo tmp-gone; test -d /var/lib/istio/envoy && echo dir-kept; pgrep -x python3 || echo no-server; systemctl is-active ssh docker");
  t.deepEqual(r.stdout.trim().split("\n"), ["kept", "tmp-gone", "dir-kept", "no-server", "active", "active"]);
});

test.serial("reset gives a fresh VM from the image: the student's files are gone, the user and key work again", async (t) => {
  const reset = await labCli("reset");
  t.is(reset.exitCode, 0, reset.stderr);
  t.regex(reset.stdout, /^VM_PKEY_PATH=/m);
  const r = await sshVm("test -e /home/peguser/note && echo note-kept || echo note-gone; test -d /var/lib/istio && echo istio || echo no-istio; id -nG");
  t.is(r.exitCode, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split("\n"), ["note-gone", "no-istio", "peguser adm docker"]);
});
