import test from "ava";
import { GenericServiceConfigError, readConfig } from "../../../../lab/apps/generic-service/config.js";

test("an empty environment gives the original's defaults: empty APP/VERSION, no URLs, 10 s interval", (t) => {
  const config = readConfig({});
  t.is(config.app, "");
  t.is(config.version, "");
  t.deepEqual(config.schedCallUrls, [""]);
  t.deepEqual(config.splitCallUrls, [""]);
  t.is(config.schedCallIntervalText, "10");
  t.is(config.schedCallIntervalSeconds, 10);
});

test("empty variables count as unset, like `os.getenv(NAME) or default`", (t) => {
  const config = readConfig({ SCHED_CALL_INTERVAL: "", APP: "" });
  t.is(config.schedCallIntervalSeconds, 10);
  t.is(config.app, "");
});

test("URL lists are split on commas without trimming, as in the course's manifests", (t) => {
  const config = readConfig({
    APP: "front-end",
    VERSION: "v1",
    SCHED_CALL_URL_LST: "http://front-end:8000/s",
    SPLIT_CALL_URL_LST: "http://login:8000/,http://catalogue:8000/, http://orders:8000/s",
  });
  t.deepEqual(config.schedCallUrls, ["http://front-end:8000/s"]);
  t.deepEqual(config.splitCallUrls, ["http://login:8000/", "http://catalogue:8000/", " http://orders:8000/s"]);
  t.is(config.app, "front-end");
  t.is(config.version, "v1");
});

test("SCHED_CALL_INTERVAL follows Python's int(): spaces and underscores pass, 0 becomes 1 s like APScheduler", (t) => {
  t.is(readConfig({ SCHED_CALL_INTERVAL: " 300 " }).schedCallIntervalSeconds, 300);
  t.is(readConfig({ SCHED_CALL_INTERVAL: " 300 " }).schedCallIntervalText, " 300 ");
  t.is(readConfig({ SCHED_CALL_INTERVAL: "1_0" }).schedCallIntervalSeconds, 10);
  t.is(readConfig({ SCHED_CALL_INTERVAL: "0" }).schedCallIntervalSeconds, 1);
});

test("a SCHED_CALL_INTERVAL int() rejects stops the start with a Portuguese message naming the variable and a fix", (t) => {
  const error = t.throws(() => readConfig({ SCHED_CALL_INTERVAL: "10s" }), { instanceOf: GenericServiceConfigError });
  t.regex(error?.message ?? "", /SCHED_CALL_INTERVAL inválido: "10s"/);
  t.regex(error?.message ?? "", /SCHED_CALL_INTERVAL=10/);
});

test("a negative SCHED_CALL_INTERVAL is refused (the original's scheduler would spin forever)", (t) => {
  const error = t.throws(() => readConfig({ SCHED_CALL_INTERVAL: "-5" }), { instanceOf: GenericServiceConfigError });
  t.regex(error?.message ?? "", /fora do intervalo/);
});
