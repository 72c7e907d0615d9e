// The lab LAN: one Linux bridge in the root namespace, with the host's gateway address on it.
import { host } from "./ip.js";
import type { LabNetPlan } from "./plan.js";

/** True when the link exists in the root namespace. */
export const linkExists = async (name: string): Promise<boolean> =>
  (await host(["ip", "link", "show", "dev", name], { allowFailure: true })).exitCode === 0;

/** Creates the lab bridge with the gateway address (idempotent). */
export const ensureBridge = async (plan: LabNetPlan): Promise<void> => {
  if (!(await linkExists(plan.bridge))) {
    await host(["ip", "link", "add", "name", plan.bridge, "type", "bridge"]);
  }
  const addrs = await host(["ip", "-o", "-4", "addr", "show", "dev", plan.bridge]);
  if (!addrs.stdout.includes(` ${plan.gateway}/`)) {
    await host(["ip", "addr", "add", `${plan.gateway}/${plan.lanPrefixLength}`, "dev", plan.bridge]);
  }
  await host(["ip", "link", "set", plan.bridge, "up"]);
};

/** Deletes the lab bridge (idempotent). */
export const removeBridge = async (plan: LabNetPlan): Promise<void> => {
  if (await linkExists(plan.bridge)) await host(["ip", "link", "del", plan.bridge]);
};
