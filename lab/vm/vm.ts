// The lab's VM: start, stop, reboot, reset and status. The VM is a process tree rooted at an init that is PID 1 of its
// own PID/UTS/mount namespaces inside the network namespace `ilab<n>-vm`, chrooted into an overlay of the cached Debian
// rootfs with the instance's disk as the writable layer. Stopping it drops its mounts; the disk survives (a reboot).
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { forgetProcess, isAlive, readProcessRecord, recordProcess, stopRecordedProcess, type ProcessRecord } from "../host/pidfile.js";
import { mountsBelow, removeTree } from "../host/tree.js";
import { host } from "../net/ip.js";
import { attachNetns, listNetns, removeNetns } from "../net/netns.js";
import type { LabNetPlan } from "../net/plan.js";
import { projectRoot, type LabPaths } from "../paths.js";
import { BOOT_STATE_PATH, type BootConfig } from "./guest/boot-config.js";
import { bundleGuest } from "./guest-bundle.js";
import { writeImageLayer } from "./image-layer.js";
import { vmLayout } from "./layout.js";
import { ensureRootfs } from "./rootfs.js";
import { ensureSshKey } from "./ssh-key.js";

/** The student's user on the VM (VM_USER). */
export const VM_USER = "peguser";

/** What every VM operation needs. */
export interface VmContext {
  plan: LabNetPlan;
  paths: LabPaths;
  onProgress?: (line: string) => void;
}

/** A running VM as the host sees it. */
export interface VmInfo {
  /** Host pid of the VM's PID 1 (tini). */
  initPid: number;
  address: string;
  publicAddress: string;
  user: string;
  keyPath: string;
  /** True when this start found a new (empty) disk and provisioned it. */
  firstBoot: boolean;
}

/** Host-side name of the VM's veth (on the lab bridge). */
export const vmHostInterface = (plan: LabNetPlan): string => `${plan.prefix}vm`;

/** The VM NIC's MAC address: fixed per instance, so neighbours' ARP caches stay right across reboots. */
export const vmMacAddress = (plan: LabNetPlan): string => `02:42:c6:12:${plan.instance.toString(16).padStart(2, "0")}:0a`;

const exists = (p: string) => access(p).then(() => true, () => false);

/** The record of the VM's PID 1 when it is running. */
export const runningInit = async ({ paths }: VmContext): Promise<ProcessRecord | undefined> => {
  const record = await readProcessRecord(paths.run, vmLayout(paths).records.init);
  return record && (await isAlive(record)) ? record : undefined;
};

/** The VM's boot state (`booting`, `running`, `stopping`) read through /proc/<init>/root, or undefined when it is down. */
export const bootState = async (ctx: VmContext): Promise<string | undefined> => {
  const init = await runningInit(ctx);
  if (!init) return undefined;
  try {
    return (await readFile(path.join(`/proc/${init.pid}/root`, BOOT_STATE_PATH), "utf8")).trim();
  } catch {
    return "booting";
  }
};

const childOf = async (pid: number): Promise<number | undefined> => {
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(/\s+/).filter(Boolean);
    return children.length ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
};

const tail = async (file: string, lines = 15): Promise<string> => {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
};

/** Recreates the VM's network namespace (a boot starts with a fresh network stack: no iptables rules, no docker0). The
 * NIC is made here as interface index 2 with a fixed MAC, like a VM's first NIC (so `hostname -I` lists its addresses
 * before docker0's); attachNetns then joins it to the bridge and gives it its addresses and default route. */
