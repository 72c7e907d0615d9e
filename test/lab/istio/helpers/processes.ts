// Long-running processes of the tests (the proxy, apps, DNS servers) inside a network namespace, as a given uid, with
// their output captured line by line and waits on log lines (events, not timers).
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, writeFile, chmod, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ProxyConfig } from "../../../../lab/istio/proxy/config.js";
import { resolveOrigDstAddonPath } from "../../../../lab/native/origdst.js";
import { proxyArgv } from "../../../../lab/istio/proxy/command.js";

/** dist/ root of the compiled project (this file is dist/test/lab/istio/helpers/processes.js). */
const sharedDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** A private copy of the compiled lab and fixtures for the processes this test file starts: other people rebuild the
 * shared dist/ while tests run, and a half-written module would crash a proxy at start. */
export const distRoot = (() => {
  const dir = mkdtempSync("/tmp/ilab8-dist-");
  chmodSync(dir, 0o755); // the proxy runs as the proxy's uid
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(sharedDist, "lab"), path.join(dir, "lab"), { recursive: true });
  cpSync(path.join(sharedDist, "test", "lab", "istio"), path.join(dir, "test", "lab", "istio"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  return dir;
})();

/** Every process the tests started, killed (by pid) if the test worker exits without stopping them (a timeout). */
const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** A process started in a namespace. */
export class NsProcess {
  readonly lines: string[] = [];
  private waiters: { re: RegExp; from: number; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    started.add(child);
    child.once("exit", () => started.delete(child));
    let pending = "";
    const onChunk = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) this.addLine(line);
    };
    child.stdout?.on("data", onChunk);
    child.stderr?.on("data", onChunk);
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => {
        this.exitCode = code;
        if (pending) this.addLine(pending);
        for (const w of this.waiters) w.reject(new Error(`${label} exited (${code}) before logging ${w.re}:\n${this.lines.slice(-30).join("\n")}`));
        this.waiters = [];
        resolve(code);
      });
    });
  }

  private addLine(line: string): void {
    this.lines.push(line);
    const index = this.lines.length - 1;
    for (const w of [...this.waiters]) {
      if (index >= w.from && w.re.test(line)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(line);
      }
    }
  }

  /** Resolves with the first line matching `re` logged at or after line `from` (default: any line so far). */
  waitForLine(re: RegExp, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    if (this.exitCode !== undefined) return Promise.reject(new Error(`${this.label} already exited (${this.exitCode}):\n${this.lines.slice(-30).join("\n")}`));
    return new Promise((resolve, reject) => this.waiters.push({ re, from, resolve, reject }));
  }

  /** Sends a signal. */
  signal(sig: NodeJS.Signals): void {
    if (this.exitCode === undefined) this.child.kill(sig);
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  async stop(): Promise<number | null> {
    this.signal("SIGTERM");
    return this.exited;
  }
}

/** Starts argv inside `netns` (ip netns exec, so /etc/netns/<ns>/ files apply), as `uid` when given. */
export const startInNetns = (label: string, netns: string, argv: readonly string[], uid?: number): NsProcess => {
  const asUser = uid === undefined ? [] : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--"];
  const child = spawn("ip", ["netns", "exec", netns, ...asUser, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  return new NsProcess(label, child);
};

/** The proxy process with its snapshot file. */
export class ProxyProcess {
  private constructor(
    readonly proc: NsProcess,
    private readonly snapshotFile: string,
  ) {}

  /** Starts dist/lab/istio/proxy/main.js in `netns` as `uid` and waits until its listeners are up. */
  static async start({
    netns,
    istioVersion,
    config,
    uid = 1337,
    dnsNamespace,
    resolvConf,
    accessLog = true,
  }: {
    netns: string;
    istioVersion: string;
    config?: ProxyConfig;
    uid?: number;
    dnsNamespace?: string;
    resolvConf?: string;
    accessLog?: boolean;
  }): Promise<ProxyProcess> {
    const dir = await mkdtemp(path.join(tmpdir(), "ilab8-proxy-"));
    await chmod(dir, 0o755);
    const snapshotFile = path.join(dir, "snapshot.json");
    if (config) await writeFile(snapshotFile, JSON.stringify(config), { mode: 0o644 });
    const args = proxyArgv(
      { istioVersion, snapshot: snapshotFile, addon: resolveOrigDstAddonPath(), dnsNamespace, resolvConf, accessLog },
      { node: "node", main: path.join(distRoot, "lab", "istio", "proxy", "main.js") },
    );
    const proc = startInNetns(`proxy(${netns})`, netns, args, uid);
    await proc.waitForLine(config ? /all dependencies initialized\. starting workers/ : /starting main dispatch loop/);
    return new ProxyProcess(proc, snapshotFile);
  }

  /** Replaces the snapshot (file + SIGHUP, like a config push) and waits until the proxy applied it. */
  async update(config: ProxyConfig): Promise<void> {
    const from = this.proc.lines.length;
    const listening = this.proc.lines.some((l) => l.includes("starting workers"));
    await writeFile(this.snapshotFile, JSON.stringify(config), { mode: 0o644 });
    this.proc.signal("SIGHUP");
    await this.proc.waitForLine(/\tenvoy upstream\tcds: /, from);
    if (!listening) await this.proc.waitForLine(/starting workers/, from);
  }

  /** Stops the proxy and removes its snapshot folder; returns its exit code. */
  async stop(): Promise<number | null> {
    const code = await this.proc.stop();
    await rm(path.dirname(this.snapshotFile), { recursive: true, force: true });
    return code;
  }
}
