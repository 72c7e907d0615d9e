import test from "ava";
import { readFileSync } from "node:fs";
import { InputError } from "../../../lib/errors.js";
import { dockerRunArgv, runningContainers } from "../../../lib/vm/docker.js";
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

test.serial("logs (cut to the last lines here), ps and stop go to the named container", async (t) => {
  const { vm } = vmSession({ fixture });
  t.true((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
  t.false((await vm.dockerIsRunning({ name: "other-app" })).running);
  t.deepEqual(calls().at(-1), ["ps"]);
  const all = await vm.dockerLogs({ name: "pegasus-pay" });
  t.regex(all, /line 1[\s\S]*line 5[\s\S]*Uvicorn running on http:\/\/0\.0\.0\.0:8000/);
  t.is(await vm.dockerLogs({ name: "pegasus-pay", tail: 2 }), "INFO:     line 5\nINFO:     Uvicorn running on http://0.0.0.0:8000\n");
  t.deepEqual(calls().at(-1), ["logs", "pegasus-pay"]);
  await vm.dockerStop({ name: "pegasus-pay" });
  t.deepEqual(calls().at(-1), ["stop", "pegasus-pay"]);
  t.false((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
});

test("the running containers are read from docker ps's NAMES column", (t) => {
  const table = [
    "CONTAINER ID   IMAGE                        COMMAND                  CREATED          STATUS          PORTS                    NAMES",
    '284c1a1c1c5a   kdop/generic-service:0.0.5   "uvicorn --host=0.0.…"   Less than a second ago   Up Less than a second   0.0.0.0:8000->8000/tcp   pegasus-pay',
    '0b1c2d3e4f5a   nginx                        "/docker-entrypoint.…"   2 hours ago      Up 2 hours      80/tcp                   web,web-alias',
    "",
  ].join("\n");
  t.deepEqual(runningContainers({ table }), ["pegasus-pay", "web", "web-alias"]);
  t.deepEqual(runningContainers({ table: table.split("\n")[0]! }), []);
});

test.serial("replace removes a container of the same name before running, so a re-run step starts afresh", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await vm.dockerRun({ ...COURSE_RUN, replace: true });
  await vm.dockerRun({ ...COURSE_RUN, replace: true });
  t.deepEqual(calls().slice(-4).map((c) => c.slice(0, 3)), [["rm", "-f", "pegasus-pay"], ["run", "-d", "--rm"], ["rm", "-f", "pegasus-pay"], ["run", "-d", "--rm"]]);
  t.is(events.ofKind("command")[0]!.display, "ssh-vm docker rm -f pegasus-pay");
  t.true((await vm.dockerIsRunning({ name: "pegasus-pay" })).running);
  await t.throwsAsync(vm.dockerRun({ image: "kdop/generic-service:0.0.5", replace: true }), { instanceOf: InputError });
});

test("bad images, ports, names and variables are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.dockerRun({ image: "Kdop/Generic Service" }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerRun({ image: "kdop/generic-service:0.0.5", publish: ["80:eighty"] }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerRun({ image: "kdop/generic-service:0.0.5", env: { "BAD-NAME": "x" } }), { instanceOf: InputError });
  await t.throwsAsync(vm.dockerStop({ name: "--all" }), { instanceOf: InputError });
  t.is(events.ofKind("command").length, 0);
});
