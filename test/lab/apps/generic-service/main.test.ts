// The standalone program, run as a real process (compiled, and bundled into one file with Node built-ins only).
import test from "ava";
import { build } from "esbuild";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { builtinModules } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../../../lab/paths.js";
import { request } from "./helpers.js";

const mainJs = path.join(projectRoot(), "dist", "lab", "apps", "generic-service", "main.js");

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const run = (script: string, args: string[], env: Record<string, string> = {}, cwd?: string): Running => {
  const [command, argv] = script.endsWith("/ip") ? [script, args] : [process.execPath, [script, ...args]];
  const child = spawn(command, argv, { env: { PATH: process.env["PATH"] ?? "", TZ: "UTC", ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
};

// Resolves once stderr satisfies `done` (or rejects if the process ends first).
const untilStderr = (running: Running, done: (stderr: string) => boolean): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = (): void => (done(running.stderr()) ? resolve() : undefined);
    running.child.stderr?.on("data", check);
    void running.exited.then(() => (done(running.stderr()) ? resolve() : reject(new Error(`exited early:\n${running.stderr()}`))));
    check();
  });

// Resolves with the listening URL once the "Uvicorn running on" line is out (or rejects if the process ends first).
const listening = (running: Running): Promise<string> =>
  new Promise((resolve, reject) => {
    const check = (): void => {
      const match = /Uvicorn running on (http:\/\/\S+) /.exec(running.stderr());
      if (match?.[1]) resolve(match[1]);
    };
    running.child.stderr?.on("data", check);
    void running.exited.then(() => reject(new Error(`exited early:\n${running.stderr()}`)));
    check();
  });

test("the program serves on the given address, logs like the original and exits 0 on SIGTERM", async (t) => {
  const running = run(mainJs, ["--host", "127.0.0.1", "--port=0", "--workers", "1"], { APP: "pegasus-pay", VERSION: "v1" });
  t.teardown(() => running.child.kill("SIGKILL"));
  const url = await listening(running);
  const reply = await request(`${url}/healthz`);
  t.like(JSON.parse(reply.body), { name: "status", description: "health", app: "pegasus-pay", version: "v1" });
  running.child.kill("SIGTERM");
  const { code, signal } = await running.exited;
  t.is(code, 0);
  t.is(signal, null);
  const pid = running.child.pid ?? 0;
  t.regex(running.stdout(), /^INFO: {5}127\.0\.0\.1:\d+ - "GET \/healthz HTTP\/1\.1" 200 OK\n$/);
  const stderr = running.stderr().trimEnd().split("\n");
  t.is(stderr[1], `INFO:     Started parent process [${pid}]`);
  t.is(stderr.at(-1), `INFO:     Stopping parent process [${pid}]`);
  t.true(stderr.includes("INFO:     Shutting down"));
});

const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0 ? test : test.skip;

// Port 8000 may be taken on the host, so the default address is checked inside a network namespace of our own.
asRoot("without flags it listens on 0.0.0.0:8000 with two workers, like the image's CMD", async (t) => {
  const netns = `ilab3-gs${process.pid}`;
  await exec("ip", ["netns", "add", netns]);
  t.teardown(() => exec("ip", ["netns", "del", netns]).then(() => undefined));
  await exec("ip", ["-n", netns, "link", "set", "lo", "up"]);
  await exec("ip", ["-n", netns, "addr", "add", "198.18.48.77/32", "dev", "lo"]);
  const running = run("/usr/sbin/ip", ["netns", "exec", netns, process.execPath, mainJs], { APP: "pegasus-pay" });
  t.teardown(() => running.child.kill("SIGKILL"));
  t.is(await listening(running), "http://0.0.0.0:8000");
  const startups = (stderr: string): number => stderr.split("\n").filter((line) => line === "INFO:     Application startup complete.").length;
  await untilStderr(running, (stderr) => startups(stderr) >= 2);
  t.is(startups(running.stderr()), 2);
  const { stdout } = await exec("ip", ["netns", "exec", netns, "curl", "-s", "http://198.18.48.77:8000/healthz"]);
  t.like(JSON.parse(stdout), { name: "status", app: "pegasus-pay" });
  running.child.kill("SIGTERM");
  t.is((await running.exited).code, 0);
});

test("--help lists the flags and their defaults in Portuguese", async (t) => {
  const help = run(mainJs, ["--help"]);
  t.is((await help.exited).code, 0);
  t.regex(help.stdout(), /--port +porta de escuta \(padrão 8000\)/);
  t.regex(help.stdout(), /--host +endereço de escuta \(padrão 0\.0\.0\.0\)/);
  t.regex(help.stdout(), /padrão 2, como a imagem original/);
});

test("a bad SCHED_CALL_INTERVAL ends the program with status 1 and a Portuguese message, listening on nothing", async (t) => {
  const running = run(mainJs, ["--host", "127.0.0.1", "--port", "0"], { SCHED_CALL_INTERVAL: "5m" });
  t.is((await running.exited).code, 1);
  t.regex(running.stderr(), /^SCHED_CALL_INTERVAL inválido: "5m" não é um número inteiro de segundos\./);
  t.false(running.stderr().includes("Uvicorn running"));
});

test("an unknown flag ends the program with status 2 and names the accepted ones", async (t) => {
  const running = run(mainJs, ["--reload"]);
  t.is((await running.exited).code, 2);
  t.regex(running.stderr(), /^Opção desconhecida: "--reload"\. As opções aceitas são --host, --port e --workers\./);
});

test("a port in use ends the program with uvicorn's error line and status 1", async (t) => {
  const first = run(mainJs, ["--host", "127.0.0.1", "--port", "0", "--workers", "1"]);
  t.teardown(() => first.child.kill("SIGKILL"));
  const port = new URL(await listening(first)).port;
  const second = run(mainJs, ["--host", "127.0.0.1", "--port", port]);
  t.is((await second.exited).code, 1);
  t.regex(second.stderr(), /^ERROR: {4}\[Errno 98\] Address already in use\nA porta \d+ já está em uso/);
  first.child.kill("SIGTERM");
  t.is((await first.exited).code, 0);
});

test("bundled into one file it needs only Node.js built-ins and runs outside the project", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "generic-service-bundle-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const outfile = path.join(dir, "generic-service.mjs");
  const result = await build({ entryPoints: [mainJs], outfile, bundle: true, platform: "node", format: "esm", target: "node20", metafile: true, logLevel: "silent" });
  const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  t.true(imports.length > 0);
  t.deepEqual(imports.filter((name) => !builtins.has(name)), []);
  const inputs = Object.keys(result.metafile.inputs);
  t.deepEqual(inputs.filter((input) => !input.includes("dist/lab/apps/generic-service/")), []);

  const running = run(outfile, ["--host", "127.0.0.1", "--port", "0", "--workers", "1"], { APP: "bundled" }, dir);
  t.teardown(() => running.child.kill("SIGKILL"));
  const url = await listening(running);
  t.like(JSON.parse((await request(`${url}/`)).body), { name: "greetings", app: "bundled" });
  running.child.kill("SIGTERM");
  t.is((await running.exited).code, 0);
});
