// `npm run bench`: the project's speed targets, measured side by side in one run (never as timed tests).
//   query   — the same structured read through client-node in-process vs a kubectl process (ratio)
//   wait    — reaction time to a resource that appears after a random delay: watch vs exponential-backoff polling
//   export  — the written tutorial from executed notebooks (target ≤ 2 s)
//   lab     — `lab up` cold (empty cache) and warm (targets ≤ 4 min and ≤ 60 s)           [root, Linux]
//   runbook — the whole runbook on the warm lab per Istio version (≤ 2 min) and the runner's overhead (≤ 10 % of the
//             time inside commands)                                                       [root, Linux]
// `npm run bench -- query wait` runs only those. Results are printed and written to out/bench.json.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CoreV1Api } from "@kubernetes/client-node";
import { startCluster } from "../../lab/cluster/cluster.js";
import { exportTutorial } from "../../lib/export/tutorial.js";
import { KubeClient } from "../../lib/kube/client.js";
import { projectRoot } from "../../lib/project.js";
import { courseNotebooks } from "../../lib/runner/main.js";
import { testSession } from "../helpers/params.js";

const run = promisify(execFile);
const KUBECTL = path.join(projectRoot(), ".tools", "bin", "kubectl");

/** One measured figure. */
interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
const ms = (start: number): number => performance.now() - start;

const withCluster = async <T>(fn: (kubeconfig: string) => Promise<T>): Promise<T> => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "bench-cluster-"));
  const cluster = await startCluster({ stateDir, instance: 14, listen: [{ host: "127.0.0.1", port: 0 }], persist: false });
  try {
    return await fn(cluster.kubeconfigFile);
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
};

/** Structured read (list Services in all namespaces): client-node in-process vs `kubectl get -o json` processes. */
const benchQuery = async (): Promise<Figure[]> =>
  withCluster(async (kubeconfig) => {
    const { session } = testSession({ lines: { KUBECONFIG: kubeconfig, KUBECTL } });
    const client = new KubeClient({ session });
    const rounds = 20;
    await client.list({ resource: "services", allNamespaces: true, record: false }); // discovery warm-up
    const inProcess: number[] = [];
    const processes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await client.list({ resource: "services", allNamespaces: true, record: false });
      inProcess.push(ms(t));
      t = performance.now();
      await run(KUBECTL, ["--kubeconfig", kubeconfig, "get", "services", "-A", "-o", "json"], { env: { ...process.env, KUBECACHEDIR: path.join(os.tmpdir(), "bench-kubecache") } });
      processes.push(ms(t));
    }
    const a = median(inProcess);
    const b = median(processes);
    return [
      { bench: "query", name: "client-node em processo (mediana)", value: a, unit: "ms" },
      { bench: "query", name: "processo kubectl (mediana)", value: b, unit: "ms" },
      { bench: "query", name: "razão kubectl / client-node", value: b / a, unit: "×" },
    ];
  });

/** Reaction time after a ConfigMap appears at a random moment: watch vs exponential-backoff polling. */
const benchWait = async (): Promise<Figure[]> =>
  withCluster(async (kubeconfig) => {
    const { session } = testSession({ lines: { KUBECONFIG: kubeconfig, KUBECTL } });
    const client = new KubeClient({ session });
    const core = client.kubeConfig.makeApiClient(CoreV1Api);
    // The object exists from the moment the API answers the create: that is the reference for the reaction time.
    const create = async (name: string) => {
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name } } });
    };
    const rounds = 8;
    const watch: number[] = [];
    const poll: number[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const mode of ["watch", "poll"] as const) {
        const name = `bench-${mode}-${i}`;
        const delay = 300 + Math.random() * 1500;
        let createdAt = 0;
        const creating = new Promise<void>((resolve) => setTimeout(() => void create(name).then(() => { createdAt = performance.now(); resolve(); }), delay));
        // Both detectors start before the object exists and stop at the first sight of it.
        if (mode === "watch") {
          await client.watchUntil({ resource: "configmaps", namespace: "default", until: (objects) => objects.some((o) => o.metadata.name === name), timeoutMs: 30_000 });
        } else {
          // istio.io's tests retry with a growing pause (100 ms doubling, capped at 5 s).
          for (let pause = 100; ; pause = Math.min(pause * 2, 5000)) {
            if (await client.get({ resource: "configmaps", name, namespace: "default", record: false })) break;
            await new Promise((r) => setTimeout(r, pause));
          }
        }
        const seenAt = performance.now();
        await creating;
        (mode === "watch" ? watch : poll).push(Math.max(0, seenAt - createdAt));
      }
    }
    const w = median(watch);
    const p = median(poll);
    return [
      { bench: "wait", name: "reação por watch (mediana)", value: w, unit: "ms" },
      { bench: "wait", name: "reação por polling com backoff (mediana)", value: p, unit: "ms" },
      { bench: "wait", name: "razão polling / watch", value: p / Math.max(w, 1), unit: "×" },
    ];
  });

