// One pod's life on the node: sandbox, init containers in order, containers with restarts and back-off, probes,
// status reporting, and graceful termination. The Kubelet owns one PodWorker per pod.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, type ClusterApi, type KubeObject } from "../contracts.js";
import type { LabNetPlan } from "../../net/plan.js";
import { Backoff } from "./backoff.js";
import { clusterCaBundle, CORE, requestPodToken } from "./cluster-calls.js";
import { ContainerStartError, startContainerProcess, type RunningContainer } from "./container-process.js";
import { buildContainerEnv, ContainerConfigError, expandVars } from "./env.js";
import type { EventRecorder } from "./events.js";
import { startExecSession } from "./exec-session.js";
import { IMAGE_PATH, type ImageCatalog, type ImageProgram } from "./images.js";
import type { PodIpam } from "./ipam.js";
import { containerLogDir, ContainerLogWriter } from "./logs.js";
import { podHostsFile, podResolvConf, type PodDnsSettings } from "./pod-files.js";
import { probeTiming, runProbe } from "./probes.js";
import { createSandbox, destroySandbox, sandboxNames, writeServiceAccountFiles, type PodSandbox } from "./sandbox.js";
import { podStatus, type ContainerState, type ContainerView, type PodView } from "./status.js";

/** Called when a pod's network namespace is ready (before init containers, and again before the app containers) and
 * when it is gone: how the ClusterIP rules reach every pod. */
export interface PodNetworkHooks {
  podNetworkReady(netns: string): Promise<void>;
  podNetworkGone(netns: string): Promise<void>;
}

/** Everything a PodWorker shares with the Kubelet. */
export interface KubeletContext {
  api: ClusterApi;
  plan: LabNetPlan;
  nodeName: string;
  /** `<state>/kubelet`: sandboxes and IPAM. */
  stateDir: string;
  runDir: string;
  logsDir: string;
  images: ImageCatalog;
  ipam: PodIpam;
  events: EventRecorder;
  backoff: Backoff;
  network: PodNetworkHooks;
  dns: PodDnsSettings;
  node: { cpu: number; memoryBytes: number };
  /** Images pulled so far (IfNotPresent skips the pull). */
  pulled: Set<string>;
  log(line: string): void;
}

/** The kubelet's record of one container of the pod. */
interface ContainerSlot extends ContainerView {
  spec: any;
  init: boolean;
  program?: ImageProgram;
  proc?: RunningContainer;
  /** Last env used to start it (exec reuses it). */
  env?: Map<string, string>;
  /** Set when a liveness/startup probe failure asked for a restart. */
  killedByProbe?: boolean;
}

const newContainerId = () => `containerd://${randomBytes(32).toString("hex")}`;

/** Runs one pod on the node. */
export class PodWorker {
  private pod: KubeObject;
  private sandbox?: PodSandbox;
  private readonly slots: { init: ContainerSlot[]; containers: ContainerSlot[] };
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();
  private statusDirty = false;
  private statusRunning?: Promise<void>;
  private startTime?: string;
  private gone = false;
  private terminal = false;
  private tokenRefresh?: NodeJS.Timeout;
  /** Resolves when the pod has been torn down. */
  private finished?: Promise<void>;

  constructor(private readonly ctx: KubeletContext, pod: KubeObject) {
    this.pod = pod;
    const hasInit = (pod.spec?.initContainers ?? []).length > 0;
    const slot = (spec: any, init: boolean): ContainerSlot => ({
      name: spec.name,
      spec,
      init,
      sidecar: init && spec.restartPolicy === "Always",
      image: spec.image,
      imageID: "",
      restartCount: 0,
      state: { waiting: { reason: init ? "PodInitializing" : hasInit ? "PodInitializing" : "ContainerCreating" } },
      lastState: {},
      ready: false,
      started: false,
    });
    this.slots = {
      init: (pod.spec?.initContainers ?? []).map((c: any) => slot(c, true)),
      containers: (pod.spec?.containers ?? []).map((c: any) => slot(c, false)),
    };
  }

