// The time formats the original prints, all in the process's local time zone like Python's datetime.now().

const two = (n: number): string => String(n).padStart(2, "0");

/** `%Y-%m-%d %H:%M:%S` of local time: the `when` field of responses and the times in /r's detail. */
export const formatWhen = (date: Date): string =>
  `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;

/** Python logging's default asctime: `2021-01-25 14:13:43,123`. */
export const formatAsctime = (date: Date): string => `${formatWhen(date)},${String(date.getMilliseconds()).padStart(3, "0")}`;

const utcOffset = (date: Date): string => {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
};

/** str() of an aware Python datetime: `2021-01-25 14:13:43.123000+00:00` (no fraction when it is zero). */
export const formatPyDatetime = (date: Date): string => {
  const ms = date.getMilliseconds();
  return `${formatWhen(date)}${ms === 0 ? "" : `.${String(ms * 1000).padStart(6, "0")}`}${utcOffset(date)}`;
};

/** The zone name `%Z` prints for the local zone: `UTC` at offset zero, otherwise the short local name. */
export const formatZoneName = (date: Date): string => {
  if (date.getTimezoneOffset() === 0) return "UTC";
  const part = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(date).find((p) => p.type === "timeZoneName");
  return part?.value ?? utcOffset(date);
};

/** APScheduler's datetime_repr: `%Y-%m-%d %H:%M:%S %Z`. */
export const formatSchedulerTime = (date: Date): string => `${formatWhen(date)} ${formatZoneName(date)}`;

/** str() of a Python timedelta of whole seconds: `0:00:10`, `1 day, 0:00:00`, `2 days, 3:04:05`. */
export const formatTimedelta = (totalSeconds: number): string => {
  const days = Math.floor(totalSeconds / 86400);
  const rest = totalSeconds - days * 86400;
  const clock = `${Math.floor(rest / 3600)}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return days === 0 ? clock : `${days} day${days === 1 ? "" : "s"}, ${clock}`;
};

/** The HTTP `date` header value (RFC 7231 IMF-fixdate), as uvicorn sends it. */
export const formatHttpDate = (date: Date): string => date.toUTCString();
