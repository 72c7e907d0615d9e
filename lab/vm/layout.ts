// Where one lab instance keeps its VM: disk (overlay upper), overlay work dir, mount point, lab layer, guest programs,
// boot configuration, the VM's log.
import path from "node:path";
import type { LabPaths } from "../paths.js";

/** Folders and files of an instance's VM. */
export interface VmLayout {
  /** The VM's disk: the overlay's writable layer. Deleting it = a fresh VM. */
  disk: string;
  /** The overlay's work dir (must sit on the disk's filesystem). */
  work: string;
  /** Where the overlay is mounted (inside the VM's mount namespace only). */
  root: string;
  /** The lab layer of the image (docker, systemctl, docker.service), rebuilt at every boot. */
  layer: string;
  /** Guest programs (bundled), bind-mounted read-only at /opt/lab/guest. */
  guest: string;
  /** Boot configuration, bind-mounted read-only at /opt/lab/boot. */
  boot: string;
  /** stdout/stderr of the VM's init. */
  log: string;
  /** Process record names under LabPaths.run. */
  records: { launcher: string; init: string };
}

/** The VM layout of an instance. */
export const vmLayout = (paths: LabPaths): VmLayout => {
  const vm = path.join(paths.state, "vm");
  return {
    disk: path.join(vm, "disk"),
    work: path.join(vm, "work"),
    root: path.join(vm, "root"),
    layer: path.join(vm, "layer"),
    guest: path.join(vm, "guest"),
    boot: path.join(vm, "boot"),
    log: path.join(paths.logs, "vm.log"),
    records: { launcher: "vm-launcher", init: "vm-init" },
  };
};
