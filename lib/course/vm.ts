// The VM as the chapter's cells use it: the library's Vm plus the troubleshooting experiment's HTTP server.
import { Vm } from "../vm/vm.js";
import { validatePort } from "../kube/names.js";
import type { CommandResult } from "../run/result.js";

/** Vm with the chapter's extra steps. */
export class CourseVm extends Vm {
  /** Starts `python3 -m http.server PORT` in the background in the user's home (the course's SimpleHTTPServer), replacing a running one. */
  async startHttpServer({ port }: { port: number }): Promise<CommandResult> {
    validatePort(port, "porta do servidor HTTP");
    await this.stopHttpServer({ port, quiet: true });
    const script = `nohup python3 -m http.server ${port} > /tmp/http.server.${port}.log 2>&1 < /dev/null &`;
    return this.ssh({ argv: ["sh", "-c", script] });
  }

  /** Stops the background `python3 -m http.server PORT`, if any. */
  async stopHttpServer({ port, quiet = false }: { port: number; quiet?: boolean }): Promise<CommandResult> {
    validatePort(port, "porta do servidor HTTP");
    return this.ssh({ argv: ["pkill", "-f", `http.server ${port}`], nothrow: true, quiet });
  }
}