/** The written tutorial from the executed notebooks of the last main run (out/notebooks). */
const benchExport = async (): Promise<Figure[]> => {
  const executed = path.join(projectRoot(), "out", "notebooks");
  if (!existsSync(executed)) return [{ bench: "export", name: "exportação (sem out/notebooks: rode npm start antes)", value: NaN, unit: "s" }];
  const out = mkdtempSync(path.join(os.tmpdir(), "bench-export-"));
  const t = performance.now();
  await exportTutorial({ notebooks: courseNotebooks(executed), outDir: out });
  const s = ms(t) / 1000;
  rmSync(out, { recursive: true, force: true });
  return [{ bench: "export", name: "exportar todos os notebooks (Markdown + HTML)", value: s, unit: "s", target: "≤ 2 s", ok: s <= 2 }];
};

const timeCommand = async (argv: string[], env: Record<string, string> = {}): Promise<number> => {
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: projectRoot(), env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(" ")} exited ${code}`))));
  });
  return ms(t) / 1000;
};

/** `lab up` with an empty cache (cold) and again (warm), on a separate instance. */
const benchLab = async (): Promise<Figure[]> => {
  const cli = [process.execPath, path.join(projectRoot(), "dist", "lab", "cli.js")];
  const instance = "13";
  const cache = mkdtempSync(path.join(os.tmpdir(), "bench-lab-cache-"));
  try {
    const cold = await timeCommand([...cli, "up", "--instance", instance], { LAB_CACHE_DIR: cache });
    await timeCommand([...cli, "down", "--instance", instance], { LAB_CACHE_DIR: cache });
    const warm = await timeCommand([...cli, "up", "--instance", instance], { LAB_CACHE_DIR: cache });
    await timeCommand([...cli, "down", "--instance", instance], { LAB_CACHE_DIR: cache });
    return [
      { bench: "lab", name: "lab up a frio (cache vazio)", value: cold, unit: "s", target: "≤ 240 s", ok: cold <= 240 },
      { bench: "lab", name: "lab up a quente", value: warm, unit: "s", target: "≤ 60 s", ok: warm <= 60 },
    ];
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
};

/** The whole runbook on the warm lab, per Istio version, and the runner's overhead from its report. */
const benchRunbook = async (): Promise<Figure[]> => {
  const figures: Figure[] = [];
  for (const version of ["1.8.1", "1.30.0"]) {
    const out = mkdtempSync(path.join(os.tmpdir(), `bench-runbook-${version}-`));
    const total = await timeCommand([process.execPath, path.join(projectRoot(), "dist", "lib", "runner", "main.js"), "--out", out, "--istio-version", version, "--no-export"], { RUNBOOK_CONFIRM_CLEANUP: "lab" });
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as { durationMs: number; commandMs: number; ok: boolean };
    const overhead = (report.durationMs - report.commandMs) / Math.max(report.commandMs, 1);
    figures.push(
      { bench: "runbook", name: `runbook completo, Istio ${version}${report.ok ? "" : " (FALHOU)"}`, value: total, unit: "s", target: "≤ 120 s", ok: report.ok && total <= 120 },
      { bench: "runbook", name: `overhead do executor, Istio ${version} (tempo fora dos comandos / dentro)`, value: overhead * 100, unit: "%", target: "≤ 10 %", ok: overhead <= 0.1 },
    );
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
};

const BENCHES: Record<string, () => Promise<Figure[]>> = { query: benchQuery, wait: benchWait, export: benchExport, lab: benchLab, runbook: benchRunbook };

const main = async (): Promise<void> => {
  const wanted = process.argv.slice(2).filter((a) => a in BENCHES);
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const figures: Figure[] = [];
  for (const name of names) {
    if ((name === "lab" || name === "runbook") && (process.getuid?.() !== 0 || process.platform !== "linux")) {
      console.log(`– ${name}: precisa de Linux e root, pulado`);
      continue;
    }
    console.log(`▶ ${name}`);
    try {
      const got = await BENCHES[name]!();
      for (const f of got) console.log(`  ${f.ok === undefined ? "•" : f.ok ? "✔" : "✘"} ${f.name}: ${Number.isFinite(f.value) ? f.value.toFixed(f.unit === "ms" || f.unit === "%" ? 1 : 2) : "—"} ${f.unit}${f.target ? ` (meta ${f.target})` : ""}`);
      figures.push(...got);
    } catch (error) {
      console.log(`  ✘ ${name}: ${(error as Error).message}`);
      figures.push({ bench: name, name: `erro: ${(error as Error).message}`, value: NaN, unit: "" });
    }
  }
  const outDir = path.join(projectRoot(), "out");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "bench.json"), JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, figures }, null, 2) + "\n");
  console.log(`resultados em out/bench.json`);
};

await main();
