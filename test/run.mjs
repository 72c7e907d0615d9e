#!/usr/bin/env node
// Runs the ava suite with its own reporter visible, then ends with one summary line: `N passed, N failed`.
import { spawn } from "node:child_process";

const child = spawn("npx", ["ava", ...process.argv.slice(2)], { stdio: ["inherit", "pipe", "pipe"] });
let tail = "";
const keep = (chunk) => {
  tail = (tail + chunk.toString("utf8")).slice(-20000);
};
child.stdout.on("data", (d) => (process.stdout.write(d), keep(d)));
child.stderr.on("data", (d) => (process.stderr.write(d), keep(d)));
child.on("close", (code) => {
  const count = (re) => [...tail.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const passed = count(/(\d+) tests? passed/g);
  const failed = count(/(\d+) tests? failed/g) + count(/(\d+) uncaught exceptions?/g) + count(/(\d+) unhandled rejections?/g);
  const timedOut = /Timed out while running tests/.test(tail) ? 1 : 0;
  console.log(`${passed} passed, ${failed + timedOut} failed`);
  process.exit(code ?? 1);
});
