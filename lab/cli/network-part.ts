// The lab LAN as a part: the bridge `ilab<n>br` with the host's gateway address, plus the FORWARD exception when the
// host needs one.
import { ensureForwardAccept, hasForwardRule, removeForwardAccept } from "../host/forward.js";
import { host } from "../net/ip.js";
import { ensureBridge, linkExists, removeBridge } from "../net/bridge.js";
import { ownsName } from "./ownership.js";
import type { LabPart } from "./part.js";

/** Links in the root namespace that belong to the instance. */
export const ownedLinks = async (prefix: string): Promise<string[]> =>
  (await host(["ip", "-o", "link", "show"])).stdout
    .split("\n")
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? "")
    .filter((name) => name && ownsName(prefix, name));

/** The lab bridge. */
export const networkPart: LabPart = {
  name: "rede",
  async up({ plan, progress }) {
    if (!(await linkExists(plan.bridge))) progress(`rede: criando a bridge ${plan.bridge} (${plan.gateway}/${plan.lanPrefixLength})`);
    await ensureBridge(plan);
    if (await ensureForwardAccept(plan)) progress(`rede: regra ACCEPT na cadeia FORWARD do host para ${plan.bridge} (br_netfilter ativo e política FORWARD diferente de ACCEPT)`);
    return {};
  },
  async down({ plan }) {
    const removed: string[] = [];
    if (await removeForwardAccept(plan)) removed.push(`regra FORWARD ACCEPT de ${plan.bridge}`);
    for (const link of await ownedLinks(plan.prefix)) {
      if (link === plan.bridge) continue;
      await host(["ip", "link", "del", link], { allowFailure: true });
      removed.push(`interface ${link}`);
    }
    if (await linkExists(plan.bridge)) {
      await removeBridge(plan);
      removed.push(`bridge ${plan.bridge}`);
    }
    return removed;
  },
  async leftovers({ plan }) {
    const left = (await ownedLinks(plan.prefix)).map((l) => `interface ${l}`);
    if (await hasForwardRule(plan)) left.push(`regra FORWARD ACCEPT de ${plan.bridge}`);
    return left;
  },
  async status({ plan }) {
    const up = await linkExists(plan.bridge);
    return [{ part: "rede", ok: up, text: up ? `bridge ${plan.bridge} ${plan.gateway}/${plan.lanPrefixLength}` : `bridge ${plan.bridge} ausente` }];
  },
};
