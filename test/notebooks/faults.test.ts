// For each lab fault, the chapter notebook run stops at the check that should catch it, with the matching diagnosis
// (or, for the chapter's own DNS story, the notebook explains and fixes it and passes); after `fault clear`, the same
// cells pass again. The notebooks run through the real tslab kernel against a fresh lab (instance 12) for the course's
// Istio 1.8.1: 01, 02 and 04 once, then the chapter in order: for each fault, the chapter from the section where the
// fault bites with the fault applied, then the same cells after `fault clear` up to where the next fault bites (every
// cell reloads its state, as when a student re-runs part of a notebook); at the end, the cleanup section, which must
// bring the cluster and the VM back to the snapshot taken before the chapter.
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../lib/project.js";
import { executeNotebook, type CellResult, type ExecutedNotebook } from "../../lib/runner/execute-notebook.js";

// Instance 12 unless FAULTS_INSTANCE names another (a developer calibrating while the suite runs elsewhere).
const INSTANCE = process.env["FAULTS_INSTANCE"] ?? "12";
const root = projectRoot();
const tmp = mkdtempSync(path.join(os.tmpdir(), "notebook-faults-"));
const CHAPTER = path.join(root, "notebooks", "14_istio_vms.ipynb");
const CLEANUP = "Limpando o ambiente";

const lab = (args: string[]): Promise<{ code: number; out: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "dist", "lab", "cli.js"), ...args, "--instance", INSTANCE], { cwd: root, encoding: "utf8", timeout: 10 * 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: stdout + stderr }),
    );
  });

const env = {
  RUNBOOK_PARAMS: path.join(root, ".lab", INSTANCE, "params.env"),
  RUNBOOK_STATE_DIR: path.join(tmp, ".state"),
  RUNBOOK_MODE: "run",
  PATH: `${path.join(root, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`,
};
const injectedParameters = [
  'import { runbook } from "../lib";',
  `runbook({ overrides: ${JSON.stringify({ WORK_DIR: path.join(tmp, "work", "vmintegration") })} }).params;`,
].join("\n");

const run = (file: string, select?: (cell: { index: number; section: string }) => boolean, beforeFirst?: () => Promise<void>): Promise<ExecutedNotebook> => {
  let first = true;
  return executeNotebook({
    file,
    env,
    injectedParameters,
    cellTimeoutMs: 600_000,
    ...(select ? { select } : {}),
    beforeCell: async (cell) => {
      if (first && beforeFirst && !cell.title.startsWith("// Parâmetros injetados")) {
        first = false;
        await beforeFirst();
      }
    },
  });
};

/** What a fault case that went wrong leaves to look at: istiod's log, the VM's credential files (names, sizes, times, the
 * token's expiry: never its content), the sidecar's log and the WorkloadEntries. Printed with the failure, so a CI
 * run carries it. */
