import test from "ava";
import { parsePublish, parseRunArgs, UnsupportedUsageError } from "../../../../../lab/vm/guest/docker/cli-args.js";
import { findImage, parseReference } from "../../../../../lab/vm/guest/docker/images.js";
import { columns, ellipsis, humanDuration } from "../../../../../lab/vm/guest/docker/format.js";
import { frame, readFrames } from "../../../../../lab/vm/guest/docker/api.js";

test("parses the course's docker run of pegasus-pay", (t) => {
  const args = parseRunArgs(["-d", "--rm", "-p", "8000:8000", "--hostname", "pegasus-pay", "--name", "pegasus-pay", "-e", "SCHED_CALL_URL_LST=http://localhost:8000/healthz", "-e", "SCHED_CALL_INTERVAL=300", "-e", "APP=pegasus-pay", "-e", "VERSION=v1", "kdop/generic-service:0.0.5"]);
  t.deepEqual(args, {
    detach: true,
    rm: true,
    publish: ["8000:8000"],
    hostname: "pegasus-pay",
    name: "pegasus-pay",
    env: ["SCHED_CALL_URL_LST=http://localhost:8000/healthz", "SCHED_CALL_INTERVAL=300", "APP=pegasus-pay", "VERSION=v1"],
    image: "kdop/generic-service:0.0.5",
  });
  t.is(parseRunArgs(["--network=host", "--name=x", "kdop/generic-service:0.0.5"]).network, "host");
});

test("refuses what this docker does not do, in Portuguese, naming what it supports", (t) => {
  const volume = t.throws(() => parseRunArgs(["-v", "/a:/b", "kdop/generic-service:0.0.5"]), { instanceOf: UnsupportedUsageError });
  t.regex(volume!.message, /o docker desta VM do laboratório não suporta a opção -v/);
  t.regex(volume!.message, /docker run \[-d\]/);
  t.regex(t.throws(() => parseRunArgs(["kdop/generic-service:0.0.5", "sh"]))!.message, /um comando depois da imagem/);
  t.regex(t.throws(() => parsePublish("8000"))!.message, /use -p 8000:8000/);
});

test("reads -p forms into Engine API port bindings", (t) => {
  t.deepEqual(parsePublish("8000:8000"), { key: "8000/tcp", hostIp: "", hostPort: "8000" });
  t.deepEqual(parsePublish("127.0.0.1:8080:8000/tcp"), { key: "8000/tcp", hostIp: "127.0.0.1", hostPort: "8080" });
  t.throws(() => parsePublish("x:8000"), { message: /Invalid hostPort: x/ });
});

test("knows only the course's image, under its Docker Hub names", (t) => {
  t.truthy(findImage("kdop/generic-service:0.0.5"));
  t.truthy(findImage("docker.io/kdop/generic-service:0.0.5"));
  t.is(findImage("kdop/generic-service"), undefined);
  t.is(findImage("nginx"), undefined);
  t.deepEqual(parseReference("nginx"), { repository: "nginx", tag: "latest" });
});

test("formats like the docker CLI: tabwriter columns, human durations, truncated commands", (t) => {
  t.deepEqual(columns([["CONTAINER ID", "NAMES"], ["abc", "x"]]), ["CONTAINER ID   NAMES", "abc            x"]);
  t.is(humanDuration(500), "Less than a second");
  t.is(humanDuration(5_000), "5 seconds");
  t.is(humanDuration(70_000), "About a minute");
  t.is(humanDuration(3 * 60_000), "3 minutes");
  t.is(ellipsis("uvicorn --host=0.0.0.0 --port=8000", 20), "uvicorn --host=0.0.…");
});

test("log frames round-trip through Docker's multiplexed stream format", (t) => {
  const bytes = Buffer.concat([frame("stdout", "a\n"), frame("stderr", "bé\n")]);
  t.is(bytes[0], 1);
  const { frames, rest } = readFrames(Buffer.concat([bytes, Buffer.from([1, 0, 0])]));
  t.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [["stdout", "a\n"], ["stderr", "bé\n"]]);
  t.is(rest.length, 3);
});
