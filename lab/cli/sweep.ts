// What `down` checks and sweeps after every part's own `down`: anything of the instance still on the host (network
// namespaces, links, /etc/netns folders, mounts under its state folder, recorded processes) is removed, and what
// remains after that is reported.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { forgetProcess, isAlive, listProcessRecords, stopRecordedProcess } from "../host/pidfile.js";
import { mountsBelow } from "../host/tree.js";
import { host } from "../net/ip.js";
import { listNetns, removeNetns } from "../net/netns.js";
import type { LabContext } from "./context.js";
import { ownedLinks } from "./network-part.js";
import { ownsName } from "./ownership.js";

const ownedEtcNetns = async (prefix: string): Promise<string[]> => {
  try {
    return (await readdir("/etc/netns")).filter((n) => ownsName(prefix, n));
  } catch {
    return [];
  }
};

/** Everything of the instance still on the host, as report lines (empty: nothing left). */
export const instanceLeftovers = async ({ plan, paths }: LabContext): Promise<string[]> => {
  const left: string[] = [];
  for (const ns of (await listNetns()).filter((n) => ownsName(plan.prefix, n))) left.push(`namespace de rede ${ns}`);
  for (const link of await ownedLinks(plan.prefix)) left.push(`interface ${link}`);
  for (const dir of await ownedEtcNetns(plan.prefix)) left.push(`/etc/netns/${dir}`);
  for (const m of await mountsBelow(paths.state)) left.push(`montagem ${m}`);
  for (const r of await listProcessRecords(paths.run)) if (await isAlive(r)) left.push(`processo ${r.name} (pid ${r.pid})`);
  return left;
};

/** Removes whatever of the instance is still there; returns what it removed. */
export const sweepInstance = async ({ plan, paths }: LabContext): Promise<string[]> => {
  const removed: string[] = [];
  for (const record of await listProcessRecords(paths.run)) {
    if (await stopRecordedProcess(record, { graceMs: 5_000 })) removed.push(`processo ${record.name} (pid ${record.pid})`);
    await forgetProcess(paths.run, record.name);
  }
  for (const m of await mountsBelow(paths.state)) {
    await host(["umount", "-l", m], { allowFailure: true });
    removed.push(`montagem ${m}`);
  }
  for (const ns of (await listNetns()).filter((n) => ownsName(plan.prefix, n))) {
    await removeNetns(ns);
    removed.push(`namespace de rede ${ns}`);
  }
  for (const dir of await ownedEtcNetns(plan.prefix)) {
    await rm(path.join("/etc/netns", dir), { recursive: true, force: true });
    removed.push(`/etc/netns/${dir}`);
  }
  for (const link of await ownedLinks(plan.prefix)) {
    await host(["ip", "link", "del", link], { allowFailure: true });
    removed.push(`interface ${link}`);
  }
  return removed;
};
