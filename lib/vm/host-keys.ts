// The VM's host key in the project's known_hosts: show what is trusted, and forget it when the student has confirmed
// that the VM was recreated (never done silently).
import { existsSync } from "node:fs";
import type { CommandResult } from "../run/result.js";
import type { VmShell } from "./shell.js";

/** The trusted host key of VM_PUB_ADDRESS in SSH_KNOWN_HOSTS (`ssh-keygen -l -F host -f file`): fingerprint lines, empty when unknown. */
export const knownHostKey = async (shell: VmShell): Promise<{ known: boolean; fingerprints: string[]; result?: CommandResult }> => {
  const { host, knownHostsFile } = shell.context;
  if (!existsSync(knownHostsFile)) return { known: false, fingerprints: [] };
  const result = await shell.session.run({ argv: ["ssh-keygen", "-l", "-F", host, "-f", knownHostsFile], nothrow: true });
  if (result.planned) return { known: false, fingerprints: [], result };
  if (!result.ok && result.exitCode !== 1) {
    shell.session.reportFailure(result);
    throw result;
  }
  const fingerprints = result.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  return { known: fingerprints.length > 0, fingerprints, result };
};

/** Removes VM_PUB_ADDRESS's key from SSH_KNOWN_HOSTS (`ssh-keygen -R host -f file`), so the next connection accepts the new one. */
export const forgetHostKey = async (shell: VmShell): Promise<CommandResult | undefined> => {
  const { host, knownHostsFile } = shell.context;
  if (!existsSync(knownHostsFile)) return undefined;
  return shell.session.run({ argv: ["ssh-keygen", "-R", host, "-f", knownHostsFile] });
};
