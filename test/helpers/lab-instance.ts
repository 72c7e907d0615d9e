// Test helpers for suites that drive a real lab instance (instance 1 by default, LAB_TEST_INSTANCE to change it):
// a cross-process lock (ava runs files in parallel), the `lab` CLI as a process, and SSH to the VM as the student.
import { execFile } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { labContext } from "../../lab/cli/context.js";
import { acquireLock } from "../../lab/host/lock.js";
import { projectRoot } from "../../lab/paths.js";

/** The instance the lab tests use. */
export const TEST_INSTANCE = Number(process.env["LAB_TEST_INSTANCE"] ?? 1);

/** Context of the test instance. */
export const testContext = () => labContext(TEST_INSTANCE);

/** Result of a process run by a test. */
export interface Ran {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs argv; never throws for a non-zero exit. */
export const runProcess = (argv: readonly string[], { input, timeoutMs = 120_000, env }: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> =>
  new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: env ?? process.env }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === "number" ? Number((error as NodeJS.ErrnoException).code) : child.exitCode ?? 1) : 0;
      resolve({ stdout, stderr, exitCode: code });
    });
    child.stdin?.on("error", () => undefined); // a program that exits without reading its input
    if (input !== undefined) child.stdin?.end(input);
  });

/** Runs `node dist/lab/cli.js <args> --instance <test instance>`. */
export const labCli = (...args: string[]): Promise<Ran> =>
  runProcess([process.execPath, path.join(projectRoot(), "dist", "lab", "cli.js"), ...args, "--instance", String(TEST_INSTANCE)], { timeoutMs: 300_000 });

/** SSH options for the lab VM (host keys change on every fresh disk). */
export const SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5"];

/** Runs a command on the VM over SSH as the student (VM_USER with VM_PKEY_PATH, to VM_PUB_ADDRESS). */
export const sshVm = (command: string, options: { input?: string; timeoutMs?: number; address?: string } = {}): Promise<Ran> => {
  const ctx = testContext();
  return runProcess(["ssh", "-i", ctx.paths.sshKey, ...SSH_OPTIONS, `peguser@${options.address ?? ctx.plan.vmPublicAddress}`, command], options);
};

/** Takes the instance's test lock (waits while another test file holds it); resolves with its release function. */
export const acquireLabLock = (): Promise<() => Promise<void>> => acquireLock(`/tmp/istio-em-vms-lab${TEST_INSTANCE}-tests.lock`);

/** Polls `probe` until it returns true (or gives up after `attempts`); for eventually-true states, never for speed. */
export const eventually = async (probe: () => Promise<boolean>, { attempts = 100, intervalMs = 200 } = {}): Promise<boolean> => {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return true;
    await sleep(intervalMs);
  }
  return false;
};
