import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { parseListing } from "../../../lib/parse/listing.js";

test("reads names, modes and sizes from the real ls -l, in both date styles, with links", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "listing-"));
  writeFileSync(path.join(dir, "cluster.env"), "A='b'\n");
  writeFileSync(path.join(dir, "hosts"), "");
  writeFileSync(path.join(dir, "with space.txt"), "x");
  symlinkSync("hosts", path.join(dir, "link"));
  for (const style of [[], ["--time-style=long-iso"]]) {
    const { stdout } = await promisify(execFile)("ls", ["-l", ...style, dir], { env: { ...process.env, LC_ALL: "C" } });
    const entries = parseListing(stdout);
    t.deepEqual(entries.map((e) => e.name).sort(), ["cluster.env", "hosts", "link", "with space.txt"]);
    t.is(entries.find((e) => e.name === "cluster.env")!.size, 6);
    t.is(entries.find((e) => e.name === "hosts")!.size, 0);
    t.is(entries.find((e) => e.name === "link")!.linkTarget, "hosts");
    t.regex(entries.find((e) => e.name === "cluster.env")!.mode!, /^-rw/);
  }
});

test("reads plain ls output (one name per line) without sizes", (t) => {
  t.deepEqual(parseListing("cluster.env\nhosts\nistio-token\n"), [{ name: "cluster.env" }, { name: "hosts" }, { name: "istio-token" }]);
});
