// The original's APScheduler job: a BackgroundScheduler started at import with one interval job,
// 'Call url every <SCHED_CALL_INTERVAL> seconds', that calls SCHED_CALL_URL_LST. Fires at start+n*interval
// (first one interval after start), runs at most 3 instances at once, drops runs more than 1 s late, and logs
// APScheduler's INFO/WARNING lines through the app's root logger.
import type { GenericServiceConfig } from "./config.js";
import { invokeUrlList } from "./fan-out.js";
import { isAbortError, sleep } from "./long-timer.js";
import type { ServiceLog } from "./logging.js";
import { formatPyDatetime, formatSchedulerTime, formatTimedelta } from "./time-format.js";

/** APScheduler job defaults the original sets or inherits. */
export const MAX_INSTANCES = 3;
/** APScheduler's default misfire_grace_time (seconds). */
export const MISFIRE_GRACE_SECONDS = 1;

/** What a CallScheduler needs. */
export interface SchedulerOptions {
  config: GenericServiceConfig;
  log: ServiceLog;
  /** The job's work; defaults to calling SCHED_CALL_URL_LST without extra headers. */
  job?: (signal: AbortSignal) => Promise<void>;
  now?: () => Date;
}

// str(timedelta) with microseconds: 0:00:01.234000
const formatDelay = (ms: number): string => {
  const whole = Math.floor(ms / 1000);
  const micros = Math.round((ms - whole * 1000) * 1000);
  return micros === 0 ? formatTimedelta(whole) : `${formatTimedelta(whole)}.${String(micros).padStart(6, "0")}`;
};

/** One worker's scheduler with its single interval job. */
export class CallScheduler {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private nextRun = 0;
  private readonly intervalMs: number;
  private readonly name: string;
  private readonly job: (signal: AbortSignal) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    this.intervalMs = options.config.schedCallIntervalSeconds * 1000;
    this.name = `Call url every ${options.config.schedCallIntervalText} seconds`;
    this.now = options.now ?? (() => new Date());
    this.job =
      options.job ??
      (async (signal) => {
        await invokeUrlList({ urls: options.config.schedCallUrls, log: options.log, signal });
      });
  }

  /** The job as APScheduler prints it: name, trigger and next run time. */
  describeJob(): string {
    return `${this.name} (trigger: interval[${formatTimedelta(this.options.config.schedCallIntervalSeconds)}], next run at: ${formatSchedulerTime(new Date(this.nextRun))})`;
  }

  /** Starts the scheduler and adds the job (logs "Scheduler started" and "Added job ..."). */
  start(): void {
    if (this.loop) return;
    this.options.log.app("INFO", "Scheduler started");
    this.nextRun = this.now().getTime() + this.intervalMs;
    this.options.log.app("INFO", `Added job "${this.name}" to job store "default"`);
    this.loop = this.tick();
  }

  private async tick(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        await sleep(Math.max(0, this.nextRun - this.now().getTime()), signal);
      } catch (error) {
        if (isAbortError(error)) return;
        throw error;
      }
      const now = this.now().getTime();
      const runTimes: number[] = [];
      while (this.nextRun <= now) {
        runTimes.push(this.nextRun);
        this.nextRun += this.intervalMs;
      }
      if (this.running.size >= MAX_INSTANCES) {
        this.options.log.app(
          "WARNING",
          `Execution of job "${this.describeJob()}" skipped: maximum number of running instances reached (${MAX_INSTANCES})`,
        );
        continue;
      }
      const run = this.execute(runTimes, signal).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  private async execute(runTimes: number[], signal: AbortSignal): Promise<void> {
    for (const runTime of runTimes) {
      const late = this.now().getTime() - runTime;
      if (late > MISFIRE_GRACE_SECONDS * 1000) {
        this.options.log.app("WARNING", `Run time of job "${this.describeJob()}" was missed by ${formatDelay(late)}`);
        continue;
      }
      this.options.log.app("INFO", `Running job "${this.describeJob()}" (scheduled at ${formatPyDatetime(new Date(runTime))})`);
      try {
        await this.job(signal);
      } catch (error) {
        if (isAbortError(error)) return;
        this.options.log.app("ERROR", `Job "${this.describeJob()}" raised an exception\n${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        continue;
      }
      this.options.log.app("INFO", `Job "${this.describeJob()}" executed successfully`);
    }
  }

  /** Stops the timer, cancels running calls and logs "Scheduler has been shut down". */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.controller.abort();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.loop = undefined;
    this.options.log.app("INFO", "Scheduler has been shut down");
  }
}
