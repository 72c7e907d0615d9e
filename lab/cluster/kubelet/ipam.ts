// Pod IP addresses from the plan's pod /24, remembered in the state folder so a restarted daemon keeps them.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Allocates and releases pod addresses of one /24 (x.x.x.2 … x.x.x.254; .0, .1 and .255 are never handed out). */
export class PodIpam {
  private leases: Record<string, string> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly podCidr: string, private readonly file: string) {
    if (!/^\d+\.\d+\.\d+\.0\/24$/.test(podCidr)) throw new Error(`the pod range must be a /24, got ${podCidr}`);
  }

  private async load(): Promise<Record<string, string>> {
    if (!this.leases) {
      try {
        this.leases = JSON.parse(await readFile(this.file, "utf8")) as Record<string, string>;
      } catch {
        this.leases = {};
      }
    }
    return this.leases;
  }

  private async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(`${this.file}.tmp`, `${JSON.stringify(this.leases, null, 2)}\n`);
    await rename(`${this.file}.tmp`, this.file);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The address leased to `owner` (a pod uid), leasing the lowest free one if it has none. */
  allocate(owner: string): Promise<string> {
    return this.serial(async () => {
      const leases = await this.load();
      const existing = Object.entries(leases).find(([, o]) => o === owner)?.[0];
      if (existing) return existing;
      const base = this.podCidr.slice(0, this.podCidr.lastIndexOf(".") + 1);
      for (let host = 2; host <= 254; host++) {
        const ip = `${base}${host}`;
        if (!leases[ip]) {
          leases[ip] = owner;
          await this.save();
          return ip;
        }
      }
      throw new Error(`no free pod address left in ${this.podCidr}`);
    });
  }

  /** Releases every address leased to `owner`. */
  release(owner: string): Promise<void> {
    return this.serial(async () => {
      const leases = await this.load();
      let changed = false;
      for (const [ip, o] of Object.entries(leases)) if (o === owner) (delete leases[ip], (changed = true));
      if (changed) await this.save();
    });
  }

  /** Current leases (address → owner). */
  async leased(): Promise<Record<string, string>> {
    return this.serial(async () => ({ ...(await this.load()) }));
  }
}
