// `journalctl` inside the lab VM: a stand-in reading the service manager's per-unit journal (/run/lab-systemd/journal,
// volatile like a journal without /var/log/journal) for `-u UNIT`, `-n N`, `-f`, and the usual `-x`/`-e`/`--no-pager`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { STATE_DIR, journalPath } from "./systemd/state.js";
import { unitName } from "./systemd/units.js";

const err = (line: string) => process.stderr.write(`${line}\n`);

/** Parsed options. */
interface Options {
  units: string[];
  lines?: number;
  follow: boolean;
}

const parse = (argv: string[]): Options => {
  const options: Options = { units: [], follow: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const takeValue = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`journalctl (laboratório): a opção ${arg} precisa de um valor`);
      return value;
    };
    if (arg === "-u" || arg === "--unit") options.units.push(unitName(takeValue()));
    else if (arg.startsWith("--unit=")) options.units.push(unitName(arg.slice(7)));
    else if (arg === "-n" || arg === "--lines") options.lines = Number(takeValue());
    else if (arg.startsWith("--lines=")) options.lines = Number(arg.slice(8));
    else if (arg === "-f" || arg === "--follow") options.follow = true;
    else if (["-x", "-e", "--no-pager", "-q", "--quiet", "-l", "--full"].includes(arg)) continue;
    else if (/^-[xefqlu]+$/.test(arg)) {
      // bundled short flags such as -xeu UNIT or -fu UNIT
      if (arg.includes("f")) options.follow = true;
      if (arg.endsWith("u")) options.units.push(unitName(takeValue()));
    } else {
      throw new Error(
        `journalctl (laboratório): a opção ${arg} não é suportada pelo journal desta VM; use journalctl [-u UNIDADE] [-n N] [-f] (o journal guarda só a saída das unidades iniciadas pelo systemctl do laboratório)`,
      );
    }
  }
  return options;
};

const files = (units: string[]): string[] => {
  if (units.length) return units.map((u) => journalPath(u));
  const dir = path.join(STATE_DIR, "journal");
  return existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : [];
};

const read = (file: string): string[] => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

const main = async (argv: string[]): Promise<number> => {
  const options = parse(argv);
  const sources = files(options.units);
  // Lines start with the same-year "Mon DD HH:MM:SS" stamp: a stable sort by it merges the units.
  let lines = sources.flatMap(read).map((line, i) => ({ line, i })).sort((a, b) => a.line.slice(0, 15).localeCompare(b.line.slice(0, 15)) || a.i - b.i).map((x) => x.line);
  if (options.lines !== undefined) lines = lines.slice(-options.lines);
  if (lines.length === 0 && !options.follow) process.stdout.write("-- No entries --\n");
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (!options.follow) return 0;
  const sizes = new Map(sources.map((f) => [f, existsSync(f) ? statSync(f).size : 0]));
  for (;;) {
    await sleep(200);
    for (const file of sources) {
      const size = existsSync(file) ? statSync(file).size : 0;
      const before = sizes.get(file) ?? 0;
      if (size > before) process.stdout.write(readFileSync(file).subarray(before, size).toString("utf8"));
      sizes.set(file, size);
    }
  }
};

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});
process.on("SIGINT", () => process.exit(0));
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  err((error as Error).message);
  process.exitCode = 1;
}
