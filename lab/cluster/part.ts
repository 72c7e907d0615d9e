// The cluster as a part of the lab: `up` starts the cluster daemon (API server, controllers, kubelet, DNS, kube-proxy)
// in the background, waits until CoreDNS is available, and publishes KUBECONFIG and KUBE_CONTEXT.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { isAlive, readProcessRecord, recordProcess, stopRecordedProcess, forgetProcess } from "../host/pidfile.js";
import { host } from "../net/ip.js";
import { listNetns, removeNetns } from "../net/netns.js";
import type { LabPart } from "../cli/part.js";
import type { LabContext } from "../cli/context.js";
import { projectRoot } from "../paths.js";
import { controlRequest } from "./control.js";
import { cleanUpKubeletLeftovers } from "./kubelet/leftovers.js";

const RECORD = "cluster-daemon";
/** The kube context the lab writes (and the cleanup's confirmation word). */
export const LAB_CONTEXT = "lab";

const socketOf = (ctx: LabContext) => path.join(ctx.paths.run, "cluster.sock");
const kubectlOf = (ctx: LabContext) => path.join(ctx.paths.toolsBin, "kubectl");

/** Asks the running daemon for its status; undefined when it does not answer. */
const daemonStatus = async (ctx: LabContext): Promise<Record<string, unknown> | undefined> => {
  if (!existsSync(socketOf(ctx))) return undefined;
  try {
    return await controlRequest(socketOf(ctx), { op: "status" }, 3_000);
  } catch {
    return undefined;
  }
};

/** Waits until `probe` holds, up to `timeoutMs`; throws `problem` (Portuguese) otherwise. */
const waitFor = async (probe: () => Promise<boolean>, timeoutMs: number, problem: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(problem);
};

/** Starts the daemon unless it runs already. */
const startDaemon = async (ctx: LabContext): Promise<void> => {
  const record = await readProcessRecord(ctx.paths.run, RECORD);
  if (record && (await isAlive(record)) && (await daemonStatus(ctx))) return;
  mkdirSync(ctx.paths.run, { recursive: true });
  mkdirSync(ctx.paths.logs, { recursive: true });
  const script = path.join(projectRoot(), "dist", "lab", "cluster", "daemon.js");
  if (!existsSync(script)) throw new Error(`o daemon do cluster não foi compilado (${script}): rode \`npm run build\` antes de \`npm run lab -- up\``);
  const out = openSync(path.join(ctx.paths.logs, "cluster.out"), "a");
  ctx.progress("cluster: iniciando o servidor de API, os controladores, o kubelet e o DNS");
  const child = spawn(process.execPath, [script, "--instance", String(ctx.instance), "--state", ctx.paths.state], {
    detached: true,
    stdio: ["ignore", out, out],
    cwd: projectRoot(),
    env: { ...process.env, PATH: (process.env["PATH"] ?? "").split(":").filter((p) => !p.includes("node_modules")).join(":") },
  });
  closeSync(out);
  if (!child.pid) throw new Error("não foi possível iniciar o daemon do cluster");
  child.unref();
  await recordProcess(ctx.paths.run, RECORD, child.pid);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`o daemon do cluster terminou (código ${child.exitCode}): veja ${path.join(ctx.paths.logs, "cluster.out")} e cluster.log`);
      return (await daemonStatus(ctx)) !== undefined;
    },
    60_000,
    `o daemon do cluster não respondeu em 60 s: veja ${path.join(ctx.paths.logs, "cluster.log")}`,
  );
};

/** The cluster part. */
export const clusterPart: LabPart = {
  name: "cluster",
  async up(ctx) {
    await startDaemon(ctx);
    ctx.progress("cluster: aguardando o CoreDNS ficar disponível");
    const kubectl = [kubectlOf(ctx), "--kubeconfig", ctx.paths.kubeconfig, "--context", LAB_CONTEXT, "--cache-dir", path.join(ctx.paths.state, "kubecache")];
    const wait = await host([...kubectl, "wait", "--for=jsonpath={.status.readyReplicas}=1", "deployment/coredns", "-n", "kube-system", "--timeout=180s"], { allowFailure: true, timeoutMs: 200_000 });
    if (wait.exitCode !== 0) throw new Error(`o CoreDNS do laboratório não ficou disponível: ${wait.stderr.trim() || wait.stdout.trim()} (veja ${path.join(ctx.paths.logs, "cluster.log")})`);
    return { TARGET: "lab", KUBECONFIG: ctx.paths.kubeconfig, KUBE_CONTEXT: LAB_CONTEXT };
  },
  async down(ctx) {
    const removed: string[] = [];
    const record = await readProcessRecord(ctx.paths.run, RECORD);
    if (record && (await stopRecordedProcess(record, { graceMs: 60_000 }))) removed.push(`daemon do cluster (pid ${record.pid})`);
    await forgetProcess(ctx.paths.run, RECORD);
    await cleanUpKubeletLeftovers({ plan: ctx.plan, runDir: ctx.paths.run, stateDir: ctx.paths.state });
    const lb = `${ctx.plan.prefix}-lb`;
    if ((await listNetns()).includes(lb)) {
      await removeNetns(lb);
      removed.push(`namespace de rede ${lb}`);
    }
    return removed;
  },
  async leftovers(ctx) {
    const left: string[] = [];
    const record = await readProcessRecord(ctx.paths.run, RECORD);
    if (record && (await isAlive(record))) left.push(`daemon do cluster (pid ${record.pid})`);
    for (const ns of await listNetns()) if (ns.startsWith(`${ctx.plan.prefix}-p-`) || ns === `${ctx.plan.prefix}-lb`) left.push(`namespace de rede ${ns}`);
    return left;
  },
  async reset(ctx) {
    // A fresh cluster: the daemon stopped, its object store and the kubelet's state (IPAM, pod folders) removed (the
    // PKI stays, like a cluster rebuilt from the same CA), then started again.
    await clusterPart.down(ctx);
    await rm(path.join(ctx.paths.state, "cluster", "store.json"), { force: true });
    await rm(path.join(ctx.paths.state, "kubelet"), { recursive: true, force: true });
    await clusterPart.up(ctx);
  },
  async status(ctx) {
    const status = await daemonStatus(ctx);
    if (!status) return [{ part: "cluster", ok: false, text: "cluster parado: rode `npm run lab -- up`" }];
    return [{ part: "cluster", ok: true, text: `cluster no ar (kubeconfig ${ctx.paths.kubeconfig}, contexto ${LAB_CONTEXT})` }];
  },
};
