// What a cell shows without running anything: the parameters and where each came from, the guide's shell variables
// and the ssh-vm alias, the VM's addresses, a YAML document.
import yaml from "js-yaml";
import { displayPath } from "../kube/kubectl.js";
import type { ParamName } from "../params/schema.js";
import { PARAM_SPECS } from "../params/schema.js";
import { quote } from "../run/quote.js";
import { newEventId } from "../run/events.js";
import type { Session } from "../run/session.js";

const GUIDE_VARIABLES: readonly ParamName[] = ["VM_ADDRESS", "VM_PUB_ADDRESS", "VM_APP", "VM_NAMESPACE", "WORK_DIR", "SERVICE_ACCOUNT", "VM_USER", "VM_PKEY_PATH"];
const PATHS: ReadonlySet<ParamName> = new Set(["WORK_DIR", "VM_PKEY_PATH", "ISTIO_DIR", "ISTIOCTL", "KUBECTL", "KUBECONFIG", "SSH_KNOWN_HOSTS"]);

/** Display helpers bound to a session. */
export class Show {
  constructor(private readonly session: Session) {}

  /** A value as a student reads it (paths relative to the project folder). */
  value(name: ParamName): string {
    const v = this.session.params[name];
    return PATHS.has(name) && v.startsWith("/") ? displayPath(v) : v;
  }

  /** The table of parameters: name, value, source, meaning. */
  params(): void {
    const sources = this.session.loaded.sources;
    this.session.emit({
      kind: "figure",
      id: newEventId("f"),
      at: new Date().toISOString(),
      title: `Parâmetros${this.session.loaded.file ? ` (arquivo: ${displayPath(this.session.loaded.file)})` : ""}`,
      table: {
        columns: ["parâmetro", "valor", "origem", "o que é"],
        rows: PARAM_SPECS.map((s) => [s.name, this.value(s.name) || "(vazio)", sources[s.name] ?? "", s.description]),
      },
    });
  }

  /** The chapter's "Prepare the guide environment" block as the shell equivalent of the loaded parameters. */
  guideEnvironment(): void {
    const lines = [
      "# Variáveis do guia (valores dos parâmetros em uso)",
      ...GUIDE_VARIABLES.map((n) => `${n}=${quote(this.value(n))}`),
      "",
      "# Atalho para rodar comandos na VM",
      `alias ssh-vm=${quote(`ssh -i ${this.value("VM_PKEY_PATH")} ${this.session.params.VM_USER}@${this.session.params.VM_PUB_ADDRESS}`)}`,
    ];
    this.session.note("O equivalente em shell do ambiente do guia:", "info", { language: "bash", text: lines.join("\n") });
  }

  /** The VM's internal and public addresses (the course's two `echo` lines). */
  addresses(): void {
    this.session.note("Endereços da VM:", "info", { language: "text", text: `Interno: ${this.session.params.VM_ADDRESS}\nPúblico: ${this.session.params.VM_PUB_ADDRESS}` });
  }

  /** A YAML document (an object is rendered with js-yaml). */
  yaml(document: unknown, text = ""): void {
    const body = typeof document === "string" ? document : yaml.dump(JSON.parse(JSON.stringify(document)), { lineWidth: 120, noRefs: true });
    this.session.note(text, "info", { language: "yaml", text: body });
  }
}
