// The istioctl stand-in's entry: `istio-<version>/bin/istioctl` runs it with ISTIOCTL_LAB_RELEASE=<version>. Builds the
// release's command tree and exits with istioctl's code (0; 1 for errors; 64 for an unknown command).
import { readFileSync, readSync } from "node:fs";
import path from "node:path";
import { RELEASE_ENV } from "../release/launcher.js";
import { releaseFacts } from "../release/versions.js";
import { executeCommand, type Io } from "./cli/command.js";
import { rootCommand } from "./commands/root.js";

/** Reads one line from fd 0 byte by byte, so nothing after it is consumed (Go's fmt.Scanln). */
const readLineFromStdin = (): string | undefined => {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
      n = 0;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString("utf8") : undefined;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString("utf8").replace(/\r$/, "");
    bytes.push(one[0]!);
  }
};

/** The process's Io. */
export const processIo = (): Io => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readLine: readLineFromStdin,
  readAll: () => {
    try {
      return readFileSync(0, "utf8");
    } catch {
      return "";
    }
  },
  env: process.env,
});

/** Runs istioctl for `version` with argv; resolves to the exit code. */
export const runIstioctl = async (version: string, argv: readonly string[], io: Io = processIo()): Promise<number> => executeCommand(rootCommand(releaseFacts(version), io.env), argv, io);

const main = async (): Promise<void> => {
  const version = process.env[RELEASE_ENV];
  if (!version) {
    process.stderr.write(`erro: ${RELEASE_ENV} não está definida; rode o istioctl pela pasta da distribuição (istio-<versão>/bin/istioctl)\n`);
    process.exitCode = 1;
    return;
  }
  const code = await runIstioctl(version, process.argv.slice(2));
  // Let stdout/stderr drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
  process.exit(code);
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
