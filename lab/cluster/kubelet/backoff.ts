// The kubelet's back-off for restarting crashed containers and re-pulling images: 10 s, doubling, at most 300 s; a
// container that ran for 10 minutes without trouble starts again from 10 s.

/** Back-off constants of the real kubelet. */
export const BACKOFF = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 } as const;

/** Per-key exponential back-off: the first failure is retried at once, the next ones after 10 s, 20 s, 40 s … 300 s. */
export class Backoff {
  private readonly delays = new Map<string, { delayMs: number; lastAt: number }>();

  constructor(private readonly limits: { initialMs: number; maxMs: number; resetAfterMs: number } = BACKOFF, private readonly now: () => number = Date.now) {}

  /** Records one more failure of `key` and returns how long to wait before the next try (0 for a first failure, or
   * for one after `resetAfterMs` without failures). */
  next(key: string): number {
    const now = this.now();
    const prev = this.delays.get(key);
    if (!prev || now - prev.lastAt > this.limits.resetAfterMs) {
      this.delays.set(key, { delayMs: this.limits.initialMs, lastAt: now });
      return 0;
    }
    this.delays.set(key, { delayMs: Math.min(prev.delayMs * 2, this.limits.maxMs), lastAt: now });
    return prev.delayMs;
  }

  /** The delay the next failure of `key` will wait (for messages like "back-off 10s"). */
  current(key: string): number {
    return this.delays.get(key)?.delayMs ?? this.limits.initialMs;
  }

  /** Forgets `key` (the pod went away). */
  reset(key: string): void {
    this.delays.delete(key);
  }
}
