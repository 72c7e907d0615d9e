// istiod's log lines: Istio's text format (`<time>\t<level>\t<scope>\t<msg>`, no scope column for the default scope)
// or, with `--log_as_json` (the 1.8 chart passes it), zap's JSON (`{"level":…,"time":…,"scope":…,"msg":…}`).
// Labels (current releases' WithLabels) follow the message after a tab as `key=value` pairs.
import { formatIstioLine, istioTimestamp } from "../proxy/log.js";

/** Levels istiod logs at. */
export type IstiodLevel = "debug" | "info" | "warn" | "error";

/** Writes istiod's log lines to stdout (or a sink, for tests). */
export class IstiodLogger {
  constructor(
    private readonly options: { json: boolean; write?: (line: string) => void; debug?: boolean },
  ) {}

  /** Logs `message` in `scope` ("default" or "" = the default scope). */
  log(level: IstiodLevel, scope: string, message: string, labels?: Record<string, string | number>): void {
    if (level === "debug" && !this.options.debug) return;
    const time = istioTimestamp();
    const labelText = labels && Object.keys(labels).length ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(" ") : "";
    let line: string;
    if (this.options.json) {
      const entry: Record<string, unknown> = { level, time, scope: scope || "default", msg: message };
      if (labels) Object.assign(entry, labels);
      line = JSON.stringify(entry);
    } else {
      line = formatIstioLine({ time, level, scope: scope === "default" ? "" : scope, message: labelText ? `${message}\t${labelText}` : message });
    }
    (this.options.write ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  }

  /** info in `scope` */
  info(scope: string, message: string, labels?: Record<string, string | number>): void {
    this.log("info", scope, message, labels);
  }

  /** warn in `scope` */
  warn(scope: string, message: string, labels?: Record<string, string | number>): void {
    this.log("warn", scope, message, labels);
  }

  /** error in `scope` */
  error(scope: string, message: string, labels?: Record<string, string | number>): void {
    this.log("error", scope, message, labels);
  }
}
