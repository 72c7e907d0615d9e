// The cluster daemon as a real process: arguments, control socket, SIGTERM, and a restart that keeps the cluster.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { controlRequest } from "../../../lab/cluster/control.js";
import { parseDaemonArgs } from "../../../lab/cluster/daemon.js";
import { projectRoot } from "../../../lab/paths.js";
import { kubectlPath } from "./apiserver/helpers/test-cluster.js";

const daemonJs = path.join(projectRoot(), "dist", "lab", "cluster", "daemon.js");

const startDaemon = async (state: string): Promise<{ child: ChildProcess; url: string }> => {
  const child = spawn(process.execPath, [daemonJs, "--instance", "4", "--state", state, "--listen", "127.0.0.1:0", "--api-only"], { stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^ready (\S+)/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`daemon exited with ${code}`)));
  });
  return { child, url };
};

const stopDaemon = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });

const kubectl = (state: string, args: string[]) =>
  new Promise<string>((resolve) => {
    const c = spawn(kubectlPath, args, { env: { PATH: process.env["PATH"] ?? "", KUBECONFIG: path.join(state, "kubeconfig"), KUBECACHEDIR: path.join(state, "kube-cache"), HOME: state } });
    let out = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr.on("data", (d: Buffer) => (out += d.toString()));
    c.on("close", () => resolve(out));
  });

test("rejects bad arguments in Portuguese, naming the fix", (t) => {
  t.regex(t.throws(() => parseDaemonArgs(["--instance", "99"]))!.message, /--instance precisa de um número de 0 a 15/);
  t.regex(t.throws(() => parseDaemonArgs(["--state"]))!.message, /--state precisa de uma pasta/);
  t.regex(t.throws(() => parseDaemonArgs(["--bogus"]))!.message, /opção desconhecida "--bogus"/);
  t.deepEqual(parseDaemonArgs(["--instance", "2", "--state", "/tmp/x", "--listen", "127.0.0.1:0"]), { instance: 2, stateDir: "/tmp/x", listen: [{ host: "127.0.0.1", port: 0 }] });
});

test("serves status and faults on its control socket, stops on SIGTERM and keeps the cluster across a restart", async (t) => {
  const state = await mkdtemp(path.join(os.tmpdir(), "lab-daemon-test-"));
  try {
    const first = await startDaemon(state);
    const socket = path.join(state, "run", "cluster.sock");
    const status = await controlRequest(socket, { op: "status" });
    t.true(status["ok"] as boolean);
    t.deepEqual(status["urls"], [first.url]);
    t.regex(await kubectl(state, ["create", "namespace", "legacy"]), /namespace\/legacy created/);
    t.true((await controlRequest(socket, { op: "fault-add", fault: { verb: "get", resource: "namespaces", error: { code: 503 }, times: 1 } }))["ok"] as boolean);
    t.regex(await kubectl(state, ["get", "ns", "legacy"]), /ServiceUnavailable/);
    t.regex(await kubectl(state, ["get", "ns", "legacy"]), /^legacy\s+Active/m);
    t.is(await stopDaemon(first.child), 0);
    t.false(existsSync(socket));
    t.regex(await readFile(path.join(state, "logs", "cluster.log"), "utf8"), /stopped/);
    const second = await startDaemon(state);
    t.regex(await kubectl(state, ["get", "ns", "legacy"]), /^legacy\s+Active/m);
    t.is(await stopDaemon(second.child), 0);
  } finally {
    await rm(state, { recursive: true, force: true });
  }
});
