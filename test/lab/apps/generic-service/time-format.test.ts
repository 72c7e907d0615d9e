// Expected values are Python's outputs for the same instants.
import test from "ava";
import {
  formatAsctime,
  formatHttpDate,
  formatPyDatetime,
  formatSchedulerTime,
  formatTimedelta,
  formatWhen,
} from "../../../../lab/apps/generic-service/time-format.js";

// Node applies a TZ change at run time; this file runs in its own process.
process.env["TZ"] = "UTC";
const instant = new Date(Date.UTC(2021, 0, 25, 14, 13, 43, 123));

test("`when` is %Y-%m-%d %H:%M:%S and the log time adds milliseconds after a comma", (t) => {
  t.is(formatWhen(instant), "2021-01-25 14:13:43");
  t.is(formatAsctime(instant), "2021-01-25 14:13:43,123");
});

test("aware datetimes print microseconds and the offset, and drop a zero fraction", (t) => {
  t.is(formatPyDatetime(instant), "2021-01-25 14:13:43.123000+00:00");
  t.is(formatPyDatetime(new Date(Date.UTC(2021, 0, 25, 14, 13, 43))), "2021-01-25 14:13:43+00:00");
});

test("APScheduler's next-run time names the zone", (t) => {
  t.is(formatSchedulerTime(instant), "2021-01-25 14:13:43 UTC");
});

test("timedeltas print like Python's str(timedelta)", (t) => {
  t.is(formatTimedelta(10), "0:00:10");
  t.is(formatTimedelta(300), "0:05:00");
  t.is(formatTimedelta(86400), "1 day, 0:00:00");
  t.is(formatTimedelta(2 * 86400 + 3 * 3600 + 4 * 60 + 5), "2 days, 3:04:05");
});

test("the date header is an IMF-fixdate in GMT", (t) => {
  t.is(formatHttpDate(instant), "Mon, 25 Jan 2021 14:13:43 GMT");
});

test("local times follow the process's zone, like datetime.now()", (t) => {
  process.env["TZ"] = "America/Sao_Paulo";
  try {
    t.is(formatWhen(instant), "2021-01-25 11:13:43");
    t.is(formatPyDatetime(instant), "2021-01-25 11:13:43.123000-03:00");
  } finally {
    process.env["TZ"] = "UTC";
  }
});
