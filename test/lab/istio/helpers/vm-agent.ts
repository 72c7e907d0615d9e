// A stand-in VM for the agent tests: a network namespace `ilab10-<name>` on instance 10's bridge with its own
// /etc/hosts and resolv.conf (the cloud DNS), a root folder with the files the chapter copies (istio-token, mesh,
// root-cert.pem) owned by the proxy's uid, and pilot-agent (dist/lab/istio/agent/main.js) started in it like
// istio-start.sh does: `istio-iptables` as root, then `proxy` as uid 1337 with cluster.env's variables.
import { spawn, type ChildProcess } from "node:child_process";
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { attachNetns, removeNetns } from "../../../../lab/net/netns.js";
import { plan, run, type Ran } from "./istio-lab.js";

/** The compiled agent. */
export const AGENT_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "lab", "istio", "agent", "main.js");

/** The proxy's uid in these tests (the VM's istio-proxy user). */
export const PROXY_UID = 1337;

/** Parses cluster.env (KEY='value' lines). */
export const parseClusterEnv = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => {
        const at = l.indexOf("=");
        return [l.slice(0, at), l.slice(at + 1).replace(/^'(.*)'$/, "$1")];
      }),
  );

/** A running agent process with its output, line by line. */
export class AgentProcess {
  readonly lines: string[] = [];
  private readonly exited: Promise<number | null>;
  private waiters: Array<{ re: RegExp; from: number; resolve: (l: string) => void; reject: (e: Error) => void }> = [];
  private code: number | null | undefined;

  constructor(readonly child: ChildProcess) {
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const l of parts) this.add(l);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        this.code = code;
        if (pending) this.add(pending);
        for (const w of this.waiters) w.reject(new Error(`the agent exited (${code}) before logging ${w.re}:\n${this.lines.slice(-40).join("\n")}`));
        this.waiters = [];
        resolve(code);
      }),
    );
  }

  private add(line: string): void {
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (this.lines.length - 1 >= w.from && w.re.test(line)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(line);
      }
    }
  }

  /** The first line matching `re` at or after line `from`. */
  waitForLine(re: RegExp, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    if (this.code !== undefined) return Promise.reject(new Error(`the agent already exited (${this.code}):\n${this.lines.slice(-40).join("\n")}`));
    return new Promise((resolve, reject) => this.waiters.push({ re, from, resolve, reject }));
  }

  /** Resolves with the exit code once the process ended. */
  get exit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM and wait. */
  async stop(): Promise<number | null> {
    if (this.code === undefined) this.child.kill("SIGTERM");
    return this.exited;
  }
}

/** The VM's files (what `istioctl x workload entry configure` wrote). */
export interface VmFiles {
  clusterEnv: string;
  meshYaml: string;
  istioToken: string;
  rootCert: string;
  /** The `hosts` line(s) to append to /etc/hosts ("" = none). */
  hosts: string;
}

/** Reads the five files from a configure output folder. */
export const readVmFiles = async (dir: string): Promise<VmFiles> => ({
  clusterEnv: await readFile(path.join(dir, "cluster.env"), "utf8"),
  meshYaml: await readFile(path.join(dir, "mesh.yaml"), "utf8"),
  istioToken: await readFile(path.join(dir, "istio-token"), "utf8"),
  rootCert: await readFile(path.join(dir, "root-cert.pem"), "utf8"),
  hosts: await readFile(path.join(dir, "hosts"), "utf8"),
});

/** A stand-in VM. */
export class TestVm {
  private agents: AgentProcess[] = [];
  private constructor(
    readonly netns: string,
    readonly ip: string,
    readonly root: string,
  ) {}

  /** Creates `ilab10-<name>` with `ip` (in the instance's LAN) and an empty root folder. */
  static async create(name: string, ip: string): Promise<TestVm> {
    const netns = `${plan.prefix}-${name}`;
    await removeNetns(netns);
    await attachNetns({ plan, netns, hostIf: `${plan.prefix}${name}`, addresses: [ip] });
    const root = await mkdtemp(`/tmp/${plan.prefix}-${name}-root-`);
    const vm = new TestVm(netns, ip, root);
    await vm.setHosts("");
    return vm;
  }

  /** Writes /etc/hosts (localhost + `extra`) and resolv.conf (the cloud DNS) of the namespace. */
  async setHosts(extra: string): Promise<void> {
    const dir = path.join("/etc/netns", this.netns);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "hosts"), `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${extra}`);
    await writeFile(path.join(dir, "resolv.conf"), `nameserver ${plan.cloudDns}\n`);
  }

  /** Installs the files where the chapter puts them (relative to the agent's working dir = root). */
  async install(files: VmFiles, { withToken = true, withRoot = true }: { withToken?: boolean; withRoot?: boolean } = {}): Promise<void> {
    const put = async (rel: string, text: string) => {
      const file = path.join(this.root, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    };
    if (withToken) await put("var/run/secrets/tokens/istio-token", files.istioToken);
    if (withRoot) await put("etc/certs/root-cert.pem", files.rootCert);
    await mkdir(path.join(this.root, "etc/certs"), { recursive: true });
    await put("etc/istio/config/mesh", files.meshYaml);
    await this.chownTree(this.root);
    await this.setHosts(files.hosts);
  }

  private async chownTree(dir: string): Promise<void> {
    await chown(dir, PROXY_UID, PROXY_UID);
    const { readdir } = await import("node:fs/promises");
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await this.chownTree(p);
      else await chown(p, PROXY_UID, PROXY_UID);
    }
  }

  /** The environment istio-start.sh gives the agent (cluster.env + INSTANCE_IP, POD_NAME, POD_NAMESPACE, certs dirs). */
  agentEnv(files: VmFiles, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const c = parseClusterEnv(files.clusterEnv);
    return {
      PATH: process.env["PATH"],
      ...c,
      INSTANCE_IP: this.ip,
      POD_NAME: "pegasus-vm",
      POD_NAMESPACE: c["ISTIO_NAMESPACE"] ?? "default",
      PROV_CERT: path.join(this.root, "etc/certs"),
      OUTPUT_CERTS: path.join(this.root, "etc/certs"),
      CA_ADDR: "istiod.istio-system.svc:15012",
      ...extra,
    };
  }

  /** Runs a command in the namespace as root. */
  exec(argv: readonly string[], timeoutMs = 60_000): Promise<Ran> {
    return run("ip", ["netns", "exec", this.netns, ...argv], { timeoutMs });
  }

  /** `pilot-agent istio-iptables` with cluster.env's variables, as root (istio-start.sh's capture step). */
  capture(version: string, files: VmFiles): Promise<Ran> {
    return run("ip", ["netns", "exec", this.netns, process.execPath, AGENT_MAIN, "--istio-version", version, "istio-iptables"], { env: { ...this.agentEnv(files), PROXY_UID: String(PROXY_UID) } });
  }

  /** Starts `pilot-agent proxy` as the proxy's uid in the root folder. */
  startAgent(version: string, env: NodeJS.ProcessEnv): AgentProcess {
    const child = spawn("ip", ["netns", "exec", this.netns, "setpriv", `--reuid=${PROXY_UID}`, `--regid=${PROXY_UID}`, "--clear-groups", "--", process.execPath, AGENT_MAIN, "--istio-version", version, "proxy"], {
      cwd: this.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const agent = new AgentProcess(child);
    this.agents.push(agent);
    return agent;
  }

  /** Stops the agents, removes the namespace and the root folder. */
  async destroy(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await removeNetns(this.netns);
    await rm(this.root, { recursive: true, force: true });
  }
}
