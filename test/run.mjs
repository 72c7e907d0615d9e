#!/usr/bin/env node
// Runs the ava suite with its own reporter visible, then ends with one summary line: `N passed, N failed`.
// ava prints "N tests passed" only when nothing failed, so the line counts the reporter's ✔ and ✘ lines, and adds
// uncaught exceptions, unhandled rejections and a timeout as failures.
import { spawn } from "node:child_process";

const child = spawn("npx", ["ava", ...process.argv.slice(2)], { stdio: ["inherit", "pipe", "pipe"] });
let passed = 0;
let failed = 0;
let summary = "";
let pending = "";
let details = false;
const scan = (chunk) => {
  const text = pending + chunk.toString("utf8");
  const lines = text.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    // The per-test lines come first; after ava's first "─" separator come failure details, which may quote ✔/✘
    // lines of the programs under test: only the per-test lines count.
    if (/^\s*─\s*$/.test(line)) details = true;
    if (!details && /^\s*✔ /.test(line)) passed++;
    else if (!details && /^\s*✘ \[/.test(line)) failed++;
    summary = (summary + line + "\n").slice(-20000);
  }
};
child.stdout.on("data", (d) => (process.stdout.write(d), scan(d)));
child.stderr.on("data", (d) => (process.stderr.write(d), scan(d)));
child.on("close", (code) => {
  scan("\n");
  const count = (re) => [...summary.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const extra = count(/(\d+) uncaught exceptions?/g) + count(/(\d+) unhandled rejections?/g) + (/Timed out while running tests/.test(summary) ? 1 : 0);
  const reported = count(/(\d+) tests? failed/g);
  // A failed hook or a crashed worker fails the run without a ✘ line: never report 0 failed for a failing exit.
  let failures = Math.max(failed, reported) + extra;
  if (code !== 0 && failures === 0) failures = 1;
  console.log(`${passed} passed, ${failures} failed`);
  process.exit(code ?? 1);
});
