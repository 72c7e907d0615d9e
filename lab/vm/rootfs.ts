// The VM's disk image: a Debian rootfs made by debootstrap and cached under `<cache>/rootfs/<key>/`, where the key is
// the sha256 of suite, mirror and sorted package list; a new list means a new image. Built in a temp folder and
// renamed into place, so a half-built image is never used. It is the state of a fresh cloud VM: no Istio, no istio-proxy.
import { createHash } from "node:crypto";
import { access, mkdir, readdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { acquireLock } from "../host/lock.js";
import { removeTree } from "../host/tree.js";
import { processStartTime } from "../host/pidfile.js";
import { debianMirror } from "./apt-sources.js";
import { debootstrap } from "./debootstrap.js";

/** Debian release of the VM. */
export const VM_SUITE = "bookworm";

/** Packages installed on top of minbase: what a small cloud VM image has, plus what the course uses on the VM. */
export const VM_PACKAGES: readonly string[] = [
  "openssh-server", // ssh-vm, scp (sftp-server comes with it)
  "sudo",
  "curl",
  "iproute2", // ip, ss; the sidecar package depends on it
  "iptables", // the sidecar package depends on it; the docker stand-in programs NAT with it
  "iputils-ping",
  "procps", // ps, kill, pgrep
  "ca-certificates",
  "dnsutils", // nslookup, dig (the course's DNS troubleshooting)
  "netcat-openbsd", // nc (the course's connectivity checks)
  "telnet", // `telnet <ip> 15012` (the course's connectivity checks)
  "tini", // the VM's PID 1 and the containers' init
  "less",
  "nano",
  // `python3 -m http.server` (the course's Python 2 `SimpleHTTPServer` is gone from current images, as on a real VM).
  "python3",
  "hostname", // `hostname -I`/`--all-ip-addresses` (istio-start.sh)
  "libstdc++6", // the lab's Node.js runtime (bind-mounted at /opt/lab) links it
];

/** Cache key of an image: sha256 of suite, mirror and the sorted, de-duplicated package list. */
export const rootfsKey = ({ suite, mirror, packages }: { suite: string; mirror: string; packages: readonly string[] }): string =>
  createHash("sha256")
    .update(`${suite}\n${mirror}\n${[...new Set(packages)].sort().join(",")}\n`)
    .digest("hex");

/** Builds an image into `target` (an empty folder that exists). */
export type RootfsBuilder = (request: {
  target: string;
  suite: string;
  mirror: string;
  packages: readonly string[];
  logFile: string;
  onProgress: (line: string) => void;
}) => Promise<void>;

/** Options of ensureRootfs. */
export interface RootfsOptions {
  /** The lab's cache folder (LabPaths.cache). */
  cache: string;
  suite?: string;
  /** Debian mirror; default: $LAB_DEBIAN_MIRROR or the one apt uses here. */
  mirror?: string;
  packages?: readonly string[];
  onProgress?: (line: string) => void;
  /** How to build a missing image (default: debootstrap). */
  build?: RootfsBuilder;
}

/** A ready image. */
export interface Rootfs {
  dir: string;
  key: string;
  /** True when this call built it (false: it came from the cache). */
  built: boolean;
}

const exists = async (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

const defaultBuild: RootfsBuilder = async ({ onProgress, ...request }) => {
  if (!(await exists("/usr/sbin/debootstrap")) && !(await exists("/usr/bin/debootstrap"))) {
    throw new Error("o debootstrap não está instalado e é ele que cria o disco da VM: rode `apt-get install -y debootstrap` e tente de novo");
  }
  await debootstrap({ ...request, onProgress });
};

/** Removes temp build folders left by builds whose process is gone (`.build-<key>-<pid>`). */
const removeStaleBuilds = async (root: string): Promise<void> => {
  for (const name of await readdir(root)) {
    const match = /^\.build-[0-9a-f]{64}-(\d+)$/.exec(name);
    if (match && (await processStartTime(Number(match[1]))) === undefined) await removeTree(path.join(root, name));
  }
};

/** Returns the cached image for the package list, building it (with progress lines) when it is missing. */
export const ensureRootfs = async ({
  cache,
  suite = VM_SUITE,
  mirror,
  packages = VM_PACKAGES,
  onProgress = () => {},
  build = defaultBuild,
}: RootfsOptions): Promise<Rootfs> => {
  const resolvedMirror = mirror ?? process.env["LAB_DEBIAN_MIRROR"] ?? (await debianMirror({ suite }));
  const key = rootfsKey({ suite, mirror: resolvedMirror, packages });
  const root = path.join(cache, "rootfs");
  const dir = path.join(root, key);
  if (await exists(path.join(dir, "etc", "debian_version"))) return { dir, key, built: false };

  await mkdir(root, { recursive: true });
  // One builder per image at a time (parallel test files, two `lab up`s): the others wait for its result.
  const lock = path.join(root, `.lock-${key}`);
  const release = await acquireLock(lock, { pollMs: 500 });
  try {
    if (await exists(path.join(dir, "etc", "debian_version"))) return { dir, key, built: false };
    return await buildImage({ root, dir, key, suite, mirror: resolvedMirror, packages, onProgress, build });
  } finally {
    await release();
  }
};

/** Builds an image into a temp folder and renames it into place (called with the image's build lock held). */
const buildImage = async ({
  root,
  dir,
  key,
  suite,
  mirror: resolvedMirror,
  packages,
  onProgress,
  build,
}: {
  root: string;
  dir: string;
  key: string;
  suite: string;
  mirror: string;
  packages: readonly string[];
  onProgress: (line: string) => void;
  build: RootfsBuilder;
}): Promise<Rootfs> => {
  await removeStaleBuilds(root);
  const temp = path.join(root, `.build-${key}-${process.pid}`);
  await removeTree(temp);
  await mkdir(temp);
  const logFile = path.join(root, `${key}.log`);
  await writeFile(logFile, "");
  onProgress(`rootfs: criando a imagem Debian ${suite} da VM (${packages.length} pacotes extras, ~1 min; registro em ${logFile})`);
  const started = Date.now();
  try {
    await build({ target: temp, suite, mirror: resolvedMirror, packages: [...new Set(packages)].sort(), logFile, onProgress });
    await writeFile(
      path.join(root, `${key}.json`),
      `${JSON.stringify({ suite, mirror: resolvedMirror, packages: [...new Set(packages)].sort(), builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
    await rename(temp, dir);
  } catch (error) {
    await removeTree(temp);
    // Another process may have finished the same image first: use it.
    if (await exists(path.join(dir, "etc", "debian_version"))) return { dir, key, built: false };
    throw error;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  onProgress(`rootfs: imagem pronta em ${seconds} s (${dir})`);
  return { dir, key, built: true };
};

/** True when `dir` looks like a complete image (used by status). */
export const isRootfs = async (dir: string): Promise<boolean> =>
  (await stat(dir).catch(() => undefined))?.isDirectory() === true && (await exists(path.join(dir, "etc", "debian_version")));
