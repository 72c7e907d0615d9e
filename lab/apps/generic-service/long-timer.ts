// Timers longer than Node's 24.8-day setTimeout limit, cancellable by an AbortSignal.

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Resolves once `ms` milliseconds have passed; rejects with an AbortError if `signal` fires first. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const abortError = (): Error => Object.assign(new Error("the wait was cancelled"), { name: "AbortError" });
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const deadline = Date.now() + ms;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const arm = (): void => {
      const left = deadline - Date.now();
      if (left <= 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    arm();
  });

/** Whether `error` is the rejection of a cancelled sleep or call. */
export const isAbortError = (error: unknown): boolean => error instanceof Error && error.name === "AbortError";
