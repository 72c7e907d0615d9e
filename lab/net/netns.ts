// Network namespaces joined to the lab bridge by a veth pair: how the VM and every pod get a real address.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { host, inNetns } from "./ip.js";
import type { LabNetPlan } from "./plan.js";

/** Names of the namespaces that exist (`ip netns list`). */
export const listNetns = async (): Promise<string[]> =>
  (await host(["ip", "netns", "list"])).stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter(Boolean);

/** Options of attachNetns. */
export interface AttachOptions {
  plan: LabNetPlan;
  /** Namespace name; must start with plan.prefix. */
  netns: string;
  /** Host-side veth name (≤ 15 chars, starts with plan.prefix); the namespace side is renamed eth0. */
  hostIf: string;
  /** Addresses for eth0 inside the namespace, first is primary (prefix length of the LAN is used). */
  addresses: string[];
}

/** Creates `netns` (if needed) with lo up, an eth0 joined to the lab bridge, its addresses and a default route via the gateway. Idempotent. */
export const attachNetns = async ({ plan, netns, hostIf, addresses }: AttachOptions): Promise<void> => {
  if (!netns.startsWith(plan.prefix) || !hostIf.startsWith(plan.prefix) || hostIf.length > 15) {
    throw new Error(`lab names must start with ${plan.prefix} (and links be ≤ 15 chars): ${netns}, ${hostIf}`);
  }
  if (!(await listNetns()).includes(netns)) await host(["ip", "netns", "add", netns]);
  await inNetns(netns, ["ip", "link", "set", "lo", "up"]);
  const hasEth0 = (await inNetns(netns, ["ip", "link", "show", "dev", "eth0"], { allowFailure: true })).exitCode === 0;
  if (!hasEth0) {
    await host(["ip", "link", "del", hostIf], { allowFailure: true });
    // The peer gets a short temporary name (IFNAMSIZ: 15 characters) until it is renamed eth0 inside the namespace.
    const peer = `${plan.prefix}t${randomBytes(4).toString("hex")}`;
    await host(["ip", "link", "add", hostIf, "type", "veth", "peer", "name", peer]);
    await host(["ip", "link", "set", peer, "netns", netns]);
    await inNetns(netns, ["ip", "link", "set", peer, "name", "eth0"]);
    await host(["ip", "link", "set", hostIf, "master", plan.bridge]);
    await host(["ip", "link", "set", hostIf, "up"]);
  }
  const current = (await inNetns(netns, ["ip", "-o", "-4", "addr", "show", "dev", "eth0"])).stdout;
  for (const address of addresses) {
    if (!current.includes(` ${address}/`)) {
      await inNetns(netns, ["ip", "addr", "add", `${address}/${plan.lanPrefixLength}`, "dev", "eth0"]);
    }
  }
  await inNetns(netns, ["ip", "link", "set", "eth0", "up"]);
  await inNetns(netns, ["ip", "route", "replace", "default", "via", plan.gateway, "dev", "eth0"]);
};

/** Deletes a namespace, its veths (both ends, at once) and its /etc/netns folder. Idempotent. */
export const removeNetns = async (netns: string): Promise<void> => {
  if ((await listNetns()).includes(netns)) {
    // A deleted namespace frees its devices later, from a kernel work queue: on a loaded machine the host end of a
    // veth could outlive the namespace for a while. Deleting a veth end removes both ends before this returns.
    const veths = (await host(["ip", "-n", netns, "-o", "link", "show", "type", "veth"], { allowFailure: true })).stdout;
    for (const m of veths.matchAll(/^\d+: ([^@:\s]+)/gm)) await host(["ip", "-n", netns, "link", "del", "dev", m[1]!], { allowFailure: true });
    await host(["ip", "netns", "del", netns]);
  }
  await rm(path.join("/etc/netns", netns), { recursive: true, force: true });
};
