// Removes what a kubelet left behind (after a crash, or for `lab down`): container and sandbox processes recorded
// under run/, pod network namespaces (`<prefix>-p-*`, their veths go with them), /etc/netns folders, pod folders.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { forgetProcess, listProcessRecords, stopRecordedProcess } from "../../host/pidfile.js";
import { host } from "../../net/ip.js";
import { listNetns, removeNetns } from "../../net/netns.js";
import type { LabNetPlan } from "../../net/plan.js";

/** Kills recorded kubelet processes (containers first, then sandboxes), deletes pod namespaces and state. */
export const cleanUpKubeletLeftovers = async ({ plan, runDir, stateDir }: { plan: LabNetPlan; runDir: string; stateDir: string }): Promise<void> => {
  // run/ also holds plain pid files of other writers (the daemon's cluster.pid): only our records have a name
  const records = (await listProcessRecords(runDir)).filter((r) => typeof r.name === "string" && r.name.startsWith("kubelet-"));
  const containers = records.filter((r) => !r.name.endsWith("-sandbox"));
  const sandboxes = records.filter((r) => r.name.endsWith("-sandbox"));
  for (const group of [containers, sandboxes]) {
    await Promise.all(
      group.map(async (r) => {
        await stopRecordedProcess(r, { signal: "SIGKILL", graceMs: 0 });
        await forgetProcess(runDir, r.name);
      }),
    );
  }
  for (const netns of await listNetns()) if (netns.startsWith(`${plan.prefix}-p-`)) await removeNetns(netns);
  // A pod namespace still held by a process that has not gone yet keeps its veth on the bridge after the name is
  // removed: delete the host ends (`<prefix>p<short>`, which takes the pair with it).
  const links = await host(["ip", "-o", "link", "show"], { allowFailure: true });
  for (const m of links.stdout.matchAll(new RegExp(`^\\d+: (${plan.prefix}p[0-9a-f]+)@`, "gm"))) await host(["ip", "link", "del", m[1]!], { allowFailure: true });
  let etc: string[] = [];
  try {
    etc = await readdir("/etc/netns");
  } catch {
    // no folder: nothing to do
  }
  for (const name of etc) if (name.startsWith(`${plan.prefix}-p-`)) await rm(path.join("/etc/netns", name), { recursive: true, force: true });
  await rm(path.join(stateDir, "pods"), { recursive: true, force: true });
};
