import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { quote, quoteArgv, quoteCommandWord } from "../../../lib/run/quote.js";
import { quoteCorpus } from "../../helpers/quote-corpus.js";

const SHELLS = ["/bin/dash", "/bin/bash", "/bin/sh"];

/** Runs `shell -c line` and returns its exit code, stdout and stderr. */
const runShell = (shell: string, line: string) => {
  const r = spawnSync(shell, ["-c", line], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The values a shell received, printed by `printf '%s\0' …`. */
const echoBack = (shell: string, values: string[]): string[] => {
  const r = runShell(shell, `printf '%s\\0' ${values.map(quote).join(" ")}`);
  if (r.code !== 0) throw new Error(`${shell}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.split("\0").slice(0, -1);
};

test("leaves safe words alone and single-quotes everything else", (t) => {
  t.is(quote("kubectl"), "kubectl");
  t.is(quote("/etc/certs/root-cert.pem"), "/etc/certs/root-cert.pem");
  t.is(quote("app=pegasus-pay"), "app=pegasus-pay");
  t.is(quote(""), "''");
  t.is(quote("two words"), "'two words'");
  t.is(quote("it's"), `'it'\\''s'`);
  t.is(quote("$HOME"), "'$HOME'");
});

test("refuses a NUL, which no argument can carry", (t) => {
  t.throws(() => quote("a\0b"), { instanceOf: TypeError, message: /NUL/ });
});

test("quotes a first word that a shell would read as an assignment, a reserved word or an option", (t) => {
  t.is(quoteCommandWord("A=1"), "'A=1'");
  t.is(quoteCommandWord("if"), "'if'");
  t.is(quoteCommandWord("!"), "'!'");
  t.is(quoteCommandWord("-x"), "'-x'");
  t.is(quoteCommandWord("sudo"), "sudo");
  t.is(quoteArgv(["env", "A=1", "if"]), "env A=1 if");
  t.is(quoteArgv(["A=1", "true"]), "'A=1' true");
});

for (const shell of SHELLS) {
  test(`every hostile value reaches ${shell} as one intact argument and nothing runs`, (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "quote-"));
    const canary = path.join(dir, "canary");
    const corpus = quoteCorpus(canary);
    t.deepEqual(echoBack(shell, corpus), corpus);
    t.false(existsSync(canary), "a value was executed by the shell");
  });

  test(`a quoted command word runs as that program in ${shell}, never as syntax`, (t) => {
    // Each of these would succeed (exit 0) if the shell read the first word as an assignment, a negation or a group.
    for (const argv of [["A=1", "true"], ["!", "false"], ["{", "true;", "}"], ["-c", "true"]]) {
      const r = runShell(shell, quoteArgv(argv));
      t.is(r.code, 127, `${shell} -c ${quoteArgv(argv)}: ${r.stderr}`);
    }
  });

  test(`random strings survive ${shell} byte for byte`, (t) => {
    // A deterministic generator (mulberry32) over an alphabet of shell metacharacters, whitespace and unicode.
    let seed = 0x1f2e3d4c;
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = [..."'\"`$\\!#&|;<>(){}[]*?~=%^ \t\n\r-_.,:/@+aZ09é€😀\u0001\u007f"];
    const values = Array.from({ length: 400 }, () =>
      Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
    );
    t.deepEqual(echoBack(shell, values), values);
  });
}
