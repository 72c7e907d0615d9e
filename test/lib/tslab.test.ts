// The path students use: a notebook run by the real Jupyter (nbconvert + nbclient) on the real tslab kernel imports the
// library, runs a command and renders a passing and a failing check (HTML, text, and the events as JSON).
import test from "ava";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { EVENTS_MIME, type CheckEvent, type EventsDocument } from "../../lib/run/events.js";
import { cellSource, readNotebook } from "../../lib/runner/notebook-file.js";
import { kernelPath, writeTestNotebook } from "../helpers/notebook.js";
import { tempProject } from "../helpers/params.js";

const run = promisify(execFile);

test("a tslab notebook executed by Jupyter renders ✔ and ✘ checks with their data", async (t) => {
  const { root, file } = tempProject();
  const nb = writeTestNotebook("01-checks.ipynb", [
    ["code", 'import { runbook, match } from "../lib";\nconst rb = runbook("Demonstração");\nawait rb.run({ argv: ["echo", "pegasus-pay v1"] });'],
    ["code", 'import { runbook, match } from "../lib";\nconst rb = runbook("Demonstração");\nawait rb.check({ title: "o eco diz pegasus-pay", run: () => rb.run({ argv: ["echo", "pegasus-pay v1"] }), expect: match.contains("pegasus-pay") });'],
    ["code", 'import { runbook, match } from "../lib";\nconst rb = runbook("Demonstração");\nawait rb.check({ title: "o istiod responde", run: () => rb.run({ argv: ["sh", "-c", "echo \'dial tcp 198.18.2.11:15012: i/o timeout\' >&2; exit 1"], nothrow: true }), expect: match.contains("ready") });'],
  ]);
  const out = path.join(path.dirname(nb), "executed.ipynb");
  await run("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=120", "--output", out, nb], {
    env: { ...process.env, PATH: kernelPath(), RUNBOOK_HOME: root, RUNBOOK_PARAMS: file, RUNBOOK_STATE_DIR: path.join(root, ".state") },
    timeout: 180_000,
  });
  const executed = readNotebook(out);
  const outputsOf = (i: number) => executed.cells[i]!.outputs ?? [];
  // nbformat stores multi-line strings as lists of lines.
  const joined = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Array.isArray(v) ? v.join("") : v]));
  const bundles = (i: number) => outputsOf(i).filter((o) => o.output_type === "display_data").map((o) => (o.output_type === "display_data" ? joined(o.data) : {}));

  // Cell 1: the command and its output.
  t.true(bundles(0).some((d) => String(d["text/plain"]).startsWith("$ echo 'pegasus-pay v1'\npegasus-pay v1")));

  // Cell 2: a passing check, as HTML and as data.
  const pass = bundles(1).map((d) => (d[EVENTS_MIME] as EventsDocument).events).flat().find((e): e is CheckEvent => e.kind === "check");
  t.like(pass, { status: "pass", title: "o eco diz pegasus-pay" });
  t.true(bundles(1).some((d) => String(d["text/html"]).includes("iev-pass")));

  // Cell 3: a failing check — ✘ with expected vs received, a diagnosis in Portuguese, and the cell raised.
  const fail = bundles(2).map((d) => (d[EVENTS_MIME] as EventsDocument).events).flat().find((e): e is CheckEvent => e.kind === "check");
  t.like(fail, { status: "fail", title: "o istiod responde" });
  t.true(fail!.diagnoses.length > 0, "a diagnosis is attached");
  t.regex(fail!.diagnoses.map((d) => d.cause + d.fix).join("\n"), /15012|east-west|gateway/i);
  t.true(bundles(2).some((d) => String(d["text/html"]).includes("iev-fail")));
  t.true(bundles(2).some((d) => String(d["text/plain"]).startsWith("✘ o istiod responde")));
  const stderr = outputsOf(2).map((o) => (o.output_type === "stream" && o.name === "stderr" ? [o.text].flat().join("") : "")).join("");
  t.regex(stderr, /^CheckFailure: Verificação falhou: ✘ o istiod responde/, "the cell raised the check's message, without a stack trace");
  t.false(/\n\s+at /.test(stderr));
  // The source notebook stays without outputs.
  t.true(readNotebook(nb).cells.every((c) => (c.outputs ?? []).length === 0 && cellSource(c).length > 0));
  t.false(readFileSync(out, "utf8").includes("eyJ"));
});
