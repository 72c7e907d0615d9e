// The original's log output: uvicorn's own format, the app's logging.basicConfig format, and uvicorn's access log.
// uvicorn writes its messages and the app's to stderr and the access log to stdout; inside a worker each uvicorn
// message also reaches the root logger the app configured, so it appears twice (once per format).
import { formatAsctime } from "./time-format.js";
import { statusPhrase } from "./status-phrases.js";

/** The stream a record goes to. */
export type LogStream = "stdout" | "stderr";
/** Receives each formatted record (one or more lines, without the final newline) and its stream. */
export type LogSink = (record: string, stream: LogStream) => void;
/** The levels the service logs at. */
export type LogLevel = "INFO" | "WARNING" | "ERROR";

/** uvicorn's `%(levelprefix)s %(message)s`: the level and a colon padded to 9 columns, a space, the message. */
export const formatUvicorn = (level: LogLevel, message: string): string => `${`${level}:`.padEnd(9)} ${message}`;

/** The app's `logging.basicConfig(format='%(levelname)s: %(asctime)s - %(message)s')`. */
export const formatBasic = (level: LogLevel, at: Date, message: string): string => `${level}: ${formatAsctime(at)} - ${message}`;

/** One access-log entry: who asked what, and the status answered. */
export interface AccessEntry {
  /** `host:port` of the client (`host:0` when X-Forwarded-For named it). */
  client: string;
  method: string;
  /** Quoted path plus `?` and the raw query string. */
  fullPath: string;
  /** `1.1` or `1.0`. */
  httpVersion: string;
  status: number | bigint;
}

/** uvicorn's access line: `INFO:     127.0.0.1:51234 - "GET /r?code=404 HTTP/1.1" 404 Not Found`. */
export const formatAccess = (entry: AccessEntry): string =>
  formatUvicorn("INFO", `${entry.client} - "${entry.method} ${entry.fullPath} HTTP/${entry.httpVersion}" ${entry.status} ${statusPhrase(Number(entry.status))}`);

/** Writes each record to the process's stdout or stderr. */
export const processSink: LogSink = (record, stream) => {
  (stream === "stdout" ? process.stdout : process.stderr).write(`${record}\n`);
};

/** The service's loggers, bound to one sink and clock. */
export class ServiceLog {
  constructor(
    private readonly sink: LogSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The app's own logging calls (and APScheduler's): root logger, basicConfig format, stderr. */
  app(level: LogLevel, message: string): void {
    this.sink(formatBasic(level, this.now(), message), "stderr");
  }

  /** uvicorn.error in the supervising process, where the app was never imported: uvicorn's format only. */
  supervisor(level: LogLevel, message: string): void {
    this.sink(formatUvicorn(level, message), "stderr");
  }

  /** uvicorn.error in a worker: uvicorn's format, then the same record through the app's root handler. */
  server(level: LogLevel, message: string): void {
    this.sink(formatUvicorn(level, message), "stderr");
    this.app(level, message);
  }

  /** uvicorn.access: one line on stdout when a response starts. */
  access(entry: AccessEntry): void {
    this.sink(formatAccess(entry), "stdout");
  }
}
