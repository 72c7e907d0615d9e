// removeNetns: when it returns, the namespace, its veth (both ends) and its /etc/netns folder are gone.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdir, stat } from "node:fs/promises";
import { host, inNetns } from "../../../lab/net/ip.js";
import { listNetns, removeNetns } from "../../../lab/net/netns.js";

const ROUNDS = 20;
const names = (i: number) => ({ netns: `ilab8-nx-${i}`, hostIf: `ilab8nx${i}`, peer: `ilab8nx${i}p` });

const linkExists = async (name: string): Promise<boolean> => (await host(["ip", "link", "show", "dev", name], { allowFailure: true })).exitCode === 0;

const cleanup = async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const { netns, hostIf } = names(i);
    await host(["ip", "link", "del", "dev", hostIf], { allowFailure: true });
    if ((await listNetns()).includes(netns)) await host(["ip", "netns", "del", netns]);
  }
};

test.before(cleanup);
test.after.always(cleanup);

test.serial("the host end of a namespace's veth is gone when removeNetns returns, even while a process still holds the namespace", async (t) => {
  for (let i = 0; i < ROUNDS; i++) {
    const { netns, hostIf, peer } = names(i);
    await host(["ip", "netns", "add", netns]);
    await host(["ip", "link", "add", hostIf, "type", "veth", "peer", "name", peer]);
    await host(["ip", "link", "set", peer, "netns", netns]);
    await inNetns(netns, ["ip", "link", "set", peer, "name", "eth0"]);
    await inNetns(netns, ["ip", "link", "set", "eth0", "up"]);
    await mkdir(`/etc/netns/${netns}`, { recursive: true });
    t.true(await linkExists(hostIf));
    // A process in the namespace keeps it (and its devices) alive after `ip netns del`: like a pod's sandbox holder
    // that was SIGKILLed but has not exited yet, or the kernel's deferred clean-up on a loaded machine.
    const holder = spawn("nsenter", [`--net=/run/netns/${netns}`, "sleep", "600"], { stdio: "ignore" });
    while (!(await host(["ip", "netns", "pids", netns])).stdout.trim()) await new Promise((resolve) => setTimeout(resolve, 10));
    await removeNetns(netns);
    holder.kill("SIGKILL");
    t.false(await linkExists(hostIf), `round ${i}: ${hostIf} outlived ${netns}`);
    t.false((await listNetns()).includes(netns));
    await t.throwsAsync(stat(`/etc/netns/${netns}`));
  }
});

test.serial("removing a namespace that does not exist changes nothing and does not fail", async (t) => {
  await t.notThrowsAsync(removeNetns("ilab8-nx-absent"));
});
