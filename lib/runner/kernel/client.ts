// A Jupyter kernel client over ZeroMQ: starts a kernel from its spec, executes code, collects outputs as nbformat
// outputs (live, through a callback), interrupts and shuts down. Our own client (not nbclient) so that the runner can
// show progress and checks as they happen, time each cell and stop a run cleanly, all in one process.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { Dealer, Subscriber } from "zeromq";
import type { KernelSpec } from "./kernelspec.js";
import { OutputCollector, type NotebookOutput } from "./outputs.js";
import { decode, encode, newHeader, type JupyterMessage } from "./wire.js";

/** How one execution ended. */
export interface ExecuteOutcome {
  status: "ok" | "error" | "timeout" | "interrupted" | "aborted" | "dead";
  executionCount: number | null;
  outputs: NotebookOutput[];
  error?: { ename: string; evalue: string; traceback: string[] };
  durationMs: number;
}

/** Options of KernelClient.execute. */
export interface ExecuteOptions {
  timeoutMs: number;
  /** Called whenever an output is added or changed (index into the outputs). */
  onOutput?: (outputs: readonly NotebookOutput[], index: number) => void;
  /** Aborting interrupts the kernel (like Ctrl-C in Jupyter). */
  signal?: AbortSignal;
}

/** Options of KernelClient.start. */
export interface StartOptions {
  spec: KernelSpec;
  cwd: string;
  env?: Record<string, string | undefined>;
  /** How long to wait for the kernel to answer kernel_info (default 60 s). */
  startTimeoutMs?: number;
  /** Where the kernel's own stderr goes (default: discarded; a buffer keeps the last lines for errors). */
  onKernelStderr?: (text: string) => void;
}

/** What a kernel prints when one of its ports was taken between our pick and its bind. */
const PORT_TAKEN = /Address already in use|Socket is blocked by a bind or unbind operation|EADDRINUSE/;

/** The kernel could not bind a port picked for it. */
class PortTakenError extends Error {}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/** A running kernel and the client connected to it. */
export class KernelClient {
  readonly #key: string;
  readonly #session = randomUUID();
  readonly #shell: Dealer;
  readonly #control: Dealer;
  readonly #iopub: Subscriber;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #listeners = new Set<(msg: JupyterMessage) => void>();
  readonly #shellWaiters = new Map<string, (msg: JupyterMessage) => void>();
  #dead: string | undefined;
  #stderrTail = "";

  private constructor(args: { key: string; shell: Dealer; control: Dealer; iopub: Subscriber; child: ChildProcess; dir: string }) {
    this.#key = args.key;
    this.#shell = args.shell;
    this.#control = args.control;
    this.#iopub = args.iopub;
    this.#child = args.child;
    this.#dir = args.dir;
  }

