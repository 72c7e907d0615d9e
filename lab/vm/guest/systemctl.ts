// `systemctl` inside the lab VM: a stand-in for systemd's CLI (the VM has no systemd), with systemd's verbs, output and
// exit codes for start|stop|restart|enable|disable|status|is-active|is-enabled|daemon-reload. Started with
// LAB_SYSTEMD_SUPERVISE=<unit> it is that unit's supervisor instead.
import { disable, enable, currentState, startUnit, stopUnit, type Output } from "./systemd/manager.js";
import { formatStatus } from "./systemd/status.js";
import { Supervisor } from "./systemd/supervisor.js";
import { enablementState, findUnitFile, loadUnit, unitName } from "./systemd/units.js";

// A closed pipe (`systemctl status x | head`) ends the output quietly, like systemd's pager-less output.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const io: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

const VERBS = ["start", "stop", "restart", "enable", "disable", "status", "is-active", "is-enabled", "daemon-reload"];

const usage = (): string =>
  [
    "systemctl [OPÇÕES...] COMANDO [UNIDADE...]",
    "",
    "Gerenciador de serviços do laboratório: substitui o systemd nesta VM (que não tem systemd) e",
    "lê as unidades de /etc/systemd/system e /lib/systemd/system.",
    "",
    "Comandos: start, stop, restart, enable [--now], disable [--now], status, is-active, is-enabled, daemon-reload",
  ].join("\n");

const needsRoot = new Set(["start", "stop", "restart", "enable", "disable", "daemon-reload"]);

/** Runs the CLI; resolves to the exit code. */
const main = async (argv: string[]): Promise<number> => {
  const flags = argv.filter((a) => a.startsWith("-"));
  const [verb, ...units] = argv.filter((a) => !a.startsWith("-"));
  if (flags.includes("--help") || flags.includes("-h")) {
    io.out(usage());
    return 0;
  }
  const unknownFlag = flags.find((f) => !["--now", "--no-pager", "-l", "--full", "-q", "--quiet", "--no-block", "--system"].includes(f));
  if (unknownFlag) {
    io.err(`systemctl (laboratório): a opção ${unknownFlag} não é suportada por este gerenciador de serviços; use apenas --now, --no-pager, -l/--full ou -q/--quiet (veja systemctl --help)`);
    return 1;
  }
  if (!verb || !VERBS.includes(verb)) {
    io.err(
      verb
        ? `systemctl (laboratório): o comando "${verb}" não é suportado pelo gerenciador de serviços desta VM; use ${VERBS.join(", ")} (veja systemctl --help)`
        : `systemctl (laboratório): informe um comando e a unidade, por exemplo \`sudo systemctl status istio\` (veja systemctl --help)`,
    );
    return 1;
  }
  const quiet = flags.includes("-q") || flags.includes("--quiet");
  const now = flags.includes("--now");
  if (needsRoot.has(verb) && process.getuid?.() !== 0) {
    const what = verb === "daemon-reload" ? "Failed to reload daemon" : verb === "enable" || verb === "disable" ? `Failed to ${verb} unit` : `Failed to ${verb} ${unitName(units[0] ?? "")}`;
    io.err(`${what}: Access denied`);
    if (!verb.endsWith("able") && verb !== "daemon-reload") io.err(`See system logs and 'systemctl status ${unitName(units[0] ?? "")}' for details.`);
    return 1;
  }
  if (verb === "daemon-reload") return 0;
  if (units.length === 0) {
    io.err(`Too few arguments.`);
    return 1;
  }
  let code = 0;
  for (const arg of units) {
    const name = unitName(arg);
    let result = 0;
    switch (verb) {
      case "start":
        result = await startUnit(name, io);
        break;
      case "stop":
        result = await stopUnit(name, io);
        break;
      case "restart":
        result = await stopUnit(name, io);
        if (result === 0 || result === 5) result = await startUnit(name, io);
        break;
      case "enable":
        result = await enable(name, io, { now });
        break;
      case "disable":
        result = await disable(name, io, { now });
        break;
      case "is-active": {
        const state = loadUnit(name) ? currentState(loadUnit(name)!.name) : currentState(name);
        const text = state?.activeState ?? "inactive";
        if (!quiet) io.out(text);
        result = text === "active" ? 0 : 3;
        break;
      }
      case "is-enabled": {
        const unit = loadUnit(name);
        if (!unit) {
          if (!quiet) io.err(`Failed to get unit file state for ${name}: No such file or directory`);
          result = 1;
        } else {
          const linked = findUnitFile(name)?.realName !== name ? "alias" : enablementState(unit);
          if (!quiet) io.out(linked);
          result = linked === "disabled" ? 1 : 0;
        }
        break;
      }
      case "status": {
        const unit = loadUnit(name);
        if (!unit) {
          io.err(`Unit ${name} could not be found.`);
          result = 4;
          break;
        }
        const state = currentState(unit.name);
        for (const line of formatStatus(unit, state, { withJournal: process.getuid?.() === 0 })) io.out(line);
        result = state?.activeState === "active" ? 0 : 3;
        break;
      }
    }
    if (code === 0) code = result;
  }
  return code;
};

const supervised = process.env["LAB_SYSTEMD_SUPERVISE"];
if (supervised) {
  const unit = loadUnit(supervised);
  if (!unit) process.exit(5);
  const supervisor = new Supervisor(unit);
  process.on("SIGTERM", () => supervisor.requestStop());
  process.on("SIGINT", () => supervisor.requestStop());
  process.on("SIGHUP", () => {});
  await supervisor.run();
  process.exit(0);
} else {
  process.exitCode = await main(process.argv.slice(2));
}
