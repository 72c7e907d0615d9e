import test from "ava";
import { spawn } from "node:child_process";
import { runInVm } from "../../../../lab/vm/exec.js";
import { acquireLabLock, eventually, labCli, runProcess, sshVm, SSH_OPTIONS, testContext } from "../../../helpers/lab-instance.js";

let release: (() => Promise<void>) | undefined;
const ctx = testContext();
const vm = { plan: ctx.plan, paths: ctx.paths };

const COURSE_RUN = [
  "docker run -d --rm",
  "-p 8000:8000",
  "--hostname pegasus-pay",
  "--name pegasus-pay",
  "-e SCHED_CALL_URL_LST=http://localhost:8000/healthz",
  "-e SCHED_CALL_INTERVAL=300",
  "-e APP=pegasus-pay",
  "-e VERSION=v1",
  "kdop/generic-service:0.0.5",
].join(" ");

test.before(async () => {
  release = await acquireLabLock();
  const up = await labCli("up");
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
});

test.after.always(async () => {
  await labCli("down");
  await release?.();
});

test.serial("the student (in the docker group) runs the course's pegasus-pay container and reaches it on the VM's port 8000", async (t) => {
  const run = await sshVm(COURSE_RUN);
  t.is(run.exitCode, 0, run.stderr);
  t.regex(run.stdout.trim(), /^[0-9a-f]{64}$/);
  const ps = await sshVm("docker ps");
  const [header, row] = ps.stdout.trim().split("\n");
  t.regex(header!, /^CONTAINER ID\s{3}IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  t.regex(row!, /^[0-9a-f]{12}\s+kdop\/generic-service:0\.0\.5\s+".+"\s+.+ ago\s+Up .+\s+0\.0\.0\.0:8000->8000\/tcp\s+pegasus-pay$/);
  for (const address of [ctx.plan.vmAddress, ctx.plan.vmPublicAddress]) {
    let body = "";
    t.true(await eventually(async () => (body = (await runProcess(["curl", "-s", "-m", "2", `http://${address}:8000/`])).stdout).includes("pegasus-pay")));
    t.like(JSON.parse(body), { app: "pegasus-pay", version: "v1" });
  }
  const local = await sshVm("curl -s localhost:8000/healthz");
  t.like(JSON.parse(local.stdout), { app: "pegasus-pay" });
});

test.serial("the container has its own network namespace on docker0 (172.17.0.x) and the hostname given with --hostname", async (t) => {
  const r = await runInVm(vm, ["sh", "-c", "ip -o -4 addr show dev docker0; ip -o link show master docker0 | wc -l"]);
  t.regex(r.stdout, /docker0\s+inet 172\.17\.0\.1\/16/);
  t.regex(r.stdout, /^1$/m);
  const logs = await sshVm("docker logs pegasus-pay 2>&1");
  t.regex(logs.stdout, /Uvicorn running on http:\/\/0\.0\.0\.0:8000/);
  t.regex(logs.stdout, /172\.17\.0\.1:\d+ - "GET \/ HTTP\/1\.1" 200|"GET \/ HTTP\/1\.1" 200/);
});

test.serial("Docker's DNAT comes first in nat PREROUTING, so a rule appended later (Istio's ISTIO_INBOUND) comes after it", async (t) => {
  await runInVm(vm, ["sh", "-c", "iptables -t nat -N ISTIO_INBOUND && iptables -t nat -A PREROUTING -p tcp -j ISTIO_INBOUND"]);
  const prerouting = (await sshVm("sudo iptables -t nat -S PREROUTING")).stdout.trim().split("\n");
  t.deepEqual(prerouting, ["-P PREROUTING ACCEPT", "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A PREROUTING -p tcp -j ISTIO_INBOUND"]);
  const docker = (await sshVm("sudo iptables -t nat -S DOCKER")).stdout;
  t.regex(docker, /-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8000 -j DNAT --to-destination 172\.17\.0\.\d+:8000/);
  const output = (await sshVm("sudo iptables -t nat -S OUTPUT")).stdout;
  t.regex(output, /-A OUTPUT ! -d 127\.0\.0\.0\/8 -m addrtype --dst-type LOCAL -j DOCKER/);
  t.regex((await sshVm("sudo iptables -t nat -S POSTROUTING")).stdout, /-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/);
  t.regex((await sshVm("sudo iptables -S FORWARD")).stdout, /-P FORWARD DROP[\s\S]*-A FORWARD -j DOCKER-USER/);
  await runInVm(vm, ["sh", "-c", "iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND && iptables -t nat -X ISTIO_INBOUND"]);
});

test.serial("docker logs -f streams new lines as they are written", async (t) => {
  const follower = spawn("ssh", ["-i", ctx.paths.sshKey, ...SSH_OPTIONS, `peguser@${ctx.plan.vmPublicAddress}`, "docker logs -f pegasus-pay"], { stdio: ["ignore", "pipe", "pipe"] });
  let seen = "";
  follower.stdout.on("data", (c: Buffer) => (seen += c.toString()));
  follower.stderr.on("data", (c: Buffer) => (seen += c.toString()));
  t.true(await eventually(async () => seen.includes("Uvicorn running")));
  await runProcess(["curl", "-s", "-m", "2", `http://${ctx.plan.vmAddress}:8000/r?code=503`]);
  t.true(await eventually(async () => /"GET \/r\?code=503 HTTP\/1\.1" 503/.test(seen)));
  follower.kill();
});

test.serial("a second run with the same name fails like Docker (name conflict, exit 125)", async (t) => {
  const r = await sshVm(COURSE_RUN);
  t.is(r.exitCode, 125);
  t.regex(r.stderr, /^docker: Error response from daemon: Conflict\. The container name "\/pegasus-pay" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\nSee 'docker run --help'\.\n$/);
});

test.serial("docker stop prints the name, and --rm removes the container, its DNAT rule and its veth", async (t) => {
  const stop = await sshVm("docker stop pegasus-pay");
  t.is(stop.stdout, "pegasus-pay\n");
  t.is((await sshVm("docker ps -a -q")).stdout, "");
  t.notRegex((await sshVm("sudo iptables -t nat -S DOCKER")).stdout, /DNAT/);
  t.is((await runInVm(vm, ["sh", "-c", "ip -o link show master docker0 | wc -l"])).stdout.trim(), "0");
  const logs = await sshVm("docker logs pegasus-pay");
  t.is(logs.exitCode, 1);
  t.is(logs.stderr, "Error response from daemon: No such container: pegasus-pay\n");
  t.is((await runProcess(["curl", "-s", "-m", "2", `http://${ctx.plan.vmAddress}:8000/`])).exitCode, 7);
});

test.serial("an unknown image fails with Docker's own messages and exit code 125", async (t) => {
  const r = await sshVm("docker run -d --name web nginx");
  t.is(r.exitCode, 125);
  t.is(
    r.stderr,
    "Unable to find image 'nginx:latest' locally\n" +
      "docker: Error response from daemon: pull access denied for nginx, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.\n" +
      "See 'docker run --help'.\n",
  );
});

test.serial("--network host runs the service in the VM's own network namespace, without Docker's DNAT", async (t) => {
  const r = await sshVm("docker run -d --rm --network host --hostname pegasus-pay --name pegasus-pay -e APP=pegasus-pay -e VERSION=v2 kdop/generic-service:0.0.5");
  t.is(r.exitCode, 0, r.stderr);
  let body = "";
  t.true(await eventually(async () => (body = (await runProcess(["curl", "-s", "-m", "2", `http://${ctx.plan.vmAddress}:8000/`])).stdout).includes("v2")));
  t.like(JSON.parse(body), { app: "pegasus-pay", version: "v2" });
  t.notRegex((await sshVm("sudo iptables -t nat -S DOCKER")).stdout, /DNAT/);
  t.regex((await sshVm("docker ps")).stdout, /Up .+\s{3,}pegasus-pay$/m);
  t.is((await sshVm("docker rm -f pegasus-pay")).stdout, "pegasus-pay\n");
});

test.serial("what this docker does not do is refused in Portuguese, naming what it supports", async (t) => {
  const r = await sshVm("docker run -d -v /tmp:/data kdop/generic-service:0.0.5");
  t.is(r.exitCode, 125);
  t.regex(r.stderr, /o docker desta VM do laboratório não suporta a opção -v/);
  const build = await sshVm("docker build .");
  t.is(build.exitCode, 1);
  t.regex(build.stderr, /o comando "docker build" não é suportado/);
  t.regex((await sshVm("docker --help")).stdout, /Docker do laboratório/);
});

test.serial("only root and the docker group may talk to the daemon, like Docker's socket", async (t) => {
  await runInVm(vm, ["sh", "-c", "id outsider >/dev/null 2>&1 || useradd --create-home outsider"]);
  const r = await runInVm(vm, ["runuser", "-u", "outsider", "--", "docker", "ps"], { allowFailure: true });
  t.is(r.exitCode, 1);
  t.regex(r.stderr, /^permission denied while trying to connect to the Docker daemon socket at unix:\/\/\/var\/run\/docker\.sock: Get "http:\/\/%2Fvar%2Frun%2Fdocker\.sock\/v1\.41\/containers\/json": dial unix \/var\/run\/docker\.sock: connect: permission denied/);
});
