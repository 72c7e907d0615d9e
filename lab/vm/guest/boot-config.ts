// What the lab tells the VM's init at boot (the "cloud metadata"): written by the host to /opt/lab/boot/config.json.

/** The VM's boot configuration. */
export interface BootConfig {
  hostname: string;
  /** The student's account, created on first boot like a cloud image's default user. */
  user: string;
  /** OpenSSH public key line for the user's authorized_keys. */
  authorizedKey: string;
  /** The cloud's DNS resolver (resolv.conf nameserver). */
  nameserver: string;
}

/** Where the host puts the boot configuration inside the VM. */
export const BOOT_CONFIG_PATH = "/opt/lab/boot/config.json";
/** Marker of a provisioned disk (like cloud-init's per-instance marker). */
export const PROVISIONED_MARKER = "/var/lib/lab-init/provisioned";
/** The init's boot state: `booting` then `running` (read by the host through /proc/<init>/root). */
export const BOOT_STATE_PATH = "/run/lab-init/state";