  /** The pod's namespace/name. */
  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** The pod's network namespace (once the sandbox exists). */
  get netns(): string | undefined {
    return this.sandbox?.netns;
  }

  /** Takes a newer version of the pod object (labels, deletionTimestamp). */
  observe(pod: KubeObject): void {
    this.pod = { ...pod, status: this.pod.status && pod.status ? { ...pod.status } : pod.status };
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.catch((error) => this.ctx.log(`${this.key}: ${String((error as Error)?.stack ?? error)}`)) as Promise<T>;
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
    return p;
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch {
      // aborted: the pod is going away
    }
  }

  private event(type: "Normal" | "Warning", reason: string, message: string, slot?: ContainerSlot): Promise<void> {
    const fieldPath = slot ? `spec.${slot.init ? "initContainers" : "containers"}{${slot.name}}` : undefined;
    return this.ctx.events.record(this.pod, type, reason, message, { fieldPath });
  }

  /** Starts the pod's life in the background. */
  start(): void {
    this.track(this.run());
  }

  private async run(): Promise<void> {
    if (!(await this.setUpSandbox())) return;
    for (const slot of this.slots.init) {
      if (this.stopping) return;
      if (slot.sidecar) {
        this.track(this.containerLoop(slot));
        while (!slot.started && !this.stopping) await this.wait(100);
        continue;
      }
      const ok = await this.runInitContainer(slot);
      if (!ok) return;
    }
    if (this.stopping) return;
    await this.ctx.network.podNetworkReady(this.sandbox!.netns);
    for (const slot of this.slots.containers) {
      slot.state = { waiting: { reason: "ContainerCreating" } };
      this.track(this.containerLoop(slot));
    }
    this.requestStatus();
  }

