// A student at the workstation of a lab instance: the real kubectl with the lab's kubeconfig, the release folder's
// istioctl and samples, OpenSSH/scp to the VM as peguser with the lab's key. Every command is an argv (the VM side is
// one remote shell command, as `ssh-vm …` in the course); nothing here reaches into the lab's internals.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runProcess, SSH_OPTIONS, sshVm, testContext, eventually, type Ran } from "../../../helpers/lab-instance.js";

/** What the course calls its variables. */
export const CHAPTER = {
  vmApp: "pegasus-pay",
  vmNamespace: "legacy",
  serviceAccount: "legacy-pegasus",
  vmUser: "peguser",
} as const;

/** A student working with one Istio release. */
export class Student {
  readonly ctx = testContext();
  private constructor(
    readonly version: string,
    /** The student's WORK_DIR and where workloadgroup.yaml goes (a temp folder). */
    readonly workDir: string,
  ) {}

  /** A student with a fresh work folder. */
  static async start(version: string): Promise<Student> {
    return new Student(version, await mkdtemp(path.join(tmpdir(), `istio-vm-${version}-`)));
  }

  /** Removes the work folder. */
  async finish(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
  }

  /** The release folder (istio-<version>/), as the lab lays it out. */
  get releaseDir(): string {
    return path.join(this.ctx.paths.state, "releases", `istio-${this.version}`);
  }

  /** Where the VM downloads the sidecar package from (ISTIO_SIDECAR_BASE_URL). */
  get packageUrl(): string {
    return `http://${this.ctx.plan.gateway}/istio-release/releases/${this.version}/deb/istio-sidecar.deb`;
  }

  /** The VM's private address (VM_ADDRESS). */
  get vmAddress(): string {
    return this.ctx.plan.vmAddress;
  }

  /** `kubectl …` */
  kubectl(args: readonly string[], input?: string): Promise<Ran> {
    // The student's own discovery cache: a flow after `lab reset` meets a new cluster at the same address.
    return runProcess([path.join(this.ctx.paths.toolsBin, "kubectl"), "--kubeconfig", this.ctx.paths.kubeconfig, "--cache-dir", path.join(this.workDir, ".kube-cache"), ...args], { ...(input !== undefined ? { input } : {}), timeoutMs: 300_000 });
  }

  /** `istio-<version>/bin/istioctl …` */
  istioctl(args: readonly string[], input?: string): Promise<Ran> {
    return runProcess([path.join(this.releaseDir, "bin", "istioctl"), ...args], {
      ...(input !== undefined ? { input } : {}),
      timeoutMs: 400_000,
      env: { ...process.env, KUBECONFIG: this.ctx.paths.kubeconfig },
    });
  }

  /** `istio-<version>/samples/multicluster/gen-eastwest-gateway.sh --single-cluster | istioctl install -y -f -` */
  async eastWestGateway(): Promise<{ generate: Ran; install: Ran }> {
    const generate = await runProcess([path.join(this.releaseDir, "samples", "multicluster", "gen-eastwest-gateway.sh"), "--single-cluster"]);
    const install = await this.istioctl(["install", "-y", "-f", "-"], generate.stdout);
    return { generate, install };
  }

  /** A sample file of the release. */
  sample(relative: string): string {
    return path.join(this.releaseDir, "samples", relative);
  }

  /** `ssh-vm <command>` */
  ssh(command: string, timeoutMs = 120_000): Promise<Ran> {
    return sshVm(command, { timeoutMs });
  }

  /** `scp -i $VM_PKEY_PATH $WORK_DIR/<dir>/* peguser@$VM_PUB_ADDRESS:/home/peguser` */
  async scpToVm(dir: string): Promise<Ran> {
    const files = (await readdir(dir)).map((f) => path.join(dir, f));
    return runProcess(["scp", "-i", this.ctx.paths.sshKey, ...SSH_OPTIONS, ...files, `${CHAPTER.vmUser}@${this.ctx.plan.vmPublicAddress}:/home/${CHAPTER.vmUser}`]);
  }

  /** `kubectl exec svc/payment -c payment -- curl -s <url>` */
  curlFromPayment(url: string): Promise<Ran> {
    return this.kubectl(["exec", "svc/payment", "-c", "payment", "--", "curl", "-s", "-m", "20", url]);
  }

  /** Polls a VM command until its output matches (states that become true, never speed). */
  async vmEventually(command: string, re: RegExp, attempts = 150): Promise<Ran> {
    let last: Ran = { stdout: "", stderr: "", exitCode: -1 };
    await eventually(async () => re.test((last = await this.ssh(command)).stdout), { attempts, intervalMs: 200 });
    return last;
  }

  /** Polls a kubectl command until its output matches. */
  async kubectlEventually(args: readonly string[], re: RegExp, attempts = 150): Promise<Ran> {
    let last: Ran = { stdout: "", stderr: "", exitCode: -1 };
    await eventually(async () => re.test((last = await this.kubectl(args)).stdout), { attempts, intervalMs: 200 });
    return last;
  }
}
