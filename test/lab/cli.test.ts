import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { processStartTime, readProcessRecord } from "../../lab/host/pidfile.js";
import { vmLayout } from "../../lab/vm/layout.js";
import { acquireLabLock, labCli, runProcess, testContext } from "../helpers/lab-instance.js";

let release: (() => Promise<void>) | undefined;
const ctx = testContext();
const owned = (name: string) => name.startsWith(ctx.plan.prefix) && !/^\d/.test(name.slice(ctx.plan.prefix.length));

test.before(async () => {
  release = await acquireLabLock();
});

test.after.always(async () => {
  await labCli("down");
  await release?.();
});

test.serial("bad command lines are refused in Portuguese with exit 2, before anything changes", async (t) => {
  const unknown = await labCli("start");
  t.is(unknown.exitCode, 2);
  t.regex(unknown.stderr, /comando desconhecido: "start"; use um de up, down, status, reset, vm, fault/);
  const vm = await labCli("vm", "halt");
  t.regex(vm.stderr, /use `vm reboot` ou `vm ssh \[COMANDO\]`/);
  t.regex((await labCli("--help")).stdout, /^uso: npm run lab -- <comando>/);
});

test.serial("up brings everything up, is idempotent, and writes and prints the parameters", async (t) => {
  const first = await labCli("up");
  t.is(first.exitCode, 0, first.stderr);
  t.regex(first.stderr, /vm: pronta/);
  const second = await labCli("up");
  t.is(second.exitCode, 0, second.stderr);
  t.is(second.stdout, first.stdout);
  const expected = [
    `KUBECTL=${ctx.paths.toolsBin}/kubectl`,
    `VM_ADDRESS=${ctx.plan.vmAddress}`,
    `VM_PUB_ADDRESS=${ctx.plan.vmPublicAddress}`,
    "VM_USER=peguser",
    `VM_PKEY_PATH=${ctx.paths.sshKey}`,
  ];
  for (const line of expected) t.true(first.stdout.split("\n").includes(line), line);
  t.is(await readFile(ctx.paths.paramsFile, "utf8"), first.stdout);
  const status = await labCli("status");
  t.is(status.exitCode, 0);
  t.regex(status.stdout, /^ok {3}vm: VM pegasus-vm em execução/m);
  t.regex(status.stdout, /^falhas ativas: nenhuma$/m);
});

test.serial("down removes every namespace, link, mount, /etc/netns folder, nftables table and process it made, and verifies it", async (t) => {
  const layout = vmLayout(ctx.paths);
  const init = await readProcessRecord(ctx.paths.run, layout.records.init);
  const launcher = await readProcessRecord(ctx.paths.run, layout.records.launcher);
  t.truthy(init && launcher);
  t.is((await labCli("fault", "vm-down")).exitCode, 0);
  const down = await labCli("down");
  t.is(down.exitCode, 0, down.stderr + down.stdout);
  t.regex(down.stdout, /removido: .*falha vm-down.*processos da VM.*namespace de rede ilab\d+-vm.*bridge ilab\d+br/);
  t.regex(down.stdout, /verificado: nada do laboratório \d+ ficou no host/);

  t.deepEqual((await runProcess(["ip", "netns", "list"])).stdout.split("\n").map((l) => l.split(" ")[0] ?? "").filter(owned), []);
  const links = (await runProcess(["ip", "-o", "link", "show"])).stdout.split("\n").map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "");
  t.deepEqual(links.filter(owned), []);
  t.deepEqual((await readdir("/etc/netns").catch(() => [] as string[])).filter(owned), []);
  t.deepEqual((await readFile("/proc/self/mounts", "utf8")).split("\n").filter((l) => l.includes(ctx.paths.state)), []);
  for (const record of [init!, launcher!]) t.not(await processStartTime(record.pid), record.startTime, `${record.name} (pid ${record.pid}) is gone`);
  t.not((await runProcess(["/usr/sbin/nft", "list", "table", "bridge", `${ctx.plan.prefix}_fault_vm_down`])).exitCode, 0);

  const again = await labCli("down");
  t.is(again.exitCode, 0);
  t.regex(again.stdout, /nada a remover/);
});
