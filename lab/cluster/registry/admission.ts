// The in-process admission chain: mutating plugins run first (in registration order), then the object is
// validated, then validating plugins run. A plugin denies a request by throwing an ApiError.
import type { AdmissionPlugin, AdmissionRequest } from "../contracts.js";

/** An ordered set of admission plugins. */
export class AdmissionChain {
  private plugins: AdmissionPlugin[] = [];

  /** Adds a plugin; returns a function that removes it. */
  register(plugin: AdmissionPlugin): () => void {
    this.plugins.push(plugin);
    return () => {
      this.plugins = this.plugins.filter((p) => p !== plugin);
    };
  }

  /** Names of the registered plugins, in order. */
  names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  /** Runs every mutating plugin on the request. */
  async mutate(request: AdmissionRequest): Promise<void> {
    for (const p of [...this.plugins]) if (p.mutate) await p.mutate(request);
  }

  /** Runs every validating plugin on the request. */
  async validate(request: AdmissionRequest): Promise<void> {
    for (const p of [...this.plugins]) if (p.validate) await p.validate(request);
  }
}
