// systemd on the VM: start, stop, enable… a unit (as root), and ask whether it is active or enabled.
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import type { VmShell } from "./shell.js";

/** systemctl verbs the runbook uses; those that change the system run under sudo. */
export const SYSTEMCTL_ACTIONS = ["start", "stop", "restart", "reload", "enable", "disable", "status", "daemon-reload"] as const;

/** A systemctl verb. */
export type SystemctlAction = (typeof SYSTEMCTL_ACTIONS)[number];

const UNIT = /^[A-Za-z0-9:_.\\@-]{1,255}$/;

/** Checks a unit name (`istio`, `istio.service`, `getty@tty1.service`). */
export const unitName = ({ unit }: { unit: string }): string => {
  if (typeof unit !== "string" || !UNIT.test(unit) || unit.startsWith("-")) {
    throw new InputError(`"${unit}" não é um nome de unidade do systemd válido`, "use o nome do serviço, por exemplo istio (ou istio.service)");
  }
  return unit;
};

/** Runs `systemctl <action> <unit>` on the VM (sudo for changes; `status` never throws for an inactive unit). */
export const systemctl = async (shell: VmShell, { action, unit }: { action: SystemctlAction; unit?: string }): Promise<CommandResult> => {
  if (!SYSTEMCTL_ACTIONS.includes(action)) {
    throw new InputError(`"${String(action)}" não é uma ação do systemctl suportada`, `use uma destas: ${SYSTEMCTL_ACTIONS.join(", ")}`);
  }
  if (action === "daemon-reload") return shell.ssh({ argv: ["systemctl", "daemon-reload"], sudo: true });
  if (unit === undefined) throw new InputError(`systemctl ${action}: falta o nome da unidade`, "passe unit, por exemplo { action: \"start\", unit: \"istio\" }");
  const name = unitName({ unit });
  if (action === "status") {
    // `systemctl status` exits 3 for an inactive unit and 4 for an unknown one: the output is the answer.
    const result = await shell.ssh({ argv: ["systemctl", "status", "--no-pager", name], nothrow: true });
    shell.raiseIfNotAnswered(result);
    return result;
  }
  return shell.ssh({ argv: ["systemctl", action, name], sudo: true });
};

/** A unit's state as `systemctl is-active` / `is-enabled` print it. */
export interface UnitProbe {
  unit: string;
  /** e.g. active, inactive, failed, activating / enabled, disabled, static, masked, not-found. */
  state: string;
  planned: boolean;
  result: CommandResult;
}

/** `systemctl is-active <unit>`: `active` is true only for "active". */
export const isActive = async (shell: VmShell, { unit }: { unit: string }): Promise<UnitProbe & { active: boolean }> => {
  const name = unitName({ unit });
  const result = await shell.ssh({ argv: ["systemctl", "is-active", name], nothrow: true });
  shell.raiseIfNotAnswered(result);
  const state = result.stdout.trim().split("\n").at(-1) ?? "";
  if (!result.planned && state === "") {
    shell.session.reportFailure(result);
    throw result;
  }
  return { unit: name, state, active: !result.planned && state === "active", planned: result.planned, result };
};

/** `systemctl is-enabled <unit>`: `enabled` is true for "enabled" (and the `-runtime`/alias forms systemd counts as enabled). */
export const isEnabled = async (shell: VmShell, { unit }: { unit: string }): Promise<UnitProbe & { enabled: boolean }> => {
  const name = unitName({ unit });
  const result = await shell.ssh({ argv: ["systemctl", "is-enabled", name], nothrow: true });
  shell.raiseIfNotAnswered(result);
  const printed = result.stdout.trim().split("\n").at(-1) ?? "";
  // An unknown unit prints nothing on stdout and "Failed to get unit file state for x.service: No such file or directory".
  const state = printed || (/No such file or directory|not found|does not exist/i.test(result.stderr) ? "not-found" : "");
  if (!result.planned && state === "") {
    shell.session.reportFailure(result);
    throw result;
  }
  const enabled = !result.planned && ["enabled", "enabled-runtime", "alias"].includes(state);
  return { unit: name, state, enabled, planned: result.planned, result };
};
