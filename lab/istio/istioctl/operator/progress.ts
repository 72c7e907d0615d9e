// istioctl's install progress log as it reads when stderr is not a terminal (one line per change): "- Processing
// resources for Istiod. Waiting for Deployment/istio-system/istiod", "✔ Istiod installed" (with an icon on current
// releases), "✘ Istiod encountered an error: …", "- Pruning removed resources", "✔ Installation complete".
import { ICONS, USER_FACING, type ComponentName } from "./plan.js";

/** One component's progress. */
export interface ComponentProgress {
  /** An object of the component was applied. */
  progress(): void;
  /** Resources the component still waits for. */
  waiting(resources: string[]): void;
  finished(): void;
  error(message: string): void;
}

/** The log of one install or uninstall. */
export class ProgressLog {
  readonly #write: (line: string) => void;
  readonly #icons: boolean;
  readonly #components = new Map<ComponentName, { waiting: string[] }>();
  #last = "";

  constructor({ write, icons }: { write: (line: string) => void; icons: boolean }) {
    this.#write = write;
    this.#icons = icons;
  }

  /** Starts tracking a component. */
  component(name: ComponentName): ComponentProgress {
    this.#components.set(name, { waiting: [] });
    return {
      progress: () => this.#status(),
      waiting: (resources) => {
        this.#components.get(name)!.waiting = resources;
        this.#status();
      },
      finished: () => this.#done(name, `✔ ${USER_FACING[name]} installed${this.#icons ? ` ${ICONS[name]}` : ""}`),
      error: (message) => this.#done(name, `✘ ${USER_FACING[name]} encountered an error: ${message}`),
    };
  }

  /** "- Pruning removed resources" */
  pruning(): void {
    this.#message("- Pruning removed resources");
  }

  /** "✔ Installation complete" */
  complete(): void {
    this.#message("✔ Installation complete");
  }

  /** "✔ Uninstall complete" */
  uninstallComplete(): void {
    this.#message("✔ Uninstall complete");
  }

  #done(name: ComponentName, line: string): void {
    this.#message(line);
    this.#components.delete(name);
  }

  #status(): void {
    const comps = [...this.#components.keys()].map((c) => USER_FACING[c]).sort();
    const wait = [...this.#components.values()].flatMap((c) => c.waiting).sort();
    this.#message(`- Processing resources for ${comps.join(", ")}.${wait.length ? ` Waiting for ${wait.join(", ")}` : ""}`);
  }

  /** Writes a line unless it repeats the previous one (pb's non-terminal mode). */
  #message(line: string): void {
    if (line === this.#last) return;
    this.#last = line;
    this.#write(`${line}\n`);
  }
}
