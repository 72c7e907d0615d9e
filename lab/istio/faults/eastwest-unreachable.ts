// eastwest-unreachable: the VM cannot reach the load balancer addresses (the east-west gateway's external IP among
// them), like a cloud firewall or route that blocks the VM's path to the cluster's LB. An nftables table of the bridge
// family in the root namespace drops the VM's IPv4 frames to the plan's LoadBalancer range, so SYNs go unanswered:
// the agent logs `dial tcp <ip>:15012: i/o timeout` and `nc -vz <ip> 15012` times out.
import { host } from "../../net/ip.js";
import type { LabFault } from "../../faults/fault.js";
import { NFT } from "../../vm/faults.js";
import { vmHostInterface } from "../../vm/vm.js";

/** The table's name (root namespace, owned by the instance). */
export const eastWestTable = (prefix: string): string => `${prefix}_fault_eastwest`;

/** Drops the VM's traffic to the LoadBalancer range at the lab bridge. */
export const eastWestUnreachableFault: LabFault = {
  name: "eastwest-unreachable",
  description: "a VM não alcança o endereço do balanceador de carga do east-west gateway (firewall/rota da nuvem bloqueando a VM)",
  symptom: "o sidecar registra `dial tcp <IP do gateway>:15012: i/o timeout`; `nc -vz <IP> 15012` esgota o tempo de espera",
  async apply({ plan }) {
    const dev = vmHostInterface(plan);
    const table = eastWestTable(plan.prefix);
    const ruleset = [
      `table bridge ${table} {`,
      `  chain forward { type filter hook forward priority 0; iifname "${dev}" ip daddr ${plan.loadBalancerCidr} drop; }`,
      `  chain input { type filter hook input priority 0; iifname "${dev}" ip daddr ${plan.loadBalancerCidr} drop; }`,
      `}`,
    ].join("\n");
    await host([NFT, "delete", "table", "bridge", table], { allowFailure: true });
    await host([NFT, "-f", "-"], { input: `${ruleset}\n` });
  },
  async clear(ctx) {
    const table = eastWestTable(ctx.plan.prefix);
    await host([NFT, "delete", "table", "bridge", table], { allowFailure: true });
    // A clear that leaves the table would report success while the VM is still cut off.
    if (await eastWestUnreachableFault.isActive(ctx)) throw new Error(`a tabela nft bridge ${table} continua no host depois de apagada: remova-a com nft delete table bridge ${table}`);
  },
  async isActive({ plan }) {
    return (await host([NFT, "list", "table", "bridge", eastWestTable(plan.prefix)], { allowFailure: true })).exitCode === 0;
  },
};
