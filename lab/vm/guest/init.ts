// The lab VM's init (run by tini as PID 1's child): provisions a new disk on first boot (like cloud-init), writes
// /etc/hostname and /etc/resolv.conf, starts the enabled units (sshd among them), and stops them on SIGTERM.
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BOOT_CONFIG_PATH, BOOT_STATE_PATH, PROVISIONED_MARKER, type BootConfig } from "./boot-config.js";
import { currentState, startUnit, stopUnit } from "./systemd/manager.js";
import { enabledAtBoot, loadUnit } from "./systemd/units.js";
import { lookupUser } from "./systemd/processes.js";

const log = (line: string) => process.stdout.write(`[init] ${line}\n`);
const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });

/** First boot of a new disk: the student's user with the lab's key, passwordless sudo, the docker group, fresh host keys. */
const provision = (config: BootConfig): void => {
  log(`first boot: creating user ${config.user}`);
  if (!lookupUser(config.user)) run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", config.user]);
  // Docker's package creates the docker group; the course's VM has the user in it (Docker's post-install steps).
  run(["groupadd", "--force", "--system", "docker"]);
  run(["usermod", "--append", "--groups", "docker,adm", config.user]);
  writeFileSync("/etc/sudoers.d/90-cloud-init-users", `# Created by the lab's first boot (as cloud-init does)\n${config.user} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  for (const name of readdirSync("/etc/ssh").filter((n) => n.startsWith("ssh_host_"))) rmSync(path.join("/etc/ssh", name));
  run(["ssh-keygen", "-A"]);
  writeFileSync("/etc/hosts", `127.0.0.1\tlocalhost\n127.0.1.1\t${config.hostname}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`);
  mkdirSync(path.dirname(PROVISIONED_MARKER), { recursive: true });
  writeFileSync(PROVISIONED_MARKER, `${new Date().toISOString()}\n`);
};

/** Every boot: the lab's key in the user's authorized_keys (the cloud's "reset SSH key"), hostname, resolver. */
const configure = (config: BootConfig): void => {
  const account = lookupUser(config.user);
  if (account) {
    const sshDir = path.join(account.home, ".ssh");
    const keys = path.join(sshDir, "authorized_keys");
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const current = existsSync(keys) ? readFileSync(keys, "utf8") : "";
    if (!current.includes(config.authorizedKey.trim())) appendFileSync(keys, `${config.authorizedKey.trim()}\n`);
    chmodSync(sshDir, 0o700);
    chmodSync(keys, 0o600);
    chownSync(sshDir, account.uid, account.gid);
    chownSync(keys, account.uid, account.gid);
  }
  writeFileSync("/etc/hostname", `${config.hostname}\n`);
  // Like DHCP on a cloud VM: the resolver comes from the network at every boot, unless /etc/resolv.conf is a symlink
  // to a local resolver's file (systemd-resolved on Ubuntu), which then gets the server from the network itself.
  if (!lstatSync("/etc/resolv.conf", { throwIfNoEntry: false })?.isSymbolicLink()) {
    writeFileSync("/etc/resolv.conf", `# Generated at boot by the lab (the cloud's DHCP)\nnameserver ${config.nameserver}\n`);
  }
};

const setBootState = (state: string) => {
  mkdirSync(path.dirname(BOOT_STATE_PATH), { recursive: true });
  writeFileSync(BOOT_STATE_PATH, `${state}\n`);
};

/** Boot order: units after the ones they name in After=, otherwise alphabetical. */
const bootOrder = (names: string[]): string[] => {
  const units = new Map(names.map((n) => [n, loadUnit(n)]));
  const ordered: string[] = [];
  const visit = (n: string, seen: Set<string>) => {
    if (ordered.includes(n) || seen.has(n)) return;
    seen.add(n);
    for (const dep of units.get(n)?.after ?? []) if (units.has(dep)) visit(dep, seen);
    ordered.push(n);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
};

const io = { out: (l: string) => log(l), err: (l: string) => log(l) };
let started: string[] = [];
let shuttingDown = false;

const shutdown = async () => {
  if (shuttingDown) return;
  shuttingDown = true;
  setBootState("stopping");
  log("stopping units");
  for (const name of [...started].reverse()) {
    if (currentState(name)) await stopUnit(name, io);
  }
  log("halted");
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());

setBootState("booting");
const config = JSON.parse(readFileSync(BOOT_CONFIG_PATH, "utf8")) as BootConfig;
if (!existsSync(PROVISIONED_MARKER)) provision(config);
configure(config);
started = bootOrder(enabledAtBoot());
for (const name of started) {
  if (shuttingDown) break;
  const code = await startUnit(name, io);
  log(`${name}: ${code === 0 ? "started" : `failed to start (exit ${code})`}`);
}
setBootState("running");
log("boot finished");
// Stay alive as the session leader of the VM until SIGTERM.
setInterval(() => {}, 1 << 30);
