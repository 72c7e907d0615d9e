// Whether the VM user may run commands as root without a password, which every `ssh-vm sudo …` step of the course needs.
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import { VmError, type VmFailure } from "./failure.js";
import type { VmShell } from "./shell.js";

/** Result of canSudo. */
export interface SudoProbe {
  ok: boolean;
  /** Why not (sudo asks for a password, or the user is not allowed). */
  failure?: VmFailure;
  planned: boolean;
  result: CommandResult;
}

/** Runs `sudo -n true` on the VM; ok when the user has passwordless sudo. Connection failures still throw. */
export const canSudo = async (shell: VmShell): Promise<SudoProbe> => {
  const result = await shell.ssh({ argv: ["true"], sudo: true, nothrow: true });
  if (result.ok) return { ok: true, planned: result.planned, result };
  if (result instanceof VmError && (result.failure.kind === "sudo-password-required" || result.failure.kind === "sudo-not-allowed")) {
    return { ok: false, failure: result.failure, planned: false, result };
  }
  shell.session.reportFailure(result);
  throw result;
};

/** Throws InputError ("usuário sem sudo", with the fix) unless the VM user has passwordless sudo. */
export const requireSudo = async (shell: VmShell): Promise<void> => {
  const probe = await canSudo(shell);
  if (!probe.ok && probe.failure) throw new InputError(probe.failure.cause, probe.failure.fix, "VM_USER");
};
