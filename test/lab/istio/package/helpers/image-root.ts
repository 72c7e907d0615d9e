// A throwaway copy of the VM's disk image for package tests: the cached Debian rootfs as the lower layer of an overlay
// whose writable layer is a temp folder. Each `sh` call mounts it in fresh mount, UTS and network namespaces (the
// hostname and a veth with a known address stand in for the VM's), chroots into it and runs bash as root,
// so dpkg, adduser, su and sudo are the VM's own. Nothing outlives the call but the writable layer.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { labPaths } from "../../../../../lab/paths.js";
import { ensureRootfs } from "../../../../../lab/vm/rootfs.js";
import { runProcess, type Ran } from "../../../../helpers/lab-instance.js";

/** Hostname and address the scratch root sees (what `hostname -s` and `hostname --all-ip-addresses` print). */
export const IMAGE_HOSTNAME = "pegasus-vm";
export const IMAGE_ADDRESS = "10.20.30.40";

/** Mounts the overlay and the virtual filesystems, then runs "$1" with bash inside the chroot. */
const STAGE = `set -eu
R="$ROOT_MERGED"
mount -t overlay overlay -o "lowerdir=$ROOT_LOWER,upperdir=$ROOT_UPPER,workdir=$ROOT_WORK" "$R"
mount -t proc proc "$R/proc"
mount --bind /dev "$R/dev"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
hostname "$ROOT_HOSTNAME"
ip link set lo up
ip link add vm0 type veth peer name vm1
ip link set vm1 up
ip addr add "$ROOT_ADDRESS/24" dev vm0
ip link set vm0 up
cd "$R"
exec chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 /bin/bash -c "$1"
`;

/** One scratch copy of the VM image. */
export interface ImageRoot {
  /** Runs a bash script as root inside the image (cwd /, a clean environment). */
  sh: (script: string) => Promise<Ran>;
  /** Writes a file into the image (absolute path inside it) before the next `sh`. */
  put: (file: string, content: string | Buffer) => Promise<void>;
  remove: () => Promise<void>;
}

/** A fresh scratch copy of the VM image. */
export const imageRoot = async (): Promise<ImageRoot> => {
  const { dir: lower } = await ensureRootfs({ cache: labPaths().cache });
  const base = await mkdtemp(path.join(tmpdir(), "ilab-image-"));
  const [upper, work, merged] = ["upper", "work", "merged"].map((d) => path.join(base, d)) as [string, string, string];
  for (const d of [upper, work, merged]) await mkdir(d);
  const env = { ...process.env, ROOT_LOWER: lower, ROOT_UPPER: upper, ROOT_WORK: work, ROOT_MERGED: merged, ROOT_HOSTNAME: IMAGE_HOSTNAME, ROOT_ADDRESS: IMAGE_ADDRESS };
  return {
    sh: (script) => runProcess(["unshare", "--mount", "--uts", "--net", "--propagation", "private", "--", "/bin/sh", "-c", STAGE, "stage", script], { env }),
    put: async (file, content) => {
      const target = path.join(upper, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    remove: () => rm(base, { recursive: true, force: true }),
  };
};
