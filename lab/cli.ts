// The `lab` command line (`npm run lab -- <command> [--instance N]`): brings the offline lab up and down, reports its
// state, reboots or resets the VM, and injects faults. Needs Linux and root.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { assertLinuxRoot, LabRequirementError } from "./host/requirements.js";
import { LabUsageError, parseLabArgs, USAGE } from "./cli/args.js";
import { down, fault, reset, status, up, vmReboot, vmSsh, type CommandResult } from "./cli/commands.js";
import { labContext, type LabContext } from "./cli/context.js";
import { acquireLock } from "./host/lock.js";

/** Runs one command line; resolves to the exit code. Progress goes to stderr, results to stdout. */
export const runLab = async (argv: readonly string[]): Promise<number> => {
  try {
    const { command, instance } = parseLabArgs(argv);
    const [verb, ...rest] = command;
    if (verb === "help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const known = ["up", "down", "status", "reset", "vm", "fault"];
    if (!verb || !known.includes(verb)) throw new LabUsageError(`comando desconhecido: "${verb}"; use um de ${known.join(", ")} (veja npm run lab -- --help)`);
    if (verb === "vm" && rest[0] !== "reboot" && rest[0] !== "ssh") {
      throw new LabUsageError(`use \`vm reboot\` ou \`vm ssh [COMANDO]\` (recebido: vm ${rest.join(" ")})`);
    }
    if (["up", "down", "status", "reset"].includes(verb) && rest.length) throw new LabUsageError(`"${verb}" não aceita argumentos (recebido: ${rest.join(" ")})`);
    assertLinuxRoot();
    const ctx = labContext(instance, (line) => process.stderr.write(`[lab ${instance}] ${line}\n`));
    // Commands that change the lab run one at a time per instance (a second `up` waits for the first).
    const changes = !(verb === "status" || (verb === "vm" && rest[0] === "ssh") || (verb === "fault" && (rest[0] ?? "list") === "list"));
    await mkdir(ctx.paths.state, { recursive: true });
    const release = changes ? await acquireLock(path.join(ctx.paths.state, ".cli.lock")) : async () => {};
    try {
      return await execute(ctx, verb, rest);
    } finally {
      await release();
    }
  } catch (error) {
    if (error instanceof LabUsageError || error instanceof LabRequirementError) {
      process.stderr.write(`lab: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`lab: ${(error as Error).message}\n`);
    return 1;
  }
};

/** Runs a validated command and prints its result lines; resolves to the exit code. */
const execute = async (ctx: LabContext, verb: string, rest: string[]): Promise<number> => {
  let result: CommandResult;
  if (verb === "up") result = await up(ctx);
  else if (verb === "down") result = await down(ctx);
  else if (verb === "status") result = await status(ctx);
  else if (verb === "reset") result = await reset(ctx);
  else if (verb === "vm" && rest[0] === "reboot") result = await vmReboot(ctx);
  else if (verb === "vm") result = await vmSsh(ctx, rest.slice(1));
  else result = await fault(ctx, rest);
  for (const line of result.lines) process.stdout.write(`${line}\n`);
  return result.exitCode;
};

// The lab runs the system's tools (ip, iptables, nft…): keep npm's node_modules/.bin (which has an unrelated `nft`) off PATH.
process.env["PATH"] = (process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
  .split(":")
  .filter((dir) => !dir.includes("node_modules"))
  .join(":");
process.exitCode = await runLab(process.argv.slice(2));
