// Log lines in Istio's format (`2020-12-26T14:48:26.699574Z<TAB>info<TAB>scope<TAB>message`); the default scope is
// printed without a scope column, and Envoy's own lines use the scope "envoy <logger>", as pilot-agent formats them.

/** Istio's log levels ("warning" is how Envoy's own warnings appear in istio.log; pilot-agent writes "warn"). */
export type IstioLogLevel = "debug" | "info" | "warn" | "warning" | "error";

/** Timestamp with microseconds in UTC, like Istio's zap encoder (`2006-01-02T15:04:05.000000Z`). */
export const istioTimestamp = (epochMs: number = performance.timeOrigin + performance.now()): string => {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999, Math.round((epochMs - whole) * 1000));
  const iso = new Date(whole).toISOString(); // 2020-12-26T14:48:26.699Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
};

/** Formats one line (no trailing newline). */
export const formatIstioLine = ({ time, level, scope, message }: { time: string; level: IstioLogLevel; scope: string; message: string }): string =>
  scope ? `${time}\t${level}\t${scope}\t${message}` : `${time}\t${level}\t${message}`;

/** Writes Istio-formatted lines to a sink (stdout by default). */
export class IstioLogger {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly debugEnabled = false,
  ) {}

  /** Logs `message` at `level` in `scope` ("" = default scope). */
  log(level: IstioLogLevel, scope: string, message: string): void {
    if (level === "debug" && !this.debugEnabled) return;
    this.write(formatIstioLine({ time: istioTimestamp(), level, scope, message }));
  }

  /** info level */
  info(scope: string, message: string): void {
    this.log("info", scope, message);
  }

  /** warn level */
  warn(scope: string, message: string): void {
    this.log("warn", scope, message);
  }

  /** error level */
  error(scope: string, message: string): void {
    this.log("error", scope, message);
  }

  /** debug level (dropped unless enabled) */
  debug(scope: string, message: string): void {
    this.log("debug", scope, message);
  }
}
