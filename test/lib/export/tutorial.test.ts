import test from "ava";
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportTutorial } from "../../../lib/export/tutorial.js";
import { executeNotebook } from "../../../lib/runner/execute-notebook.js";
import { writeNotebook } from "../../../lib/runner/notebook-file.js";
import { looksSecret } from "../../../lib/redact/masker.js";
import { kernelPath, writeTestNotebook } from "../../helpers/notebook.js";
import { tempProject } from "../../helpers/params.js";

const JWT = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"system:serviceaccount:legacy:legacy-pegasus","aud":["istio-ca"]}').toString("base64url")}.c2lnbmF0dXJlLWZha2U`;

test("exports an executed notebook as Markdown and self-contained HTML that read like the course, without secrets", async (t) => {
  const { root, file } = tempProject();
  const base = mkdtempSync(path.join(os.tmpdir(), "export-"));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>`;
  const nb = writeTestNotebook(
    "14-demo.ipynb",
    [
      ["markdown", "# Istio em VMs\n\nTexto do curso.\n\n![arquitetura](../media/arq.svg)"],
      ["code", `import { runbook } from "../lib";\nconst rb = runbook("Token");\nawait rb.run({ argv: ["echo", "\\u001b[32mtoken:\\u001b[0m ${JWT}"] });\nrb.emit({ kind: "check", id: "k1", at: new Date().toISOString(), title: "o token existe", status: "pass", expected: "token", received: "token", attempts: 1, durationMs: 2, diagnoses: [] });`],
    ],
    base,
  );
  const { mkdirSync } = await import("node:fs");
  mkdirSync(path.join(base, "media"), { recursive: true });
  writeFileSync(path.join(base, "media", "arq.svg"), svg);
  const executed = await executeNotebook({ file: nb, env: { RUNBOOK_HOME: root, RUNBOOK_PARAMS: file, RUNBOOK_STATE_DIR: path.join(root, ".state"), PATH: kernelPath() }, cellTimeoutMs: 60_000 });
  t.true(executed.ok);
  writeNotebook(nb, executed.notebook);
  const out = path.join(base, "out");
  const result = await exportTutorial({ notebooks: [nb], outDir: out });
  const md = readFileSync(result.markdown, "utf8");
  t.regex(md, /^# Istio em VMs/m);
  t.regex(md, /```bash\necho 'token: <token oculto>'\n```/);
  t.regex(md, /```text\ntoken: <token oculto>\n```/);
  t.regex(md, /\*\*✔ o token existe\*\*/);
  t.false(md.includes("\u001b"));
  t.false(looksSecret(md));
  const html = readFileSync(result.html, "utf8");
  t.regex(html, /<div class="check pass"><span class="badge">✔<\/span>o token existe/);
  t.false(looksSecret(html));
  t.false(html.includes(JWT));
  t.false(/<script/i.test(html));
  t.regex(md, /!\[arquitetura\]\(media\/arq\.svg\)/);
  t.is(readFileSync(path.join(out, "media", "arq.svg"), "utf8"), svg);
  t.regex(html, /<img src="data:image\/svg\+xml;base64,/);
});

test("refuses to write an export that still contains a secret", async (t) => {
  const base = mkdtempSync(path.join(os.tmpdir(), "export-"));
  // A notebook whose prose itself pastes a private key (a student's mistake): the export must not carry it.
  const nb = writeTestNotebook("01-x.ipynb", [["markdown", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----"]], base);
  const error = await t.throwsAsync(exportTutorial({ notebooks: [nb], outDir: path.join(base, "out") }));
  t.regex(error!.message, /parece um segredo; nada foi escrito/);
  t.false(existsSync(path.join(base, "out", "tutorial.md")));
});
