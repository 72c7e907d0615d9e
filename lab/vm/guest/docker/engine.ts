// The daemon's container engine: create, start (own PID/UTS/mount/network namespaces wired to docker0, published
// ports DNATed and proxied like docker-proxy), stop, remove, wait, logs. Each container's output is kept as json-file
// logs. Errors carry Docker's HTTP status and message text.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { findImage, familiarName } from "./images.js";
import { attachContainer, detachContainer, publishPort, unpublishPort, type PortMapping } from "./network.js";
import { appendLog, deleteContainer, loadContainers, saveContainer, type Container } from "./store.js";

/** An error answered with Docker's status code and message. */
export class EngineError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "EngineError";
  }
}

/** What `docker run` asks for. */
export interface CreateRequest {
  name?: string;
  image: string;
  hostname?: string;
  env: string[];
  autoRemove: boolean;
  networkMode: "default" | "host";
  ports: PortMapping[];
}

const ENTRY = "/opt/lab/guest/container-entry.sh";

const childOf = (pid: number): number | undefined => {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
};

/** Runs the VM's containers. */
export class Engine {
  private readonly containers = new Map<string, Container>();
  private readonly processes = new Map<string, ChildProcess>();
  private readonly proxies = new Map<string, net.Server[]>();
  private readonly exitWaiters = new Map<string, Array<(code: number) => void>>();
  /** Each running container's exit handling (cleanup, --rm), awaited on shutdown. */
  private readonly exits = new Map<string, Promise<void>>();

  /** Loads records; containers that were running before the daemon (or the VM) stopped are exited now; `--rm` ones go. */
  load(): void {
    for (const c of loadContainers()) {
      if (c.State.Running) {
        c.State = { ...c.State, Status: "exited", Running: false, Pid: 0, ExitCode: 255, FinishedAt: new Date().toISOString() };
        if (c.HostConfig.AutoRemove) {
          deleteContainer(c.Id);
          continue;
        }
        saveContainer(c);
      }
      this.containers.set(c.Id, c);
    }
  }

  /** Every container (running first, newest first). */
  list(all: boolean): Container[] {
    return [...this.containers.values()].filter((c) => all || c.State.Running).sort((a, b) => b.Created.localeCompare(a.Created));
  }

