// The VM's faults: the VM unreachable (the lab bridge drops every IPv4 packet to it, so ping and ssh time out), sshd down
// (connection refused on 22), and port 8000 firewalled on the VM (curl times out).
import { host } from "../net/ip.js";
import type { LabFault } from "../faults/fault.js";
import { runInVm } from "./exec.js";
import { runningInit, vmHostInterface } from "./vm.js";

/** nft by absolute path: `npm run` puts node_modules/.bin first on PATH, where @vercel/nft installs an `nft` too. */
export const NFT = "/usr/sbin/nft";

/** Name of the nftables bridge-family table that blackholes the VM (root namespace, owned by the instance). */
export const vmDownTable = (prefix: string): string => `${prefix}_fault_vm_down`;

/** Drops IPv4 frames on their way to the VM at the lab bridge (ARP still answered, so clients wait instead of failing
 * fast): an nftables table of the bridge family in the root namespace, outside the VM like a cloud network outage. */
export const vmDownFault: LabFault = {
  name: "vm-down",
  description: "a VM fica inacessível pela rede (como uma VM travada ou isolada na nuvem)",
  symptom: "ping sem resposta (100% de perda) e ssh/curl esgotam o tempo de espera",
  async apply({ plan }) {
    const dev = vmHostInterface(plan);
    const ruleset = [
      `table bridge ${vmDownTable(plan.prefix)} {`,
      `  chain forward { type filter hook forward priority 0; oifname "${dev}" ether type ip drop; }`,
      `  chain output { type filter hook output priority 0; oifname "${dev}" ether type ip drop; }`,
      `}`,
    ].join("\n");
    await host([NFT, "delete", "table", "bridge", vmDownTable(plan.prefix)], { allowFailure: true });
    await host([NFT, "-f", "-"], { input: `${ruleset}\n` });
  },
  async clear({ plan }) {
    await host([NFT, "delete", "table", "bridge", vmDownTable(plan.prefix)], { allowFailure: true });
  },
  async isActive({ plan }) {
    return (await host([NFT, "list", "table", "bridge", vmDownTable(plan.prefix)], { allowFailure: true })).exitCode === 0;
  },
};

/** Stops the VM's ssh service (through the VM's own service manager). */
export const sshdDownFault: LabFault = {
  name: "sshd-down",
  description: "o serviço ssh da VM está parado (systemctl stop ssh)",
  symptom: "ssh responde \"Connection refused\" na porta 22",
  async apply(ctx) {
    await runInVm(ctx, ["systemctl", "stop", "ssh"]);
  },
  async clear(ctx) {
    if (await runningInit(ctx)) await runInVm(ctx, ["systemctl", "start", "ssh"]);
  },
  async isActive(ctx) {
    if (!(await runningInit(ctx))) return false;
    return (await runInVm(ctx, ["systemctl", "is-active", "--quiet", "ssh"], { allowFailure: true })).exitCode !== 0;
  },
};

const FIREWALL_RULE = ["PREROUTING", "-p", "tcp", "--dport", "8000", "-m", "comment", "--comment", "lab fault port-8000-firewalled", "-j", "DROP"];

/** Drops incoming tcp/8000 in the VM before any NAT (so Docker's published port is blocked too). */
export const port8000FirewalledFault: LabFault = {
  name: "port-8000-firewalled",
  description: "um firewall na VM descarta o tráfego TCP para a porta 8000 (iptables DROP)",
  symptom: "curl http://VM:8000 esgota o tempo de espera (ping e ssh continuam funcionando)",
  async apply(ctx) {
    if (!(await this.isActive(ctx))) await runInVm(ctx, ["iptables", "-t", "raw", "-I", ...FIREWALL_RULE]);
  },
  async clear(ctx) {
    if (!(await runningInit(ctx))) return;
    while ((await runInVm(ctx, ["iptables", "-t", "raw", "-D", ...FIREWALL_RULE], { allowFailure: true })).exitCode === 0) {
      // remove every copy
    }
  },
  async isActive(ctx) {
    if (!(await runningInit(ctx))) return false;
    return (await runInVm(ctx, ["iptables", "-t", "raw", "-C", ...FIREWALL_RULE], { allowFailure: true })).exitCode === 0;
  },
};

/** The VM's faults, in `fault list` order. */
export const VM_FAULTS: readonly LabFault[] = [vmDownFault, sshdDownFault, port8000FirewalledFault];
