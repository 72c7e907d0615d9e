import test from "ava";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RunState } from "../../../lib/params/state.js";

const fresh = () => new RunState(path.join(mkdtempSync(path.join(os.tmpdir(), "state-")), ".state", "state.json"));

test("values survive a new handle (a kernel restart reads them back)", (t) => {
  const a = fresh();
  a.set("eastwestIp", "198.18.2.11");
  const b = new RunState(a.file);
  t.is(b.get("eastwestIp"), "198.18.2.11");
});

test("overrides merge and persist", (t) => {
  const s = fresh();
  s.saveOverrides({ VM_APP: "a" });
  s.saveOverrides({ VM_USER: "u" });
  t.deepEqual(new RunState(s.file).overrides(), { VM_APP: "a", VM_USER: "u" });
});

test("the state file is private to its owner", (t) => {
  const s = fresh();
  s.set("x", 1);
  t.true(existsSync(s.file));
  t.is(statSync(s.file).mode & 0o077, 0);
});

test("reset forgets values and overrides; a missing or corrupt file reads as empty", (t) => {
  const s = fresh();
  s.set("x", 1);
  s.saveOverrides({ VM_APP: "a" });
  s.reset();
  t.is(s.get("x"), undefined);
  t.deepEqual(s.overrides(), {});
  t.is(new RunState("/nonexistent/state.json").get("x"), undefined);
});