  private async setUpSandbox(): Promise<boolean> {
    const { plan, stateDir, runDir } = this.ctx;
    const uid = this.pod.metadata.uid!;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const ip = await this.ctx.ipam.allocate(uid);
        const dir = path.join(stateDir, "pods", uid);
        // a sandbox left by an earlier daemon is replaced, like after a node reboot
        await destroySandbox({ plan, runDir, podUid: uid, dir });
        const automount = this.pod.spec?.automountServiceAccountToken !== false;
        const sa = automount ? await this.serviceAccountFiles() : undefined;
        this.sandbox = await createSandbox({
          plan,
          dir,
          runDir,
          podUid: uid,
          ip,
          files: {
            hosts: podHostsFile(this.pod, ip, this.ctx.dns.clusterDomain),
            resolvConf: podResolvConf(this.pod, this.ctx.dns),
            hostname: this.pod.spec?.hostname ?? this.pod.metadata.name,
          },
          serviceAccount: sa,
        });
        if (sa) this.scheduleTokenRefresh();
        this.startTime ??= new Date().toISOString();
        await this.ctx.network.podNetworkReady(this.sandbox.netns);
        this.requestStatus();
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message.startsWith("MountVolume")) await this.event("Warning", "FailedMount", message);
        else await this.event("Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${message}`);
        this.ctx.log(`${this.key}: sandbox: ${error instanceof Error ? error.stack : message}`);
        await this.wait(Math.min(10_000 * (attempt + 1), 60_000));
      }
    }
    return false;
  }

  private async serviceAccountFiles() {
    const ns = this.pod.metadata.namespace ?? "default";
    const serviceAccount = this.pod.spec?.serviceAccountName ?? "default";
    try {
      const { token } = await requestPodToken(this.ctx.api, { namespace: ns, serviceAccount, pod: this.pod });
      return { token, caCrt: await clusterCaBundle(this.ctx.api, ns), namespace: ns };
    } catch (error) {
      throw new Error(`MountVolume.SetUp failed for volume "kube-api-access-${this.ctx.plan.prefix}" : failed to fetch token: ${(error as Error).message}`);
    }
  }

  /** Refreshes the token at 80 % of its life, like the kubelet's projected volumes. */
  private scheduleTokenRefresh(): void {
    this.tokenRefresh = setTimeout(() => {
      void this.track(
        (async () => {
          if (this.stopping || !this.sandbox) return;
          try {
            await writeServiceAccountFiles(this.sandbox, await this.serviceAccountFiles());
          } finally {
            if (!this.stopping) this.scheduleTokenRefresh();
          }
        })(),
      );
    }, 0.8 * 3607 * 1000);
    this.tokenRefresh.unref();
  }

  /** Resolves the image like a pull; waits in ErrImagePull/ImagePullBackOff while it cannot. */
  private async pull(slot: ContainerSlot): Promise<ImageProgram | undefined> {
    const policy: string = slot.spec.imagePullPolicy ?? (/:latest$|^[^:@]+$/.test(slot.spec.image.split("/").pop() ?? "") ? "Always" : "IfNotPresent");
    const backoffKey = `${this.pod.metadata.uid}_${slot.spec.image}`;
    while (!this.stopping) {
      const found = this.ctx.images.lookup(slot.spec.image);
      if (found.ok && policy !== "Always" && this.ctx.pulled.has(found.ref.normalized)) {
        await this.event("Normal", "Pulled", `Container image "${slot.spec.image}" already present on machine`, slot);
      } else if (found.ok && policy === "Never" && !this.ctx.pulled.has(found.ref.normalized)) {
        slot.state = { waiting: { reason: "ErrImageNeverPull", message: `Container image "${slot.spec.image}" is not present with pull policy of Never` } };
        await this.event("Warning", "ErrImageNeverPull", `Container image "${slot.spec.image}" is not present with pull policy of Never`, slot);
        this.requestStatus();
        await this.wait(60_000);
        continue;
      } else if (found.ok) {
        await this.event("Normal", "Pulling", `Pulling image "${slot.spec.image}"`, slot);
        const started = Date.now();
        this.ctx.pulled.add(found.ref.normalized);
        const took = `${Date.now() - started + 1}ms`;
        await this.event("Normal", "Pulled", `Successfully pulled image "${slot.spec.image}" in ${took} (${took} including waiting). Image size: ${found.program.sizeBytes} bytes.`, slot);
      }
      if (found.ok) {
        this.ctx.backoff.reset(backoffKey);
        slot.image = found.ref.normalized;
        slot.imageID = found.imageId;
        return found.program;
      }
      if (found.reason === "InvalidImageName") {
        slot.state = { waiting: { reason: "InvalidImageName", message: found.message } };
        await this.event("Warning", "InspectFailed", found.message, slot);
        await this.event("Warning", "Failed", "Error: InvalidImageName", slot);
        this.requestStatus();
        await this.wait(60_000);
        continue;
      }
      await this.event("Normal", "Pulling", `Pulling image "${slot.spec.image}"`, slot);
      await this.event("Warning", "Failed", `Failed to pull image "${slot.spec.image}": ${found.message}`, slot);
      await this.event("Warning", "Failed", "Error: ErrImagePull", slot);
      slot.state = { waiting: { reason: "ErrImagePull", message: found.message } };
      this.requestStatus();
      const delay = Math.max(this.ctx.backoff.next(backoffKey), 10_000);
      await this.wait(1000);
      if (this.stopping) break;
      slot.state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${slot.spec.image}"` } };
      await this.event("Normal", "BackOff", `Back-off pulling image "${slot.spec.image}"`, slot);
      await this.event("Warning", "Failed", "Error: ImagePullBackOff", slot);
      this.requestStatus();
      await this.wait(delay - 1000);
    }
    return undefined;
  }

  private async envSources() {
    const ns = this.pod.metadata.namespace ?? "default";
    const services = await this.ctx.api.list(CORE.services, { namespace: ns });
    let masterService: KubeObject | undefined;
    try {
      masterService = await this.ctx.api.get(CORE.services, "kubernetes", "default");
    } catch {
      masterService = undefined;
    }
    const getter = (type: typeof CORE.configmaps | typeof CORE.secrets) => async (namespace: string, name: string) => {
      try {
        return await this.ctx.api.get(type, name, namespace);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return undefined;
        throw error;
      }
    };
    return { services, masterService, configMap: getter(CORE.configmaps), secret: getter(CORE.secrets), node: this.ctx.node };
  }

  private securityContext(slot: ContainerSlot): { runAsUser?: number; runAsGroup?: number; supplementalGroups?: number[] } {
    const pod = this.pod.spec?.securityContext ?? {};
    const c = slot.spec.securityContext ?? {};
    return {
      runAsUser: c.runAsUser ?? pod.runAsUser,
      runAsGroup: c.runAsGroup ?? pod.runAsGroup,
      supplementalGroups: pod.supplementalGroups,
    };
  }

  /** Starts one instance of the container; returns its process, or undefined after recording why it could not start. */
  private async startInstance(slot: ContainerSlot): Promise<RunningContainer | undefined> {
    const program = slot.program!;
    let env: Map<string, string>;
    try {
      env = await buildContainerEnv(this.pod, slot.spec, await this.envSources(), { PATH: IMAGE_PATH, ...program.env });
    } catch (error) {
      if (!(error instanceof ContainerConfigError)) throw error;
      slot.state = { waiting: { reason: "CreateContainerConfigError", message: error.message } };
      await this.event("Warning", "Failed", `Error: ${error.message}`, slot);
      this.requestStatus();
      return undefined;
    }
    env.set("HOSTNAME", this.pod.spec?.hostname ?? this.pod.metadata.name);
    if (!env.has("HOME")) env.set("HOME", (this.securityContext(slot).runAsUser ?? 0) === 0 ? "/root" : "/");
    const command: string[] = slot.spec.command ?? [...program.entrypoint];
    const args: string[] = slot.spec.args ?? (slot.spec.command ? [] : [...program.cmd]);
    const argv = [...command, ...args].map((a) => expandVars(String(a), env));
    const containerID = newContainerId();
    const log = await ContainerLogWriter.open(this.logDir(slot.name), slot.restartCount);
    const sc = this.securityContext(slot);
    try {
      const proc = await startContainerProcess({
        sandbox: this.sandbox!,
        argv,
        env,
        workingDir: slot.spec.workingDir ?? "/",
        ...sc,
        log,
        runDir: this.ctx.runDir,
        recordName: `kubelet-${this.sandbox!.short}-${slot.init ? "init-" : ""}${slot.name}`,
      });
      slot.env = env;
      slot.containerID = containerID;
      await this.event("Normal", "Created", `Created container: ${slot.name}`, slot);
      await this.event("Normal", "Started", `Started container ${slot.name}`, slot);
      slot.state = { running: { startedAt: proc.startedAt } };
      slot.started = !slot.spec.startupProbe;
      slot.ready = !slot.spec.readinessProbe && (!slot.init || Boolean(slot.sidecar));
      this.requestStatus();
      return proc;
    } catch (error) {
      await log.close();
      if (!(error instanceof ContainerStartError)) throw error;
      const now = new Date().toISOString();
      slot.containerID = containerID;
      slot.state = { terminated: { exitCode: 128, reason: "StartError", message: error.message, startedAt: "1970-01-01T00:00:00Z", finishedAt: now, containerID } };
      await this.event("Normal", "Created", `Created container: ${slot.name}`, slot);
      await this.event("Warning", "Failed", `Error: ${error.message}`, slot);
      this.requestStatus();
      return undefined;
    }
  }

  private logDir(container: string): string {
    const m = this.pod.metadata;
    return containerLogDir(this.ctx.logsDir, { namespace: m.namespace ?? "default", name: m.name, uid: m.uid! }, container);
  }

  /** Waits for the instance's end and records it as the container's terminated state. */
  private async finishInstance(slot: ContainerSlot, proc: RunningContainer): Promise<void> {
    const exit = await proc.exited;
    slot.proc = undefined;
    slot.ready = false;
    const reason = slot.killedByProbe ? "Error" : exit.exitCode === 0 ? "Completed" : "Error";
    slot.state = {
      terminated: {
        exitCode: exit.exitCode,
        reason,
        startedAt: proc.startedAt,
        finishedAt: exit.finishedAt,
        containerID: slot.containerID,
      },
    };
    slot.killedByProbe = false;
    this.requestStatus();
  }

  /** Runs an init container until it succeeds; false when the pod cannot go on (restartPolicy Never, or stopping). */
  private async runInitContainer(slot: ContainerSlot): Promise<boolean> {
    const backoffKey = `${this.pod.metadata.uid}_${slot.name}`;
    while (!this.stopping) {
      slot.program ??= await this.pull(slot);
      if (!slot.program) return false;
      const proc = await this.startInstance(slot);
      if (proc) {
        slot.proc = proc;
        await this.finishInstance(slot, proc);
        if ("terminated" in slot.state && slot.state.terminated.exitCode === 0) return true;
      } else if ("waiting" in slot.state) {
        await this.wait(10_000);
        continue;
      }
      if (this.stopping || this.pod.spec?.restartPolicy === "Never") {
        this.requestStatus();
        return false;
      }
      await this.backOffRestart(slot, backoffKey);
    }
    return false;
  }

  private async backOffRestart(slot: ContainerSlot, backoffKey: string): Promise<void> {
    const delay = this.ctx.backoff.next(backoffKey);
    slot.lastState = slot.state;
    if (delay > 0) {
      const msg = `back-off ${Math.round(delay / 1000)}s restarting failed container=${slot.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})`;
      slot.state = { waiting: { reason: "CrashLoopBackOff", message: msg } };
      await this.event("Warning", "BackOff", `Back-off restarting failed container ${slot.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})`, slot);
      this.requestStatus();
      await this.wait(delay);
    }
    if (!this.stopping) slot.restartCount++;
  }

  /** An app container (or native sidecar): start, watch probes, restart per restartPolicy. */
  private async containerLoop(slot: ContainerSlot): Promise<void> {
    const backoffKey = `${this.pod.metadata.uid}_${slot.name}`;
    const policy: string = slot.sidecar ? "Always" : this.pod.spec?.restartPolicy ?? "Always";
    while (!this.stopping) {
      slot.program ??= await this.pull(slot);
      if (!slot.program) return;
      if (this.stopping) return;
      const proc = await this.startInstance(slot);
      if (!proc && "waiting" in slot.state) {
        await this.wait(10_000);
        continue;
      }
      if (proc) {
        slot.proc = proc;
        const probing = this.track(this.probeLoop(slot, proc));
        await this.finishInstance(slot, proc);
        await probing;
      }
      if (this.stopping) return;
      const exitCode = "terminated" in slot.state ? slot.state.terminated.exitCode : 1;
      if (policy === "Never" || (policy === "OnFailure" && exitCode === 0)) return;
      await this.backOffRestart(slot, backoffKey);
    }
  }

  /** Startup, readiness and liveness probes of one running instance. */
  private async probeLoop(slot: ContainerSlot, proc: RunningContainer): Promise<void> {
    const alive = () => slot.proc === proc && !this.stopping;
    const spec = slot.spec;
    const probeOnce = (probe: any) =>
      runProbe(probe, {
        podIp: this.sandbox!.ip,
        containerPorts: spec.ports ?? [],
        exec: async (command, timeoutMs) => {
          const session = await this.exec({ container: slot.name, command, stdin: false, tty: false, initToo: slot.init });
          const out: Buffer[] = [];
          session.onStdout((c) => out.push(c));
          session.onStderr((c) => out.push(c));
          const timer = setTimeout(() => session.kill(), timeoutMs);
          const { exitCode } = await session.exited;
          clearTimeout(timer);
          return { exitCode: exitCode ?? 1, output: Buffer.concat(out).toString() };
        },
      });
    const loop = async (kind: "Startup" | "Readiness" | "Liveness", probe: any, onResult: (ok: boolean, flipped: boolean) => Promise<boolean>) => {
      const t = probeTiming(probe);
      await this.wait(t.initialDelayMs);
      let successes = 0;
      let failures = 0;
      let state: boolean | undefined;
      while (alive()) {
        const r = await probeOnce(probe);
        if (!alive()) return;
        if (r.ok) (successes++, (failures = 0));
        else {
          failures++;
          successes = 0;
          await this.event("Warning", "Unhealthy", `${kind} probe failed: ${r.message.replace(/^Probe failed: /, "")}`, slot);
        }
        let next = state;
        if (r.ok && successes >= t.successThreshold) next = true;
        if (!r.ok && failures >= t.failureThreshold) next = false;
        if (next !== undefined) {
          const flipped = next !== state;
          state = next;
          if (!(await onResult(next, flipped))) return;
        }
        await this.wait(t.periodMs);
      }
    };
    const kill = async (why: string) => {
      slot.killedByProbe = true;
      await this.event("Normal", "Killing", `Container ${slot.name} ${why}, will be restarted`, slot);
      await this.stopInstance(slot, proc);
    };
    if (spec.startupProbe) {
      await loop("Startup", spec.startupProbe, async (ok) => {
        if (ok) {
          slot.started = true;
          this.requestStatus();
          return false;
        }
        await kill("failed startup probe");
        return false;
      });
      if (!slot.started) return;
    }
    const loops: Promise<void>[] = [];
    if (spec.readinessProbe) {
      loops.push(
        loop("Readiness", spec.readinessProbe, async (ok, flipped) => {
          if (flipped) {
            slot.ready = ok;
            this.requestStatus();
          }
          return true;
        }),
      );
    }
    if (spec.livenessProbe) {
      loops.push(
        loop("Liveness", spec.livenessProbe, async (ok) => {
          if (ok) return true;
          await kill("failed liveness probe");
          return false;
        }),
      );
    }
    await Promise.all(loops);
  }

  /** SIGTERM, the grace period, then SIGKILL; resolves when the instance is gone. */
  private async stopInstance(slot: ContainerSlot, proc: RunningContainer, graceMs = (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000): Promise<void> {
    proc.signal("SIGTERM");
    const timer = setTimeout(() => proc.signal("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }

  private view(): PodView {
    return {
      sandboxReady: Boolean(this.sandbox) && !this.gone,
      podIp: this.sandbox?.ip,
      hostIp: this.ctx.plan.gateway,
      startTime: this.startTime,
      init: this.slots.init,
      containers: this.slots.containers,
      terminated: this.terminal,
    };
  }

  /** Asks for a status write; writes are serialized and coalesced. */
  requestStatus(): void {
    this.statusDirty = true;
    if (this.statusRunning) return;
    this.statusRunning = this.track(
      (async () => {
        while (this.statusDirty && !this.gone) {
          this.statusDirty = false;
          await this.writeStatus();
        }
      })().finally(() => {
        this.statusRunning = undefined;
      }),
    );
  }

  private async writeStatus(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const current = await this.ctx.api.get(CORE.pods, this.pod.metadata.name, this.pod.metadata.namespace);
        if (current.metadata.uid !== this.pod.metadata.uid) return;
        const status = podStatus(current, this.view());
        const written = await this.ctx.api.updateStatus(CORE.pods, { ...current, status });
        this.pod = { ...written };
        return;
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return;
        if (!(error instanceof ApiError && error.code === 409)) throw error;
      }
    }
  }

  /** Stops every container (grace period from the deletion or the spec), tears the sandbox down, releases the IP. */
  terminate(graceSeconds?: number): Promise<void> {
    this.finished ??= (async () => {
      const graceMs = (graceSeconds ?? this.pod.metadata["deletionGracePeriodSeconds"] as number | undefined ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      this.abort.abort();
      if (this.tokenRefresh) clearTimeout(this.tokenRefresh);
      const running = [...this.slots.containers, ...this.slots.init].filter((s) => s.proc);
      await Promise.all(
        running.map(async (s) => {
          await this.event("Normal", "Killing", `Stopping container ${s.name}`, s);
          await this.stopInstance(s, s.proc!, graceMs);
        }),
      );
      while (this.tasks.size) await Promise.all([...this.tasks]);
      // the terminal phase goes to the API before the pod's deletion is completed
      for (const s of [...this.slots.init, ...this.slots.containers]) {
        if ("waiting" in s.state) s.state = { terminated: { exitCode: 137, reason: "ContainerStatusUnknown", message: "The container could not be located when the pod was terminated", finishedAt: new Date().toISOString() } };
        s.ready = false;
      }
      this.terminal = true;
      await this.writeStatus().catch((e) => this.ctx.log(`${this.key}: final status: ${String(e?.message ?? e)}`));
      this.gone = true;
      const uid = this.pod.metadata.uid!;
      const netns = sandboxNames(this.ctx.plan, uid).netns;
      await this.ctx.network.podNetworkGone(netns);
      await destroySandbox({ plan: this.ctx.plan, runDir: this.ctx.runDir, podUid: uid, dir: path.join(this.ctx.stateDir, "pods", uid) });
      await this.ctx.ipam.release(uid);
      for (const s of [...this.slots.init, ...this.slots.containers]) this.ctx.backoff.reset(`${uid}_${s.name}`);
      this.ctx.events.forget(uid);
    })();
    return this.finished;
  }

  /** The container `name` (app or sidecar) with its running process, for exec and logs. */
  container(name: string, { initToo = true } = {}): ContainerSlot | undefined {
    return [...this.slots.containers, ...(initToo ? this.slots.init : [])].find((s) => s.name === name);
  }

  /** All container names, app containers first. */
  containerNames(): string[] {
    return [...this.slots.containers, ...this.slots.init].map((s) => s.name);
  }

  /** Starts `command` in the namespaces of the pod with the environment and user of `container`. */
  async exec({ container, command, stdin, tty, initToo = false }: { container: string; command: string[]; stdin: boolean; tty: boolean; initToo?: boolean }) {
    const slot = this.container(container, { initToo: true });
    if (!slot || (slot.init && !slot.sidecar && !initToo)) {
      throw new ApiError(400, "BadRequest", `container ${container} is not valid for pod ${this.pod.metadata.name}`);
    }
    if (!slot.proc || !this.sandbox) {
      throw new ApiError(400, "BadRequest", `unable to upgrade connection: container not found ("${container}")`);
    }
    const sc = this.securityContext(slot);
    return startExecSession({
      sandbox: this.sandbox,
      env: slot.env ?? new Map([["PATH", IMAGE_PATH]]),
      workingDir: slot.spec.workingDir ?? "/",
      runAsUser: sc.runAsUser,
      runAsGroup: sc.runAsGroup,
      command,
      stdin,
      tty,
    });
  }

  /** The log file of the current or previous instance of `container`, and whether it is still being written. */
  logTarget(container: string, previous: boolean): { file: string; active: () => boolean } | { error: ApiError } {
    const slot = this.container(container);
    const podName = this.pod.metadata.name;
    if (!slot) return { error: new ApiError(400, "BadRequest", `container ${container} is not valid for pod ${podName}`) };
    if (previous) {
      if (slot.restartCount === 0 || (!("terminated" in slot.lastState) && !("running" in slot.state) && !("terminated" in slot.state))) {
        return { error: new ApiError(400, "BadRequest", `previous terminated container "${container}" in pod "${podName}" not found`) };
      }
      const instance = "running" in slot.state || "terminated" in slot.state ? slot.restartCount - 1 : slot.restartCount - 1;
      return { file: path.join(this.logDir(container), `${instance}.log`), active: () => false };
    }
    if ("waiting" in slot.state && !("terminated" in slot.lastState)) {
      return { error: new ApiError(400, "BadRequest", `container "${container}" in pod "${podName}" is waiting to start: ${slot.state.waiting.reason}`) };
    }
    const instance = "waiting" in slot.state ? slot.restartCount - 1 : slot.restartCount;
    const proc = slot.proc;
    return { file: path.join(this.logDir(container), `${Math.max(instance, 0)}.log`), active: () => Boolean(proc) && slot.proc === proc };
  }

  /** The states of the containers (for tests and `lab status`). */
  containerStates(): Record<string, ContainerState> {
    return Object.fromEntries([...this.slots.init, ...this.slots.containers].map((s) => [s.name, s.state]));
  }
}
