// A work queue like client-go's: keys are deduplicated, processed one at a time, retried with backoff on error.

/** A deduplicating, retrying queue of keys handled by one async function. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly handler: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown) => void = () => {},
  ) {}

  /** Queues a key (no-op when it is already queued). */
  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.size && !this.stopped) this.add([...this.pending][0]!);
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size && !this.stopped) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        await this.handler(key);
        this.retries.delete(key);
      } catch (error) {
        this.onError(key, error);
        const n = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, n);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.add(key);
        }, Math.min(5000, 50 * 2 ** n));
        this.timers.add(timer);
      }
    }
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops processing (the current item finishes). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.running;
  }
}

/** `namespace/name` (or `name`) of an object. */
export const keyOf = (o: { metadata: { name: string; namespace?: string } }): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/** Splits a key back into namespace and name. */
export const splitKey = (key: string): { namespace?: string; name: string } => {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
};
