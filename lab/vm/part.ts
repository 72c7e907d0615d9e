// The VM as a part of the lab: `up` boots it and publishes VM_ADDRESS, VM_PUB_ADDRESS, VM_USER and VM_PKEY_PATH.
import { access, readdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { isAlive, listProcessRecords } from "../host/pidfile.js";
import { mountsBelow } from "../host/tree.js";
import { host } from "../net/ip.js";
import { listNetns } from "../net/netns.js";
import { NFT, vmDownFault, vmDownTable } from "./faults.js";
import type { LabPart } from "../cli/part.js";
import { vmLayout } from "./layout.js";
import { bootState, destroyVm, resetVm, runningInit, startVm, VM_USER } from "./vm.js";

/** True when a TCP connection to `address`:22 opens from the host (three tries of 3 s). */
const sshReachable = async (address: string): Promise<boolean> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: address, port: 22, timeout: 3_000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return true;
  }
  return false;
};

/** Parameters-file entries of the VM. */
export const vmParams = ({ plan, paths }: Parameters<LabPart["up"]>[0]): Record<string, string> => ({
  VM_ADDRESS: plan.vmAddress,
  VM_PUB_ADDRESS: plan.vmPublicAddress,
  VM_USER,
  VM_PKEY_PATH: paths.sshKey,
  SSH_KNOWN_HOSTS: knownHostsFile(paths),
});

/** The known_hosts the lab writes for the student: the VM's host keys, as a cloud console shows them (no trust on first use needed). */
export const knownHostsFile = (paths: Parameters<LabPart["up"]>[0]["paths"]): string => path.join(path.dirname(paths.sshKey), "known_hosts");

/** Writes known_hosts with the VM's current host keys for both of its addresses. */
const writeKnownHosts = async (ctx: Parameters<LabPart["up"]>[0]): Promise<void> => {
  const dir = path.join(vmLayout(ctx.paths).disk, "etc", "ssh");
  const keys = (await readdir(dir)).filter((f) => /^ssh_host_.*_key\.pub$/.test(f)).sort();
  const lines: string[] = [];
  for (const key of keys) {
    const [type, body] = (await readFile(path.join(dir, key), "utf8")).trim().split(/\s+/);
    if (type && body) lines.push(`${ctx.plan.vmPublicAddress},${ctx.plan.vmAddress} ${type} ${body}`);
  }
  await writeFile(knownHostsFile(ctx.paths), lines.join("\n") + "\n", { mode: 0o600 });
};

/** The VM part. */
export const vmPart: LabPart = {
  name: "vm",
  async up(ctx) {
    await startVm({ plan: ctx.plan, paths: ctx.paths, onProgress: ctx.progress });
    if (!(await vmDownFault.isActive(ctx)) && !(await sshReachable(ctx.plan.vmPublicAddress))) {
      throw new Error(
        `a VM está no ar mas a porta 22 de ${ctx.plan.vmPublicAddress} não responde a partir do host: verifique se um firewall do host ` +
          `(iptables/nftables) bloqueia a bridge ${ctx.plan.bridge}, e veja o registro da VM em ${vmLayout(ctx.paths).log}`,
      );
    }
    await writeKnownHosts(ctx);
    return vmParams(ctx);
  },
  async down(ctx) {
    return destroyVm({ plan: ctx.plan, paths: ctx.paths });
  },
  async leftovers({ plan, paths }) {
    const left: string[] = [];
    if ((await listNetns()).includes(plan.vmNetns)) left.push(`namespace de rede ${plan.vmNetns}`);
    if ((await host([NFT, "list", "table", "bridge", vmDownTable(plan.prefix)], { allowFailure: true })).exitCode === 0) {
      left.push(`tabela nftables bridge ${vmDownTable(plan.prefix)}`);
    }
    if (await access(path.join("/etc/netns", plan.vmNetns)).then(() => true, () => false)) left.push(`/etc/netns/${plan.vmNetns}`);
    for (const m of await mountsBelow(paths.state)) left.push(`montagem ${m}`);
    for (const record of await listProcessRecords(paths.run)) {
      if (record.name.startsWith("vm-") && (await isAlive(record))) left.push(`processo ${record.name} (pid ${record.pid})`);
    }
    return left;
  },
  async status(ctx) {
    const vm = { plan: ctx.plan, paths: ctx.paths };
    const init = await runningInit(vm);
    if (!init) {
      const hasDisk = await access(vmLayout(ctx.paths).disk).then(() => true, () => false);
      return [{ part: "vm", ok: false, text: `VM parada${hasDisk ? " (o disco foi mantido)" : ""}: rode \`npm run lab -- up\`` }];
    }
    const state = await bootState(vm);
    return [
      {
        part: "vm",
        ok: state === "running",
        text: `VM ${ctx.plan.vmHostname} ${state === "running" ? "em execução" : `(${state})`} (pid ${init.pid}), ${ctx.plan.vmAddress} e ${ctx.plan.vmPublicAddress}, usuário ${VM_USER}`,
      },
    ];
  },
  async reset(ctx) {
    await resetVm({ plan: ctx.plan, paths: ctx.paths, onProgress: ctx.progress });
  },
};
