import test from "ava";
import { readFileSync } from "node:fs";
import { InputError } from "../../../lib/errors.js";
import { dockerRunArgv } from "../../../lib/vm/docker.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

// There is no Docker engine here: the fixture's `docker` is a test double that records the argv it receives, which is
// what these tests check (that every option arrives as the one argument it was meant to be).
let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

const calls = (): string[][] =>
  readFileSync(fixture.dockerLog, "utf8")
    .split("\0\n")
    .filter(Boolean)
    .map((line) => line.split("\0"));

const COURSE_RUN = {
  image: "kdop/generic-service:0.0.5",
  name: "pegasus-pay",
  hostname: "pegasus-pay",
  publish: ["8000:8000"],
  env: { SCHED_CALL_URL_LST: "http://localhost:8000/healthz", SCHED_CALL_INTERVAL: "300", APP: "pegasus-pay", VERSION: "v1" },
};

test.serial("docker run reaches the VM with the course's options, each value one argument", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await vm.dockerRun({ ...COURSE_RUN, env: { ...COURSE_RUN.env, GREETING: "olá $(whoami) 'x' \"y\"" } });
  t.deepEqual(calls().at(-1), dockerRunArgv({ ...COURSE_RUN, env: { ...COURSE_RUN.env, GREETING: "olá $(whoami) 'x' \"y\"" } }).slice(1));
  t.is(
    dockerRunArgv(COURSE_RUN).join(" "),
    "docker run -d --rm -p 8000:8000 --hostname pegasus-pay --name pegasus-pay -e SCHED_CALL_URL_LST=http://localhost:8000/healthz -e SCHED_CALL_INTERVAL=300 -e APP=pegasus-pay -e VERSION=v1 kdop/generic-service:0.0.5",
  );
  t.regex(events.ofKind("command")[0]!.display, /^ssh-vm 'docker run -d --rm -p 8000:8000 .* -e '\\''GREETING=olá \$\(whoami\)/);
});

test.serial("logs, inspect and stop go to the named container", async (t) => {
  const { vm } = vmSession({ fixture });
  t.regex(await vm.dockerLogs({ name: "pegasus-pay", tail: 20 }), /Uvicorn running on http:\/\/0\.0\.0\.0:8000/);
  t.deepEqual(calls().at(-1), ["logs", "--tail", "20", "pegasus-pay"]);
  t.true((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
  t.false((await vm.dockerIsRunning({ name: "other-app" })).running);
  await vm.dockerStop({ name: "pegasus-pay" });
  t.deepEqual(calls().at(-1), ["stop", "pegasus-pay"]);
});

test("bad images, ports, names and variables are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.dockerRun({ image: "Kdop/Generic Service" }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerRun({ image: "kdop/generic-service:0.0.5", publish: ["80:eighty"] }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerRun({ image: "kdop/generic-service:0.0.5", env: { "BAD-NAME": "x" } }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerStop({ name: "--all" }), { instanceOf: InputError });
  t.is(events.ofKind("command").length, 0);
});
