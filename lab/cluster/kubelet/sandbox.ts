// The pod sandbox (what the pause container is to a real runtime): a network namespace on the lab bridge with the
// pod's address, and one long-lived process holding the pod's own UTS (hostname) and mount namespaces, where the
// pod's /etc/hosts, /etc/resolv.conf, /etc/hostname and service-account token are mounted. Containers join it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { host, inNetns } from "../../net/ip.js";
import { attachNetns, removeNetns } from "../../net/netns.js";
import type { LabNetPlan } from "../../net/plan.js";
import { forgetProcess, listProcessRecords, readProcessRecord, recordProcess, stopRecordedProcess, type ProcessRecord } from "../../host/pidfile.js";

/** Where a pod's service-account files appear inside its containers. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A running pod sandbox. */
export interface PodSandbox {
  readonly podUid: string;
  /** 8 hex digits derived from the pod uid: names the netns, the veth and the pid records. */
  readonly short: string;
  readonly netns: string;
  readonly hostIf: string;
  readonly ip: string;
  /** The sandbox's folder in the state dir (etc files, service-account files). */
  readonly dir: string;
  /** The holder of the pod's UTS and mount namespaces; containers are started with nsenter into it. */
  readonly holder: ProcessRecord;
}

/** Files a sandbox publishes over /etc. */
export interface SandboxFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

/** The service-account files (token from the TokenRequest API, the cluster CA, the namespace). */
export interface ServiceAccountFiles {
  token: string;
  caCrt: string;
  namespace: string;
}

/** The short id of a pod (netns `<prefix>-p-<short>`, veth `<prefix>p<short>`). */
export const podShortId = (podUid: string): string => createHash("sha256").update(podUid).digest("hex").slice(0, 8);

/** Names of a pod's kernel objects and records. */
export const sandboxNames = (plan: LabNetPlan, podUid: string) => {
  const short = podShortId(podUid);
  return { short, netns: `${plan.prefix}-p-${short}`, hostIf: `${plan.prefix}p${short}`, holderRecord: `kubelet-${short}-sandbox` };
};

const writeAtomic = async (file: string, text: string, mode = 0o644): Promise<void> => {
  await writeFile(`${file}.tmp`, text, { mode });
  await rename(`${file}.tmp`, file);
};

/** Waits until `pid` runs `comm` (its exec chain is done, so its namespaces are the final ones). */
const waitForExec = async (pid: number, comm: string): Promise<void> => {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await readFile(`/proc/${pid}/comm`, "utf8")).trim() === comm) return;
    } catch {
      throw new Error(`the sandbox process ${pid} exited before it was ready`);
    }
    await sleep(10);
  }
  throw new Error(`the sandbox process ${pid} did not reach ${comm}`);
};

/** Options of createSandbox. */
export interface CreateSandboxOptions {
  plan: LabNetPlan;
  /** Folder for this pod's sandbox files. */
  dir: string;
  /** Where pid records go (`<state>/run`). */
  runDir: string;
  podUid: string;
  ip: string;
  files: SandboxFiles;
  serviceAccount?: ServiceAccountFiles;
}

/** Creates (or re-creates after a daemon restart) a pod's sandbox. */
export const createSandbox = async ({ plan, dir, runDir, podUid, ip, files, serviceAccount }: CreateSandboxOptions): Promise<PodSandbox> => {
  const { short, netns, hostIf, holderRecord } = sandboxNames(plan, podUid);
  await mkdir(dir, { recursive: true });
  await attachNetns({ plan, netns, hostIf, addresses: [ip] });
  // Like containerd: unprivileged ping and low ports for non-root containers (istio-proxy runs as uid 1337).
  await inNetns(netns, ["sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647", "net.ipv4.ip_unprivileged_port_start=0"]);
  // `ip netns exec` binds /etc/netns/<netns>/* over /etc/* for what it starts: the holder's mount namespace gets them.
  const etcDir = path.join("/etc/netns", netns);
  await mkdir(etcDir, { recursive: true });
  await writeAtomic(path.join(etcDir, "hosts"), files.hosts);
  await writeAtomic(path.join(etcDir, "resolv.conf"), files.resolvConf);
  await writeAtomic(path.join(etcDir, "hostname"), `${files.hostname}\n`);
  const child = spawn("ip", ["netns", "exec", netns, "unshare", "--uts", "--", "sleep", "infinity"], { stdio: "ignore", detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the sandbox of pod ${podUid}`);
  child.unref();
  child.on("error", () => undefined);
  await waitForExec(pid, "sleep");
  const holder = await recordProcess(runDir, holderRecord, pid);
  const sandbox: PodSandbox = { podUid, short, netns, hostIf, ip, dir, holder };
  await host(["nsenter", "--target", String(pid), "--uts", "--", "hostname", files.hostname]);
  if (serviceAccount) {
    const saDir = path.join(dir, "serviceaccount");
    await mkdir(saDir, { recursive: true });
    await writeServiceAccountFiles(sandbox, serviceAccount);
    // The mount point must exist in the shared filesystem; it stays an empty folder on the host.
    await mkdir(SERVICE_ACCOUNT_DIR, { recursive: true });
    await host(["nsenter", "--target", String(pid), "--mount", "--", "mount", "--bind", saDir, SERVICE_ACCOUNT_DIR]);
    await host(["nsenter", "--target", String(pid), "--mount", "--", "mount", "-o", "remount,bind,ro", SERVICE_ACCOUNT_DIR]);
  }
  return sandbox;
};

/** Writes (or refreshes) the service-account files atomically; containers see the new token at once. */
export const writeServiceAccountFiles = async (sandbox: PodSandbox, sa: ServiceAccountFiles): Promise<void> => {
  const saDir = path.join(sandbox.dir, "serviceaccount");
  await mkdir(saDir, { recursive: true });
  await writeAtomic(path.join(saDir, "token"), sa.token, 0o644);
  await writeAtomic(path.join(saDir, "ca.crt"), sa.caCrt);
  await writeAtomic(path.join(saDir, "namespace"), sa.namespace);
};

/** The argv prefix that runs a command inside the sandbox's network, UTS and mount namespaces. */
export const enterSandboxArgv = (sandbox: PodSandbox): string[] => ["nsenter", "--target", String(sandbox.holder.pid), "--net", "--uts", "--mount", "--"];

/** Kills the pod's recorded processes (containers, then the holder), deletes the netns (its veth goes with it), /etc/netns/<netns>, the folder and the pid record. */
export const destroySandbox = async ({ plan, runDir, podUid, dir }: { plan: LabNetPlan; runDir: string; podUid: string; dir: string }): Promise<void> => {
  const { short, netns, holderRecord } = sandboxNames(plan, podUid);
  // container processes an earlier daemon left (they would keep the namespace alive)
  for (const r of await listProcessRecords(runDir)) {
    // other writers keep plain pid files in run/ too (the daemon's cluster.pid): only our records have a name
    if (typeof r.name === "string" && r.name.startsWith(`kubelet-${short}-`) && r.name !== holderRecord) {
      await stopRecordedProcess(r, { signal: "SIGKILL", graceMs: 0 });
      await forgetProcess(runDir, r.name);
    }
  }
  const record = await readProcessRecord(runDir, holderRecord);
  if (record) await stopRecordedProcess(record, { signal: "SIGKILL", graceMs: 0 });
  await forgetProcess(runDir, holderRecord);
  await removeNetns(netns);
  await rm(dir, { recursive: true, force: true });
};