  /** Starts a kernel from its spec and waits until it answers. */
  static async start(options: StartOptions): Promise<KernelClient> {
    // The ports are picked free here and bound by the kernel a moment later: another kernel starting at the same time
    // (parallel runs, --rerun's restarts) can take one first, and the kernel cannot bind it. Start again on new ports.
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelClient.#startOnce(options);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
      }
    }
  }

  static async #startOnce(options: StartOptions): Promise<KernelClient> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-kernel-"));
    const [shellPort, iopubPort, stdinPort, controlPort, hbPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const key = randomBytes(32).toString("hex");
    const connection = {
      shell_port: shellPort,
      iopub_port: iopubPort,
      stdin_port: stdinPort,
      control_port: controlPort,
      hb_port: hbPort,
      ip: "127.0.0.1",
      key,
      transport: "tcp",
      signature_scheme: "hmac-sha256",
      kernel_name: "",
    };
    const connectionFile = path.join(dir, "kernel.json");
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const [program, ...args] = options.spec.argv.map((a) => a.replace("{connection_file}", connectionFile).replace("{resource_dir}", options.spec.dir));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...options.spec.env, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(program!, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const shell = new Dealer();
    const control = new Dealer();
    const iopub = new Subscriber();
    shell.connect(`tcp://127.0.0.1:${shellPort}`);
    control.connect(`tcp://127.0.0.1:${controlPort}`);
    iopub.connect(`tcp://127.0.0.1:${iopubPort}`);
    iopub.subscribe();
    const client = new KernelClient({ key, shell, control, iopub, child, dir });
    const onStderr = (d: Buffer) => {
      const text = d.toString("utf8");
      client.#stderrTail = (client.#stderrTail + text).slice(-4000);
      options.onKernelStderr?.(text);
    };
    child.stdout?.on("data", onStderr);
    child.stderr?.on("data", onStderr);
    child.on("exit", (code, signal) => {
      client.#dead = `o kernel terminou (${signal ?? `código ${code}`})${client.#stderrTail ? `: ${client.#stderrTail.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
      for (const l of client.#listeners) l({ identities: [], header: newHeader("__dead__", ""), parent_header: {}, metadata: {}, content: {}, buffers: [] });
    });
    child.on("error", (error) => {
      client.#dead = `não foi possível iniciar o kernel (${program}): ${error.message}`;
    });
    void client.#pump();
    await client.#waitReady(options.startTimeoutMs ?? 60_000);
    return client;
  }

  /** True while the kernel process runs. */
  get alive(): boolean {
    return this.#dead === undefined;
  }

  /** The kernel process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  async #pump(): Promise<void> {
    const readShell = async () => {
      for await (const frames of this.#shell) {
        const msg = this.#decodeSafe(frames);
        const parent = msg?.parent_header.msg_id;
        if (msg && parent) this.#shellWaiters.get(parent)?.(msg);
      }
    };
    const readIopub = async () => {
      for await (const frames of this.#iopub) {
        const msg = this.#decodeSafe(frames);
        if (msg) for (const l of this.#listeners) l(msg);
      }
    };
    await Promise.all([readShell(), readIopub()]).catch(() => undefined);
  }

  #decodeSafe(frames: Buffer[]): JupyterMessage | undefined {
    try {
      return decode(this.#key, frames);
    } catch {
      return undefined;
    }
  }

  async #request(socket: Dealer, msgType: string, content: Record<string, unknown>): Promise<string> {
    const header = newHeader(msgType, this.#session);
    await socket.send(encode(this.#key, { header, parent_header: {}, metadata: {}, content }));
    return header.msg_id;
  }

  async #waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (PORT_TAKEN.test(this.#stderrTail)) {
        await this.shutdown();
        throw new PortTakenError(this.#stderrTail.trim().split("\n").slice(-2).join(" | "));
      }
      if (this.#dead) throw new Error(this.#dead);
      const id = await this.#request(this.#shell, "kernel_info_request", {});
      const reply = await new Promise<JupyterMessage | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 1000);
        this.#shellWaiters.set(id, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      });
      this.#shellWaiters.delete(id);
      if (reply) return;
    }
    await this.shutdown();
    throw new Error(`o kernel não respondeu em ${Math.round(timeoutMs / 1000)} s${this.#stderrTail ? `: ${this.#stderrTail.trim()}` : ""}`);
  }

  /** Executes code; resolves when the kernel is idle again (or on timeout, after interrupting it). */
  async execute(code: string, options: ExecuteOptions): Promise<ExecuteOutcome> {
    const started = performance.now();
    if (this.#dead) return { status: "dead", executionCount: null, outputs: [], error: { ename: "KernelDied", evalue: this.#dead, traceback: [] }, durationMs: 0 };
    const collector = new OutputCollector();
    let reply: JupyterMessage | undefined;
    let idle = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let msgId = "";
    const listener = (msg: JupyterMessage) => {
      if (msg.header.msg_type === "__dead__") return finish();
      if (msg.parent_header.msg_id !== msgId) return;
      if (msg.header.msg_type === "status") {
        if (msg.content["execution_state"] === "idle") idle = true;
      } else {
        const index = collector.apply(msg.header.msg_type, msg.content);
        if (index !== undefined) options.onOutput?.(collector.outputs, index);
      }
      if (idle && reply) finish();
    };
    this.#listeners.add(listener);
    msgId = newHeader("x", "").msg_id;
    const header = { ...newHeader("execute_request", this.#session), msg_id: msgId };
    this.#shellWaiters.set(msgId, (msg) => {
      reply = msg;
      if (idle) finish();
    });
    let timedOut = false;
    let interrupted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void this.interrupt();
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      void this.interrupt();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await this.#shell.send(
        encode(this.#key, {
          header,
          parent_header: {},
          metadata: {},
          content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        }),
      );
      // After an interrupt the kernel still replies; if it does not within 10 s of the deadline, give up on it.
      const hardStop = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if ((timedOut || interrupted) && performance.now() - started > options.timeoutMs + 10_000) {
            clearInterval(check);
            resolve();
          }
        }, 500);
        void done.then(() => clearInterval(check));
      });
      await Promise.race([done, hardStop]);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      this.#listeners.delete(listener);
      this.#shellWaiters.delete(msgId);
    }
    const content = reply?.content ?? {};
    const executionCount = typeof content["execution_count"] === "number" ? content["execution_count"] : null;
    const durationMs = Math.round(performance.now() - started);
    if (this.#dead) return { status: "dead", executionCount, outputs: collector.outputs, error: { ename: "KernelDied", evalue: this.#dead, traceback: [] }, durationMs };
    if (timedOut) return { status: "timeout", executionCount, outputs: collector.outputs, durationMs };
    if (interrupted) return { status: "interrupted", executionCount, outputs: collector.outputs, durationMs };
    // tslab refuses requests for 200 ms after an error ("abort"); ipykernel says "aborted".
    if (content["status"] === "abort" || content["status"] === "aborted") return { status: "aborted", executionCount, outputs: collector.outputs, durationMs };
    if (content["status"] === "error" || collector.outputs.some((o) => o.output_type === "error")) {
      const err = collector.outputs.find((o) => o.output_type === "error");
      const error =
        err?.output_type === "error"
          ? { ename: err.ename, evalue: err.evalue, traceback: err.traceback }
          : errorFromStderr(collector.outputs) ?? { ename: String(content["ename"] ?? "Error"), evalue: String(content["evalue"] ?? ""), traceback: (content["traceback"] as string[] | undefined) ?? [] };
      return { status: "error", executionCount, outputs: collector.outputs, error, durationMs };
    }
    return { status: "ok", executionCount, outputs: collector.outputs, durationMs };
  }

  /** Interrupts the running execution (SIGINT, Jupyter's default interrupt mode). */
  async interrupt(): Promise<void> {
    if (this.#child.pid && !this.#dead) this.#child.kill("SIGINT");
  }

  /** Asks the kernel to shut down, then makes sure its process is gone and cleans up. */
  async shutdown(): Promise<void> {
    if (!this.#dead) {
      await this.#request(this.#control, "shutdown_request", { restart: false }).catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#child.kill("SIGKILL");
          resolve();
        }, 3000);
        this.#child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        if (this.#dead) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    this.#shell.close();
    this.#control.close();
    this.#iopub.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** tslab reports an exception only as text on stderr: recover its name and message ("CheckFailure: …"). */
const errorFromStderr = (outputs: readonly NotebookOutput[]): { ename: string; evalue: string; traceback: string[] } | undefined => {
  const text = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => (o.output_type === "stream" ? o.text : "")).join("");
  if (!text) return undefined;
  const lines = text.split("\n");
  const at = lines.findIndex((l) => /^[A-Za-z_$][\w$]*(Error|Exception|Failure|Result)?: /.test(l) || /^[A-Z][\w$]*Error$/.test(l));
  if (at < 0) return { ename: "Error", evalue: lines.find((l) => l.trim()) ?? "", traceback: lines };
  const line = lines[at]!;
  const colon = line.indexOf(": ");
  const message = [colon >= 0 ? line.slice(colon + 2) : ""];
  for (const next of lines.slice(at + 1)) {
    if (/^\s+at /.test(next)) break;
    message.push(next);
  }
  return { ename: colon >= 0 ? line.slice(0, colon) : line, evalue: message.join("\n").trim(), traceback: lines };
};
