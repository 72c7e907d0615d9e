// The local work folder (WORK_DIR) where istioctl writes the VM's files: create it, list it, name its files, read the
// hosts line — every step through the session's seam, so it is shown and exported like the course's shell commands.
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { displayPath } from "../kube/kubectl.js";
import { WORKLOAD_FILES } from "../istio/workload-files.js";
import type { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";

/** WORK_DIR for one session. */
export class WorkDir {
  constructor(private readonly session: Session) {}

  /** Absolute path of WORK_DIR. */
  get path(): string {
    return this.session.params.WORK_DIR;
  }

  /** `mkdir -p "${WORK_DIR}"`. */
  ensure(): Promise<CommandResult> {
    return this.session.run({ argv: ["mkdir", "-p", this.path], displayArgv: ["mkdir", "-p", displayPath(this.path)] });
  }

  /** `ls -l $WORK_DIR`. */
  list(): Promise<CommandResult> {
    return this.session.run({ argv: ["ls", "-l", this.path], displayArgv: ["ls", "-l", displayPath(this.path)] });
  }

  /** The five files istioctl generates (absolute paths), in the course's order. */
  files(): string[] {
    return WORKLOAD_FILES.map((name) => path.join(this.path, name));
  }

  /** The line of the generated `hosts` file (`<east-west IP> istiod.istio-system.svc`); InputError when it is missing or empty. */
  async hostsLine(): Promise<string> {
    if (this.session.mode === "plan") return "<IP do east-west gateway> istiod.istio-system.svc";
    const file = path.join(this.path, "hosts");
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new InputError(`o arquivo ${displayPath(file)} não existe`, "rode antes a célula do `istioctl x workload entry configure`");
    }
    const line = text.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("#"));
    if (!line) {
      throw new InputError(
        `o arquivo ${displayPath(file)} está vazio: o istioctl não encontrou o endereço do east-west gateway`,
        "confira `kubectl get svc istio-eastwestgateway -n istio-system` (precisa de EXTERNAL-IP) e gere os arquivos de novo, se preciso com --ingressIP",
      );
    }
    return line;
  }
}
