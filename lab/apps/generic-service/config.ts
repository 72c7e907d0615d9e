// The service's settings, read from the environment the way the original reads them (`os.getenv(NAME) or default`).
import { parsePythonInt } from "./python-int.js";

/** What the environment configures. */
export interface GenericServiceConfig {
  /** APP: the `app` field of every response (default ""). */
  readonly app: string;
  /** VERSION: the `version` field (default ""). */
  readonly version: string;
  /** SCHED_CALL_URL_LST split on "," (an unset variable gives `[""]`, like Python's "".split(",")). */
  readonly schedCallUrls: readonly string[];
  /** SCHED_CALL_INTERVAL as written (default "10"); the job's name quotes it verbatim. */
  readonly schedCallIntervalText: string;
  /** The scheduler's period in seconds: the parsed interval, 0 becoming 1 like APScheduler's IntervalTrigger. */
  readonly schedCallIntervalSeconds: number;
  /** SPLIT_CALL_URL_LST split on ",". */
  readonly splitCallUrls: readonly string[];
}

/** The environment variables the original reads. */
export const ENV_NAMES = ["APP", "VERSION", "SCHED_CALL_URL_LST", "SCHED_CALL_INTERVAL", "SPLIT_CALL_URL_LST"] as const;

// timedelta(seconds=n) overflows at 999999999 days.
const MAX_INTERVAL_SECONDS = 999_999_999n * 86_400n + 86_399n;

/** Thrown for a setting the service cannot start with; the message (Portuguese) names the cause and the fix. */
export class GenericServiceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenericServiceConfigError";
  }
}

const orDefault = (value: string | undefined, fallback: string): string => (value ? value : fallback);

const parseInterval = (text: string): number => {
  const parsed = parsePythonInt(text);
  if (parsed === undefined) {
    throw new GenericServiceConfigError(
      `SCHED_CALL_INTERVAL inválido: "${text}" não é um número inteiro de segundos. ` +
        `Defina, por exemplo, SCHED_CALL_INTERVAL=10 (ou remova a variável para usar o padrão de 10 segundos) e inicie o serviço de novo.`,
    );
  }
  if (parsed < 0n || parsed > MAX_INTERVAL_SECONDS) {
    throw new GenericServiceConfigError(
      `SCHED_CALL_INTERVAL fora do intervalo: ${text}. O agendador precisa de um número de segundos entre 0 e ${MAX_INTERVAL_SECONDS} ` +
        `(0 vira 1 segundo); corrija a variável, por exemplo SCHED_CALL_INTERVAL=300, e inicie o serviço de novo.`,
    );
  }
  return parsed === 0n ? 1 : Number(parsed);
};

/** Reads the configuration from `env`; throws GenericServiceConfigError for a SCHED_CALL_INTERVAL Python's int() rejects
 * or the scheduler cannot use. */
export const readConfig = (env: Readonly<Record<string, string | undefined>>): GenericServiceConfig => {
  const schedCallIntervalText = orDefault(env["SCHED_CALL_INTERVAL"], "10");
  return {
    app: orDefault(env["APP"], ""),
    version: orDefault(env["VERSION"], ""),
    schedCallUrls: orDefault(env["SCHED_CALL_URL_LST"], "").split(","),
    schedCallIntervalText,
    schedCallIntervalSeconds: parseInterval(schedCallIntervalText),
    splitCallUrls: orDefault(env["SPLIT_CALL_URL_LST"], "").split(","),
  };
};
