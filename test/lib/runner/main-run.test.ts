// The README's first command line as a student runs it: `npm start` with no target brings up the offline lab and runs
// every notebook in course order through the real tslab kernel, for the course's Istio 1.8.1 and for the current
// release; out/ gets the executed notebooks, the JSON/JUnit/HTML reports and the tutorial, and no secret. Plan mode
// prints the commands without running them. (Lab instance 11; the instance is taken down at the end.)
import test from "ava";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../../lib/project.js";

const INSTANCE = "11";
const root = projectRoot();
const tmp = mkdtempSync(path.join(os.tmpdir(), "main-run-"));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const node = (args: string[], timeoutMs = 30 * 60_000): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, VM_ADDRESS: undefined as unknown as string } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
const main = (args: string[]) => node([path.join(root, "dist", "lib", "runner", "main.js"), "--lab-instance", INSTANCE, ...args]);
const lab = (args: string[]) => node([path.join(root, "dist", "lab", "cli.js"), ...args, "--instance", INSTANCE], 10 * 60_000);

/** Every file under dir (recursively). */
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });

interface Report {
  ok: boolean;
  istioVersion: string;
  target: string;
  mode: string;
  notebooks: Array<{ file: string; ok: boolean; cells: Array<{ title: string; status: string; rerun?: { status: string }; checks: Array<{ status: string; title: string }> }> }>;
}

test.before(() => {
  if (existsSync(path.join(root, "runbook.env"))) throw new Error("runbook.env exists in the project: the main run would target it instead of the lab; move it away to run this test");
});

test.after.always(async () => {
  await lab(["down"]);
});

// The current release also runs with --rerun: after each passing cell the kernel is restarted and the cell runs again,
// which proves every cell is safe to run twice and after a kernel restart.
for (const [version, rerun] of [["1.8.1", false], ["1.30.0", true]] as const) {
  test.serial(`Istio ${version}: npm start${rerun ? " --rerun" : ""} brings up the lab, runs every notebook green${rerun ? " (each cell twice, the second time after a kernel restart)" : ""} and writes the reports, the tutorial and no secret`, async (t) => {
    // --rerun restarts the kernel after every cell: 11 min on a quiet machine, over 30 min on a loaded one.
    t.timeout((rerun ? 50 : 30) * 60_000);
    const reset = await lab(["reset"]);
    t.is(reset.code, 0, reset.stderr);
    const out = path.join(tmp, `out-${version}`);
    const work = path.join(tmp, `work-${version}`, "vmintegration");
    const ran = await main(["--out", out, "--istio-version", version, "--set", `WORK_DIR=${work}`, ...(rerun ? ["--rerun"] : [])]);
    t.is(ran.code, 0, `${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-2000)}`);
    t.regex(ran.stdout, new RegExp(`==> alvo: lab · Istio ${version.replace(/\./g, "\\.")}`));
    t.regex(ran.stdout, /✔ \d+ verificações ✔, 0 ✘ em/);

    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as Report;
    t.true(report.ok);
    t.is(report.istioVersion, version);
    t.is(report.target, "lab");
    t.deepEqual(report.notebooks.map((n) => n.file), ["01_preparacao.ipynb", "02_execucao_istio.ipynb", "04_instalando_simul_shop.ipynb", "14_istio_vms.ipynb"]);
    const cells = report.notebooks.flatMap((n) => n.cells);
    t.deepEqual(cells.filter((c) => c.status !== "passed"), []);
    if (rerun) t.deepEqual(cells.filter((c) => c.rerun?.status !== "passed").map((c) => c.title), [], "every cell passed again after a kernel restart");
    const checks = cells.flatMap((c) => c.checks);
    t.true(checks.length >= 60, `only ${checks.length} checks`);
    t.deepEqual(checks.filter((c) => c.status !== "pass").map((c) => c.title), []);
    for (const title of [/voltaram ao estado de antes do capítulo/, /A VM foi registrada: WorkloadEntry/, /Da VM, payment\.default\.svc:8000\/ responde 200/, /com mTLS/]) {
      t.true(checks.some((c) => title.test(c.title)), `no check ${title}`);
    }

    const junit = readFileSync(path.join(out, "junit.xml"), "utf8");
    t.regex(junit, /<testsuites /);
    t.notRegex(junit, /<failure/);
    t.regex(readFileSync(path.join(out, "summary.html"), "utf8"), /<html/);
    const md = readFileSync(path.join(out, "tutorial.md"), "utf8");
    t.regex(md, /```bash\nistioctl x workload entry configure -f \S*workloadgroup\.yaml -o \S*vmintegration/);
    t.regex(md, /✔ /);
    t.notRegex(md, /\x1b\[/, "ANSI colour codes are stripped");
    const html = readFileSync(path.join(out, "tutorial.html"), "utf8");
    t.regex(html, /<img [^>]*src="data:image\/svg\+xml/, "the architecture picture is embedded");
    t.notRegex(html, /<img [^>]*src="(?!data:)/, "no image refers to a file");
    t.deepEqual(readdirSync(path.join(out, "notebooks")).sort(), ["01_preparacao.ipynb", "02_execucao_istio.ipynb", "04_instalando_simul_shop.ipynb", "14_istio_vms.ipynb"]);

    // Secrets: the istio-token the run generated and the lab's SSH private key appear in no file of out/.
    const token = readFileSync(path.join(work, "istio-token"), "utf8").trim();
    const keyBody = readFileSync(path.join(root, ".lab", INSTANCE, "ssh", "id_ed25519"), "utf8").split("\n").filter((l) => l && !l.startsWith("-----"));
    t.true(token.length > 100 && keyBody.length > 0);
    for (const file of files(out)) {
      const text = readFileSync(file, "latin1");
      t.false(text.includes(token), `${file} holds the istio-token`);
      t.false(text.includes(token.split(".")[2]!), `${file} holds the token's signature`);
      for (const line of keyBody) t.false(text.includes(line), `${file} holds a line of the private key`);
    }
  });
}

test.serial("plan mode prints every cell's commands without running them", async (t) => {
  const out = path.join(tmp, "out-plan");
  const ran = await main(["--plan", "--params", path.join(root, ".lab", INSTANCE, "params.env"), "--out", out, "--no-export", "--set", `WORK_DIR=${path.join(tmp, "work-plan", "vmintegration")}`]);
  t.is(ran.code, 0, ran.stderr);
  t.regex(ran.stdout, /\$ istioctl install --set values\.pilot\.env\.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true --skip-confirmation {3}\(plano\)/);
  t.regex(ran.stdout, /vm\$ sudo dpkg -i istio-sidecar\.deb {3}\(plano\)/);
  t.regex(ran.stdout, /\$ scp -i \S+ \S+\/cluster\.env \S+\/istio-token /);
  const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as Report;
  t.is(report.mode, "plan");
  t.false(existsSync(path.join(tmp, "work-plan")), "nothing ran");
});