  /** Finds by full id, unique id prefix, or name. */
  find(ref: string): Container {
    const name = ref.replace(/^\//, "");
    const byName = [...this.containers.values()].find((c) => c.Name === `/${name}`);
    if (byName) return byName;
    const byId = [...this.containers.values()].filter((c) => c.Id.startsWith(ref));
    if (byId.length === 1 && ref.length > 0) return byId[0]!;
    throw new EngineError(404, `No such container: ${ref}`);
  }

  create(request: CreateRequest): { container: Container; warnings: string[] } {
    const image = findImage(request.image);
    if (!image) throw new EngineError(404, `No such image: ${familiarName(request.image)}`);
    if (request.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(request.name)) {
      throw new EngineError(400, `Invalid container name (${request.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const id = randomBytes(32).toString("hex");
    const name = request.name ?? `lab_${id.slice(0, 8)}`;
    const existing = [...this.containers.values()].find((c) => c.Name === `/${name}`);
    if (existing) {
      throw new EngineError(
        409,
        `Conflict. The container name "/${name}" is already in use by container "${existing.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const warnings = request.networkMode === "host" && request.ports.length ? ["Published ports are discarded when using host network mode"] : [];
    const container: Container = {
      Id: id,
      Name: `/${name}`,
      Image: request.image,
      ImageId: image.id,
      Created: new Date().toISOString(),
      Config: { Hostname: request.hostname ?? id.slice(0, 12), Env: [...image.env, `HOSTNAME=${request.hostname ?? id.slice(0, 12)}`, ...request.env], Cmd: image.command, DisplayCommand: image.displayCommand },
      HostConfig: { AutoRemove: request.autoRemove, NetworkMode: request.networkMode, PortBindings: request.networkMode === "host" ? [] : request.ports },
      State: { Status: "created", Running: false, Pid: 0, ExitCode: 0, StartedAt: "0001-01-01T00:00:00Z", FinishedAt: "0001-01-01T00:00:00Z" },
      NetworkSettings: { IPAddress: "", Veth: "" },
    };
    this.containers.set(id, container);
    saveContainer(container);
    return { container, warnings };
  }

  private allocateAddress(): string {
    const used = new Set([...this.containers.values()].filter((c) => c.State.Running).map((c) => c.NetworkSettings.IPAddress));
    for (let n = 2; n < 65_000; n++) {
      const ip = `172.17.${Math.floor(n / 256)}.${n % 256}`;
      if (n % 256 !== 0 && n % 256 !== 255 && !used.has(ip)) return ip;
    }
    throw new EngineError(500, "no available IPv4 addresses on this network's address pools: bridge");
  }

  private async listenProxies(c: Container): Promise<net.Server[]> {
    const servers: net.Server[] = [];
    try {
      for (const p of c.HostConfig.PortBindings) {
        if (p.protocol !== "tcp") continue;
        const server = net.createServer((client) => {
          const upstream = net.connect(p.containerPort, c.NetworkSettings.IPAddress);
          client.pipe(upstream).pipe(client);
          const close = () => {
            client.destroy();
            upstream.destroy();
          };
          client.on("error", close);
          upstream.on("error", close);
        });
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(p.hostPort, p.hostIp || "0.0.0.0", () => resolve());
        });
        servers.push(server);
      }
    } catch (error) {
      for (const s of servers) s.close();
      const p = c.HostConfig.PortBindings[servers.length]!;
      throw new EngineError(
        500,
        `driver failed programming external connectivity on endpoint ${c.Name.slice(1)} (${c.Id.slice(0, 64)}): Error starting userland proxy: listen tcp4 ${p.hostIp || "0.0.0.0"}:${p.hostPort}: bind: ${(error as NodeJS.ErrnoException).code === "EADDRINUSE" ? "address already in use" : (error as Error).message}`,
      );
    }
    return servers;
  }

  async start(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.State.Running) return;
    for (const p of c.HostConfig.PortBindings) {
      const holder = [...this.containers.values()].find(
        (o) => o.State.Running && o.HostConfig.PortBindings.some((q) => q.hostPort === p.hostPort && q.protocol === p.protocol),
      );
      if (holder) {
        throw new EngineError(500, `driver failed programming external connectivity on endpoint ${c.Name.slice(1)} (${c.Id}): Bind for ${p.hostIp || "0.0.0.0"}:${p.hostPort} failed: port is already allocated`);
      }
    }
    const bridged = c.HostConfig.NetworkMode === "default";
    const namespaces = ["--pid", "--uts", "--mount", "--mount-proc", "--fork", "--kill-child", ...(bridged ? ["--net"] : [])];
    const child = spawn("unshare", [...namespaces, "--", "/bin/sh", ENTRY, c.Config.Hostname, "/usr/bin/tini", "-s", "--", ...c.Config.Cmd], {
      env: Object.fromEntries(c.Config.Env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])),
      stdio: ["pipe", "pipe", "pipe"],
      cwd: "/",
    });
    const pid = child.pid;
    if (!pid) throw new EngineError(500, "failed to create task for container: unshare could not start");
    const capture = (stream: NodeJS.ReadableStream, name: "stdout" | "stderr") => {
      let pending = "";
      stream.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) appendLog(c.Id, name, `${line}\n`);
      });
      stream.on("end", () => {
        if (pending) appendLog(c.Id, name, pending);
      });
    };
    capture(child.stdout!, "stdout");
    capture(child.stderr!, "stderr");
    child.stdin!.on("error", () => undefined); // a container that ends before reading its "go" must not crash dockerd
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    // unshare creates the namespaces, then forks the container's init (which waits on stdin): once that child exists,
    // /proc/<unshare pid>/ns/net is the container's network namespace and can be wired.
    let initPid: number | undefined;
    for (let i = 0; i < 500 && !initPid && child.exitCode === null; i++) {
      initPid = childOf(pid);
      if (!initPid) await sleep(10);
    }
    try {
      if (!initPid) throw new EngineError(500, "failed to create task for container: the container's namespaces were not created");
      if (bridged) {
        const ip = this.allocateAddress();
        const veth = `veth${randomBytes(4).toString("hex").slice(0, 7)}`;
        c.NetworkSettings = { IPAddress: ip, Veth: veth };
        attachContainer(pid, ip, veth);
        this.proxies.set(c.Id, await this.listenProxies(c));
        for (const p of c.HostConfig.PortBindings) publishPort(ip, p);
      }
    } catch (error) {
      child.kill("SIGKILL");
      await exited;
      this.cleanupNetwork(c);
      c.NetworkSettings = { IPAddress: "", Veth: "" };
      if (c.HostConfig.AutoRemove) {
        this.containers.delete(c.Id);
        deleteContainer(c.Id);
      } else saveContainer(c);
      throw error instanceof EngineError ? error : new EngineError(500, `failed to set up container networking: ${(error as Error).message}`);
    }
    child.stdin!.end("go\n");
    c.State = { Status: "running", Running: true, Pid: initPid ?? pid, ExitCode: 0, StartedAt: new Date().toISOString(), FinishedAt: "0001-01-01T00:00:00Z" };
    this.processes.set(c.Id, child);
    saveContainer(c);
    this.exits.set(c.Id, exited.then(({ code, signal }) => this.onExit(c.Id, code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 0))));
  }

  private cleanupNetwork(c: Container): void {
    for (const server of this.proxies.get(c.Id) ?? []) server.close();
    this.proxies.delete(c.Id);
    if (c.NetworkSettings.IPAddress) for (const p of c.HostConfig.PortBindings) unpublishPort(c.NetworkSettings.IPAddress, p);
    if (c.NetworkSettings.Veth) detachContainer(c.NetworkSettings.Veth);
  }

  private onExit(id: string, code: number): void {
    const c = this.containers.get(id);
    this.processes.delete(id);
    this.exits.delete(id);
    if (!c) return;
    this.cleanupNetwork(c);
    c.State = { ...c.State, Status: "exited", Running: false, Pid: 0, ExitCode: code, FinishedAt: new Date().toISOString() };
    c.NetworkSettings = { IPAddress: "", Veth: "" };
    if (c.HostConfig.AutoRemove) {
      this.containers.delete(id);
      deleteContainer(id);
    } else saveContainer(c);
    for (const resolve of this.exitWaiters.get(id) ?? []) resolve(code);
    this.exitWaiters.delete(id);
  }

  /** Resolves with the exit code once the container stops (at once when it is not running). */
  wait(ref: string): Promise<number> {
    const c = this.find(ref);
    if (!c.State.Running) return Promise.resolve(c.State.ExitCode);
    return new Promise((resolve) => this.exitWaiters.set(c.Id, [...(this.exitWaiters.get(c.Id) ?? []), resolve]));
  }

  /** True when a container with that id is running. */
  isRunning(id: string): boolean {
    return this.containers.get(id)?.State.Running === true;
  }

  /** SIGTERM to the container's init, SIGKILL after `timeoutSeconds`; resolves when it has stopped. */
  async stop(ref: string, timeoutSeconds = 10): Promise<void> {
    const c = this.find(ref);
    if (!c.State.Running) return;
    const done = this.wait(c.Id);
    this.signal(c, "SIGTERM");
    const killed = await Promise.race([done.then(() => false), sleep(timeoutSeconds * 1000).then(() => true)]);
    if (killed) this.signal(c, "SIGKILL");
    await done;
  }

  private signal(c: Container, sig: NodeJS.Signals): void {
    const targets = [c.State.Pid, this.processes.get(c.Id)?.pid].filter((p): p is number => !!p);
    for (const pid of sig === "SIGKILL" ? targets : targets.slice(0, 1)) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  }

  /** Removes a container (`force` kills a running one first). */
  async remove(ref: string, force: boolean): Promise<void> {
    const c = this.find(ref);
    if (c.State.Running) {
      if (!force) {
        throw new EngineError(409, `You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`);
      }
      const done = this.wait(c.Id);
      this.signal(c, "SIGKILL");
      await done;
    }
    this.containers.delete(c.Id);
    deleteContainer(c.Id);
  }

  /** Stops every running container (daemon shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.containers.values()].filter((c) => c.State.Running).map((c) => this.stop(c.Id, 10)));
    await Promise.all(this.exits.values());
  }
}

