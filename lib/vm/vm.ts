// The VM as notebook cells use it (`rb.vm…`): one object over the remote shell with every helper of this folder.
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import { dockerIsRunning, dockerLogs, dockerRemove, dockerRun, dockerStop, type DockerRunOptions } from "./docker.js";
import { appendLineOnce, copyTo, fileExists, installFile, mkdirP, readFile, tail, type CopyToOptions, type InstallFileOptions } from "./files.js";
import { forgetHostKey, knownHostKey } from "./host-keys.js";
import { curlFromVm, downloadOnVm, type CurlOptions } from "./http.js";
import { pingFromVm, tcpProbe } from "./network.js";
import { dpkgInstall, dpkgInstalled, dpkgRemove } from "./packages.js";
import { isActive, isEnabled, systemctl, type SystemctlAction } from "./services.js";
import { VmShell, type SshCommand, type VmShellOptions } from "./shell.js";
import { envoyAdmin, envoyClusters, envoyReady, envoyStats, sidecarReady } from "./sidecar-admin.js";
import { canSudo, requireSudo } from "./sudo.js";

/** Options of Vm (the session, and optionally the SSH connect timeout and extra trusted known_hosts files). */
export type VmOptions = VmShellOptions;

/** The VM over SSH: commands, files, services, packages, HTTP, the sidecar's admin API, connectivity probes, Docker. */
export class Vm {
  readonly shell: VmShell;

  constructor(options: VmOptions) {
    this.shell = new VmShell(options);
  }

  /** The session this VM's commands run in. */
  get session(): Session {
    return this.shell.session;
  }

  /** Runs a command on the VM (`ssh-vm …`). */
  ssh(command: SshCommand): Promise<CommandResult> {
    return this.shell.ssh(command);
  }
  /** Runs a command on the VM as root (`ssh-vm sudo …`). */
  sudo(command: Omit<SshCommand, "sudo">): Promise<CommandResult> {
    return this.shell.ssh({ ...command, sudo: true });
  }
  /** Whether VM_USER has passwordless sudo (`sudo -n true`). */
  canSudo() {
    return canSudo(this.shell);
  }
  /** Throws InputError in Portuguese unless VM_USER has passwordless sudo. */
  requireSudo() {
    return requireSudo(this.shell);
  }

  /** Copies local files (or a folder's files) to the VM with scp; default destination /home/<VM_USER>. */
  copyTo(options: CopyToOptions) {
    return copyTo(this.shell, options);
  }
  /** `sudo mkdir -p PATH` on the VM. */
  mkdirP(options: { path: string; sudo?: boolean }) {
    return mkdirP(this.shell, options);
  }
  /** `sudo cp FROM TO` on the VM, then chown/chmod when asked. */
  installFile(options: InstallFileOptions) {
    return installFile(this.shell, options);
  }
  /** Appends a line to a root-owned file on the VM only if that exact line is absent. */
  appendLineOnce(options: { file: string; line: string }) {
    return appendLineOnce(this.shell, options);
  }
  /** A file's content on the VM. */
  readFile(options: { path: string; sudo?: boolean }) {
    return readFile(this.shell, options);
  }
  /** The last lines of a file on the VM. */
  tail(options: { file: string; lines?: number; sudo?: boolean }) {
    return tail(this.shell, options);
  }
  /** Whether a path exists on the VM. */
  fileExists(options: { path: string; sudo?: boolean }) {
    return fileExists(this.shell, options);
  }

  /** `systemctl ACTION UNIT` on the VM (sudo for changes). */
  systemctl(options: { action: SystemctlAction; unit?: string }) {
    return systemctl(this.shell, options);
  }
  /** `systemctl is-active UNIT`. */
  isActive(options: { unit: string }) {
    return isActive(this.shell, options);
  }
  /** `systemctl is-enabled UNIT`. */
  isEnabled(options: { unit: string }) {
    return isEnabled(this.shell, options);
  }

  /** Whether a Debian package is installed on the VM. */
  dpkgInstalled(options: { pkg: string }) {
    return dpkgInstalled(this.shell, options);
  }
  /** `sudo dpkg -i FILE.deb` on the VM. */
  dpkgInstall(options: { file: string; timeoutMs?: number }) {
    return dpkgInstall(this.shell, options);
  }
  /** `sudo dpkg -r PKG` (or -P with purge). */
  dpkgRemove(options: { pkg: string; purge?: boolean }) {
    return dpkgRemove(this.shell, options);
  }

  /** An HTTP request from the VM: status and body as values. */
  curl(options: CurlOptions) {
    return curlFromVm(this.shell, options);
  }
  /** Downloads a URL to a file on the VM (curl -fL -o). */
  download(options: { url: string; dest?: string; timeoutMs?: number }) {
    return downloadOnVm(this.shell, options);
  }

  /** GET a path of Envoy's admin API on the VM (localhost:15000). */
  envoyAdmin(options: { path: string }) {
    return envoyAdmin(this.shell, options);
  }
  /** Envoy's clusters on the VM, optionally only lines containing `grep`. */
  envoyClusters(options: { grep?: string } = {}) {
    return envoyClusters(this.shell, options);
  }
  /** Envoy's /ready on the VM. */
  envoyReady() {
    return envoyReady(this.shell);
  }
  /** Envoy's /stats on the VM, parsed. */
  envoyStats(options: { filter?: string } = {}) {
    return envoyStats(this.shell, options);
  }
  /** The sidecar's readiness (localhost:15021/healthz/ready). */
  sidecarReady() {
    return sidecarReady(this.shell);
  }

  /** Pings a host from the VM. */
  ping(options: { host: string; count?: number; timeoutSeconds?: number }) {
    return pingFromVm(this.shell, options);
  }
  /** Probes a TCP port from the VM (nc -vz). */
  tcpProbe(options: { host: string; port: number; timeoutSeconds?: number }) {
    return tcpProbe(this.shell, options);
  }

  /** `docker run …` on the VM. */
  dockerRun(options: DockerRunOptions) {
    return dockerRun(this.shell, options);
  }
  /** `docker logs NAME` on the VM. */
  dockerLogs(options: { name: string; tail?: number; sudo?: boolean }) {
    return dockerLogs(this.shell, options);
  }
  /** `docker stop NAME` on the VM. */
  dockerStop(options: { name: string; sudo?: boolean }) {
    return dockerStop(this.shell, options);
  }
  /** `docker rm -f NAME` on the VM (a missing container is not an error). */
  dockerRemove(options: { name: string; sudo?: boolean }) {
    return dockerRemove(this.shell, options);
  }
  /** Whether a container is running on the VM. */
  dockerIsRunning(options: { name: string; sudo?: boolean }) {
    return dockerIsRunning(this.shell, options);
  }

  /** The VM's trusted host key fingerprints in SSH_KNOWN_HOSTS. */
  knownHostKey() {
    return knownHostKey(this.shell);
  }
  /** Forgets the VM's host key in SSH_KNOWN_HOSTS (after confirming the VM was recreated). */
  forgetHostKey() {
    return forgetHostKey(this.shell);
  }
}
