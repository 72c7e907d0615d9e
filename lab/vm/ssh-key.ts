// The student's SSH key for the VM (VM_PKEY_PATH): an ed25519 key made by the lab, private part mode 0600.
import { access, chmod, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { host } from "../net/ip.js";

/** Creates the key pair at `keyPath` (and `.pub`) when missing; returns the public key line. */
export const ensureSshKey = async ({ keyPath, comment }: { keyPath: string; comment: string }): Promise<string> => {
  const exists = await access(keyPath).then(() => true, () => false);
  if (!exists) {
    await mkdir(path.dirname(keyPath), { recursive: true, mode: 0o700 });
    await host(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", keyPath]);
  }
  await chmod(keyPath, 0o600);
  return (await readFile(`${keyPath}.pub`, "utf8")).trim();
};
