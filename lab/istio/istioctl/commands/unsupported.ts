// istioctl commands the lab does not reproduce: they exist (so cobra finds them and its suggestions match the real
// tree) and say so, in Portuguese, naming what the lab covers.
import { CommandError, type CommandDef } from "../cli/command.js";

/** A command that is part of the release but not of the lab's stand-in. */
export const unsupportedCommand = (use: string, short: string, aliases?: string[]): CommandDef => ({
  use,
  short,
  ...(aliases ? { aliases } : {}),
  disableFlagParsing: true,
  run: async (ctx) => {
    throw new CommandError(
      `o istioctl do laboratório não reproduz "${ctx.commandPath}"; ele reproduz install, uninstall, version, proxy-status e x workload group create / entry configure (veja lab/README.md)`,
    );
  },
});
