// The cluster daemon: `node dist/lab/cluster/daemon.js --instance N --state DIR`. Runs the API server stand-in,
// its controllers and the registered components for one lab instance, with a control socket in `<state>/run/`,
// logs in `<state>/logs/cluster.log`, and a clean stop on SIGTERM/SIGINT (or the socket's `shutdown`).
import { appendFileSync, mkdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { labPaths } from "../paths.js";
import { startCluster } from "./cluster.js";
import { clusterComponents } from "./components.js";
import { serveControl } from "./control.js";

/** Parsed command line of the daemon. */
export interface DaemonArgs {
  instance: number;
  stateDir: string;
  /** `--listen HOST:PORT` (repeatable; default: the plan's gateway:6443 and 127.0.0.1:6443). */
  listen?: Array<{ host: string; port: number }>;
  /** `--api-only`: no components (no kubelet, DNS, proxy): the API server and controllers alone. */
  apiOnly?: boolean;
}

/** Parses `--instance N --state DIR`; throws a Portuguese message naming the problem and the fix. */
export const parseDaemonArgs = (argv: string[], env: NodeJS.ProcessEnv = process.env): DaemonArgs => {
  let instance = 0;
  let stateDir: string | undefined;
  const listen: Array<{ host: string; port: number }> = [];
  let apiOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === "--instance") {
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > 15) {
        throw new Error(`--instance precisa de um número de 0 a 15 (recebeu ${value === undefined ? "nada" : `"${value}"`}). Exemplo: --instance 0`);
      }
      instance = Number(value);
      i++;
    } else if (arg === "--state") {
      if (!value || value.startsWith("--")) throw new Error("--state precisa de uma pasta (a pasta de estado da instância do lab). Exemplo: --state .lab/0");
      stateDir = path.resolve(value);
      i++;
    } else if (arg === "--api-only") {
      apiOnly = true;
    } else if (arg === "--listen") {
      const m = value ? /^(.+):(\d+)$/.exec(value) : null;
      if (!m || Number(m[2]) > 65535) throw new Error(`--listen precisa de ENDEREÇO:PORTA (recebeu ${value === undefined ? "nada" : `"${value}"`}). Exemplo: --listen 127.0.0.1:6443`);
      listen.push({ host: m[1]!, port: Number(m[2]) });
      i++;
    } else {
      throw new Error(`opção desconhecida "${arg}". Use: daemon.js --instance N --state PASTA [--listen ENDEREÇO:PORTA] [--api-only]`);
    }
  }
  return { instance, stateDir: stateDir ?? labPaths(instance, env).state, ...(listen.length ? { listen } : {}), ...(apiOnly ? { apiOnly } : {}) };
};

const main = async (): Promise<void> => {
  let args: DaemonArgs;
  try {
    args = parseDaemonArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`erro: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const runDir = path.join(args.stateDir, "run");
  const logsDir = path.join(args.stateDir, "logs");
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, "cluster.log");
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  log(`starting cluster daemon for instance ${args.instance} (state ${args.stateDir}, pid ${process.pid})`);
  const components = args.apiOnly ? [] : await clusterComponents({ instance: args.instance, stateDir: args.stateDir });
  const cluster = await startCluster({ stateDir: args.stateDir, instance: args.instance, components, log, ...(args.listen ? { listen: args.listen } : {}) });
  const socket = path.join(runDir, "cluster.sock");
  const pidFile = path.join(runDir, "cluster.pid");
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      log("stopping");
      control.close();
      await cluster.stop();
      await rm(socket, { force: true });
      await rm(pidFile, { force: true });
      log("stopped");
      process.exit(0);
    })());
  const control = await serveControl({ socket, cluster, components: components.map((c) => c.name), shutdown: () => void shutdown() });
  await writeFile(pidFile, `${process.pid}\n`);
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
  log(`ready: ${cluster.urls.join(" ")} kubeconfig ${cluster.kubeconfigFile}`);
  process.stdout.write(`ready ${cluster.urls.join(" ")}\n`);
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    process.stderr.write(`erro: o daemon do cluster não iniciou: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