const evidence = async (): Promise<string> => {
  const kubectl = (args: string[]): Promise<string> =>
    new Promise((resolve) => {
      execFile("kubectl", ["--kubeconfig", path.join(root, ".lab", INSTANCE, "kubeconfig"), ...args], { encoding: "utf8", timeout: 30_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => resolve(stdout + stderr + (error ? `(${error.message.split("\n")[0]})` : "")));
    });
  const vm = [
    "sudo ls -la --time-style=+%T /etc/certs /var/run/secrets/tokens",
    "sudo cut -d. -f2 /var/run/secrets/tokens/istio-token | tr '_-' '/+' | base64 -d 2>/dev/null | grep -o '\"exp\":[0-9]*'; date +now:%s",
    "systemctl is-active istio",
    "sudo tail -n 40 /var/log/istio/istio.log",
  ].join("; echo ---; ");
  const parts: [string, string][] = [
    ["istiod (últimas 60 linhas)", await kubectl(["-n", "istio-system", "logs", "deploy/istiod", "--tail=60"])],
    ["WorkloadEntries", await kubectl(["get", "workloadentries", "-A", "-o", "wide"])],
    ["VM", (await lab(["vm", "ssh", vm])).out],
  ];
  return parts.map(([title, text]) => `===== ${title}\n${text.trimEnd()}`).join("\n");
};

const failureOf = (result: ExecutedNotebook): CellResult | undefined => result.cells.find((c) => c.status !== "passed" && c.status !== "skipped");
const explain = (result: ExecutedNotebook): string => {
  const f = failureOf(result);
  if (!f) return "no cell failed";
  return `${f.section} › ${f.title}: ${f.status} ${f.error ?? ""}\n${f.checks
    .filter((c) => c.status === "fail")
    .map((c) => `✘ ${c.title}\n  recebido: ${c.received}\n  diagnósticos: ${c.diagnoses.map((d) => d.id).join(", ")}`)
    .join("\n")}`;
};

/** Where each fault bites in the chapter, the check that catches it and the diagnosis it must carry. */
interface FaultCase {
  fault: string;
  /** Where the fault is applied (before the section's first cell). */
  section: string;
  /** The section of the check that catches it (default: the same). */
  caughtIn?: string;
  /** Sections a student re-runs with the fixed ones (a VM reboot also took away the legacy container). */
  alsoRerun?: readonly string[];
  /** The chapter diagnoses and fixes this one itself: the run passes, and one of its commands is the fix. */
  fixedBy?: RegExp;
  check?: RegExp;
  diagnosis?: string;
  /** What the diagnosis' cause must name when its id alone does not single the fault out. */
  causeNames?: RegExp;
}

const SIDECAR_LOG = /^O log do sidecar mostra o certificado e a conexão com o istiod, sem erros$/;
const START = "Iniciando o sidecar";
const VERIFY = "Verificando o funcionamento do sidecar";

const CASES: readonly FaultCase[] = [
  { fault: "vm-down", section: "Criando uma VM", check: /alcança a VM .* com ping/, diagnosis: "ping-sem-resposta" },
  { fault: "sshd-down", section: "O serviço legado na VM", check: /^O comando ssh-vm docker (rm|run) .* terminou sem sucesso$/, diagnosis: "ssh-sem-conexao" },
  { fault: "port-8000-firewalled", section: "O serviço legado na VM", check: /chega ao pegasus-pay na VM/, diagnosis: "curl-tempo-esgotado" },
  { fault: "eastwest-unreachable", section: START, caughtIn: VERIFY, check: SIDECAR_LOG, diagnosis: "istiod-inacessivel" },
  { fault: "istiod-down", section: START, caughtIn: VERIFY, check: SIDECAR_LOG, diagnosis: "istiod-inacessivel" },
  { fault: "token-expired", section: START, caughtIn: VERIFY, check: SIDECAR_LOG, diagnosis: "token-recusado" },
  // 1.8 with valid file certificates makes no CSR, and the xDS dial reports the refused TLS handshake as a deadline:
  // the diagnosis is the deadline one, whose cause names the root certificate among the three possible.
  { fault: "root-cert-mismatch", section: START, caughtIn: VERIFY, check: SIDECAR_LOG, diagnosis: "istiod-inacessivel/prazo-esgotado", causeNames: /certificado raiz da VM/ },
  { fault: "sidecar-not-enabled-after-reboot", section: VERIFY, alsoRerun: ["O serviço legado na VM"], check: /^O serviço istio está ativo e habilitado na VM$/, diagnosis: "sidecar-nao-habilitado" },
  { fault: "workloadentry-sa-mismatch", section: "Conectando os serviços do cluster aos da VM", check: /^A VM foi registrada/, diagnosis: "workloadentry-conta-de-servico" },
  { fault: "docker-dnat-bypass", section: "Monitorando a VM", check: /^Todas as chamadas nos dois sentidos responderam 2xx$/, diagnosis: "upstream-connect-error" },
  { fault: "dns-capture-breaks-external", section: "Falha de DNS para nomes externos na VM", fixedBy: /ln -sf \/run\/systemd\/resolve\/resolv\.conf \/etc\/resolv\.conf/ },
];

let chapter: ExecutedNotebook;
/** The index of the first cell of a section (after the chapter's first run). */
const firstCellOf = (section: string): number => {
  const cell = chapter.cells.find((c) => c.section === section && !c.title.startsWith("// Parâmetros injetados"));
  if (!cell) throw new Error(`no section "${section}" in the chapter notebook`);
  return cell.index;
};

// For a developer calibrating one fault: FAULT_CASES=vm-down,sshd-down runs only those; FAULTS_REUSE_LAB=1 keeps the
// instance as it is (the chapter already run on it) instead of resetting it and running 01, 02 and 04.
const only = process.env["FAULT_CASES"]?.split(",").filter(Boolean);
const reuse = process.env["FAULTS_REUSE_LAB"] === "1";

test.before(async () => {
  if (reuse) return;
  const reset = await lab(["reset"]);
  if (reset.code !== 0) throw new Error(`lab reset failed:\n${reset.out}`);
  for (const name of ["01_preparacao.ipynb", "02_execucao_istio.ipynb", "04_instalando_simul_shop.ipynb"]) {
    const result = await run(path.join(root, "notebooks", name));
    if (!result.ok) throw new Error(`${name} failed: ${explain(result)}`);
  }
});

test.after.always(async () => {
  await lab(["fault", "clear"]);
  if (!reuse) await lab(["down"]);
});

test.serial("the chapter's cells are listed by section, and its first sections run green", async (t) => {
  t.timeout(20 * 60_000);
  chapter = await run(CHAPTER, () => false);
  const from = firstCellOf(SELECTED[0]!.section);
  const first = await run(CHAPTER, (c) => !reuse && c.index < from);
  t.true(first.ok, explain(first));
});

// With FAULT_CASES, the first run goes up to the first selected case and each recovery up to the next selected one.
const SELECTED = CASES.filter((c) => !only || only.includes(c.fault));

SELECTED.forEach((c, i) => {
  const title = c.fixedBy
    ? `${c.fault}: the chapter from ${c.section} explains and fixes it (${c.fixedBy.source}) and passes; after fault clear the cells pass again`
    : `${c.fault}: the run stops at "${c.check!.source}" in ${c.caughtIn ?? c.section} with the diagnosis ${c.diagnosis}; after fault clear the cells pass again`;
  test.serial(title, async (t) => {
    t.timeout(20 * 60_000);
    if (!chapter) return t.fail("the chapter's cells were not listed");
    const from = firstCellOf(c.section);
    let applied = { code: -1, out: "" };
    const faulty = await run(CHAPTER, (cell) => cell.index >= from && cell.section !== CLEANUP, async () => {
      applied = await lab(["fault", c.fault]);
    });
    t.is(applied.code, 0, `lab fault ${c.fault}: ${applied.out}`);
    if (c.fixedBy) {
      t.true(faulty.ok, explain(faulty));
      const commands = faulty.cells.filter((cell) => cell.section === c.section).flatMap((cell) => cell.commands.map((k) => k.display));
      t.true(commands.some((k) => c.fixedBy!.test(k)), `no command of ${c.section} matches ${c.fixedBy.source}:\n${commands.join("\n")}`);
    } else {
      const failed = failureOf(faulty);
      t.truthy(failed, `the run did not stop: ${explain(faulty)}`);
      t.is(failed?.section, c.caughtIn ?? c.section, explain(faulty));
      const check = failed?.checks.find((k) => k.status === "fail");
      if (!c.check!.test(check?.title ?? "")) t.log(await evidence());
      t.regex(check?.title ?? "", c.check!, explain(faulty));
      t.true(check?.diagnoses.some((d) => d.id === c.diagnosis || d.id.startsWith(`${c.diagnosis}/`)), explain(faulty));
      if (c.causeNames) t.true(check?.diagnoses.some((d) => c.causeNames!.test(d.cause)), explain(faulty));
    }

    const cleared = await lab(["fault", "clear", c.fault]);
    t.log(`lab fault clear ${c.fault} (código ${cleared.code}): ${cleared.out.trim()}`);
    t.is(cleared.code, 0, cleared.out);
    // Back to green: the same cells again (with the section that caught it, and what a student re-runs with them), up
    // to where the next case starts (or up to the cleanup).
    const next = SELECTED[i + 1];
    const until = next ? firstCellOf(next.section) : Number.MAX_SAFE_INTEGER;
    const sections = new Set([c.section, c.caughtIn ?? c.section]);
    const again = await run(
      CHAPTER,
      (cell) => cell.section !== CLEANUP && ((cell.index >= from && (cell.index < until || sections.has(cell.section))) || (c.alsoRerun ?? []).includes(cell.section)),
    );
    t.true(again.ok, `after fault clear: ${explain(again)}${again.ok ? "" : `\n${await evidence()}`}`);
  });
});

test.serial("the cleanup brings the cluster and the VM back to the snapshot taken before the chapter", async (t) => {
  t.timeout(20 * 60_000);
  if (only) return t.pass();
  const cleanup = await executeNotebook({ file: CHAPTER, env: { ...env, RUNBOOK_CONFIRM_CLEANUP: "lab" }, injectedParameters, cellTimeoutMs: 600_000, select: (c) => c.section === CLEANUP });
  t.true(cleanup.ok, explain(cleanup));
  t.true(cleanup.cells.some((c) => c.checks.some((k) => /voltaram ao estado de antes do capítulo/.test(k.title) && k.status === "pass")));
});