const wireNetwork = async ({ plan }: VmContext): Promise<void> => {
  const hostIf = vmHostInterface(plan);
  await removeNetns(plan.vmNetns);
  await host(["ip", "link", "del", hostIf], { allowFailure: true });
  await host(["ip", "netns", "add", plan.vmNetns]);
  await host(["ip", "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "address", vmMacAddress(plan), "netns", plan.vmNetns, "index", "2"]);
  await host(["ip", "link", "set", hostIf, "master", plan.bridge]);
  await host(["ip", "link", "set", hostIf, "up"]);
  await attachNetns({ plan, netns: plan.vmNetns, hostIf, addresses: [plan.vmAddress, plan.vmPublicAddress] });
};

/** Boots the VM (no-op when it is running) and waits until its units (sshd, docker) are started. */
export const startVm = async (ctx: VmContext): Promise<VmInfo> => {
  const { plan, paths } = ctx;
  const progress = ctx.onProgress ?? (() => {});
  const layout = vmLayout(paths);
  const info = (initPid: number, firstBoot: boolean): VmInfo => ({
    initPid,
    address: plan.vmAddress,
    publicAddress: plan.vmPublicAddress,
    user: VM_USER,
    keyPath: paths.sshKey,
    firstBoot,
  });
  const running = await runningInit(ctx);
  if (running && (await bootState(ctx)) === "running") return info(running.pid, false);
  if (running) await stopVm(ctx);

  const rootfs = await ensureRootfs({ cache: paths.cache, onProgress: progress });
  const authorizedKey = await ensureSshKey({ keyPath: paths.sshKey, comment: `${VM_USER}@lab-${plan.instance}` });
  const firstBoot = !(await exists(layout.disk));
  await Promise.all([layout.disk, layout.work, layout.root, layout.boot, paths.logs, paths.run].map((d) => mkdir(d, { recursive: true })));
  await writeImageLayer(layout.layer);
  await bundleGuest(layout.guest);
  const config: BootConfig = { hostname: plan.vmHostname, user: VM_USER, authorizedKey, nameserver: plan.cloudDns };
  await writeFile(path.join(layout.boot, "config.json"), `${JSON.stringify(config, null, 2)}\n`);

  progress(`vm: conectando ${plan.vmNetns} à rede do laboratório (${plan.vmAddress} e ${plan.vmPublicAddress})`);
  await wireNetwork(ctx);

  progress(firstBoot ? `vm: primeira inicialização (disco novo): criando o usuário ${VM_USER} e as chaves do sshd` : "vm: inicializando (disco existente)");
  const log = openSync(layout.log, "a");
  const child = spawn(
    "ip",
    ["netns", "exec", plan.vmNetns, "unshare", "--pid", "--uts", "--mount", "--fork", "--kill-child", "--propagation", "private", "--", "/bin/sh", path.join(projectRoot(), "lab", "vm", "stage0.sh")],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        LAB_ROOTFS: rootfs.dir,
        LAB_LAYER: layout.layer,
        LAB_DISK: layout.disk,
        LAB_WORK: layout.work,
        LAB_ROOT: layout.root,
        LAB_NODE: process.execPath,
        LAB_GUEST: layout.guest,
        LAB_BOOT: layout.boot,
        LAB_HOSTNAME: plan.vmHostname,
      },
    },
  );
  closeSync(log);
  child.unref();
  const launcherPid = child.pid;
  if (!launcherPid) throw new Error("não foi possível iniciar a VM (ip netns exec … unshare); veja o registro em " + layout.log);
  const launcher = await recordProcess(paths.run, layout.records.launcher, launcherPid);

  let initPid: number | undefined;
  for (let i = 0; i < 200 && !initPid; i++) {
    initPid = await childOf(launcherPid);
    if (!initPid) await sleep(25);
  }
  if (!initPid) throw new Error(`a VM não iniciou (nenhum processo init); veja ${layout.log}:\n${await tail(layout.log)}`);
  await recordProcess(paths.run, layout.records.init, initPid);

  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await bootState(ctx);
    if (state === "running") break;
    if (!(await isAlive(launcher)) || state === undefined) {
      throw new Error(`a VM parou durante a inicialização; veja ${layout.log}:\n${await tail(layout.log)}`);
    }
    if (Date.now() > deadline) throw new Error(`a VM não terminou de inicializar em 120 s; veja ${layout.log}:\n${await tail(layout.log)}`);
    await sleep(100);
  }
  progress(`vm: pronta (pid ${initPid}); ssh -i ${paths.sshKey} ${VM_USER}@${plan.vmPublicAddress}`);
  return info(initPid, firstBoot);
};

/** Shuts the VM down (its init stops the units, then PID 1 exits and the kernel kills the rest); its disk stays. */
export const stopVm = async (ctx: VmContext, { graceMs = 20_000 }: { graceMs?: number } = {}): Promise<boolean> => {
  const layout = vmLayout(ctx.paths);
  const init = await readProcessRecord(ctx.paths.run, layout.records.init);
  const launcher = await readProcessRecord(ctx.paths.run, layout.records.launcher);
  let stopped = false;
  if (init) stopped = await stopRecordedProcess(init, { signal: "SIGTERM", graceMs });
  if (launcher) stopped = (await stopRecordedProcess(launcher, { signal: "SIGTERM", graceMs: 5_000 })) || stopped;
  await forgetProcess(ctx.paths.run, layout.records.init);
  await forgetProcess(ctx.paths.run, layout.records.launcher);
  return stopped;
};

/** Reboots the VM: shutdown, then boot with a fresh network stack and the same disk. */
export const rebootVm = async (ctx: VmContext): Promise<VmInfo> => {
  ctx.onProgress?.("vm: reiniciando");
  await stopVm(ctx);
  return startVm(ctx);
};

/** Throws away the VM's disk (a fresh VM from the image) and boots it. */
export const resetVm = async (ctx: VmContext): Promise<VmInfo> => {
  await stopVm(ctx);
  const layout = vmLayout(ctx.paths);
  ctx.onProgress?.("vm: apagando o disco da VM (volta ao estado de uma VM recém-criada)");
  await removeTree(layout.disk);
  await removeTree(layout.work);
  return startVm(ctx);
};

/** Removes everything the VM made on the host: processes, network namespace, its folders' mounts (the disk stays). */
export const destroyVm = async (ctx: VmContext): Promise<string[]> => {
  const removed: string[] = [];
  if (await stopVm(ctx)) removed.push("processos da VM");
  const layout = vmLayout(ctx.paths);
  for (const dir of [layout.root]) {
    for (const m of await mountsBelow(dir)) {
      await host(["umount", "-l", m], { allowFailure: true });
      removed.push(`montagem ${m}`);
    }
  }
  if ((await listNetns()).includes(ctx.plan.vmNetns)) removed.push(`namespace de rede ${ctx.plan.vmNetns} (e o veth ${vmHostInterface(ctx.plan)})`);
  await removeNetns(ctx.plan.vmNetns);
  await rm(path.join("/etc/netns", ctx.plan.vmNetns), { recursive: true, force: true });
  return removed;
};
