// Runs a command inside the VM as root, for the lab's own use (faults, checks): nsenter into the init's mount, UTS, PID
// and network namespaces with its root (the chroot), with a clean root login environment.
import type { HostCommandResult } from "../net/ip.js";
import { host } from "../net/ip.js";
import { runningInit, type VmContext } from "./vm.js";

/** Error when the VM is not running. */
export class VmNotRunningError extends Error {
  constructor() {
    super("a VM do laboratório não está em execução: rode `npm run lab -- up` (ou `npm run lab -- vm reboot`)");
    this.name = "VmNotRunningError";
  }
}

/** The argv that runs `argv` inside the VM whose PID 1 has host pid `initPid`. */
export const vmExecArgv = (initPid: number, argv: readonly string[], env: Record<string, string> = {}): string[] => [
  "nsenter",
  `--target=${initPid}`,
  "--mount",
  "--uts",
  "--net",
  "--pid",
  "--root",
  "--wd",
  "--",
  "/usr/bin/env",
  "-i",
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "HOME=/root",
  "USER=root",
  "LOGNAME=root",
  "LANG=C.UTF-8",
  ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
  ...argv,
];

/** Runs argv in the VM as root; throws HostCommandError on failure unless allowFailure. */
export const runInVm = async (
  ctx: VmContext,
  argv: readonly string[],
  options: { allowFailure?: boolean; input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<HostCommandResult> => {
  const init = await runningInit(ctx);
  if (!init) throw new VmNotRunningError();
  return host(vmExecArgv(init.pid, argv, options.env), options);
};
