import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { host } from "../../../../lab/net/ip.js";
import { listNetns } from "../../../../lab/net/netns.js";
import { listProcessRecords } from "../../../../lab/host/pidfile.js";
import { sandboxNames } from "../../../../lab/cluster/kubelet/sandbox.js";
import { plan, startTestNode, waitFor, type TestNode } from "../helpers/lab-node.js";
import { T } from "../helpers/fake-api.js";

let node: TestNode;
test.before(async () => {
  node = await startTestNode();
});
test.after.always(async () => {
  await node?.close();
});

const payment = {
  name: "payment-0",
  labels: { app: "payment", version: "v1" },
  spec: {
    terminationGracePeriodSeconds: 5,
    containers: [
      {
        name: "payment",
        image: "kdop/generic-service:0.0.5",
        env: [
          { name: "APP", value: "payment" },
          { name: "VERSION", value: "v1" },
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          { name: "GREETING", value: "pod $(POD_NAME) in $(APP)" },
        ],
        ports: [{ name: "http", containerPort: 8000 }],
        readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 1 },
      },
    ],
  },
};

const client = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "sleep", image: "curlimages/curl:8.5.0", command: ["/bin/sleep", "infinity"], ...extra }] },
});

test.serial("runs the generic service as a real process: Running, Ready, an address from the pod range, the real status shape", async (t) => {
  await node.createPod(payment);
  const pod = await node.waitReady("payment-0");
  const s = pod.status;
  t.is(s.phase, "Running");
  t.regex(s.podIP, /^198\.18\.81\.\d+$/);
  t.deepEqual(s.podIPs, [{ ip: s.podIP }]);
  t.is(s.hostIP, plan.gateway);
  t.truthy(Date.parse(s.startTime));
  t.is(pod.spec.nodeName, "lab-node");
  t.deepEqual(
    s.conditions.map((c: any) => [c.type, c.status]),
    [["PodReadyToStartContainers", "True"], ["Initialized", "True"], ["Ready", "True"], ["ContainersReady", "True"], ["PodScheduled", "True"]],
  );
  const [c] = s.containerStatuses;
  t.like(c, { name: "payment", ready: true, started: true, restartCount: 0, image: "docker.io/kdop/generic-service:0.0.5" });
  t.regex(c.imageID, /^docker\.io\/kdop\/generic-service@sha256:[0-9a-f]{64}$/);
  t.regex(c.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  t.truthy(c.state.running.startedAt);
  t.is(s.qosClass, "BestEffort");
  const reasons = (await node.api.list(T.events, { namespace: "default" })).filter((e: any) => e.involvedObject.name === "payment-0").map((e: any) => e.reason);
  t.deepEqual(reasons.slice(0, 5), ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
});

test.serial("the container sees its own hostname, resolv.conf, hosts file and service-account token", async (t) => {
  t.is((await node.exec("payment-0", ["hostname"])).stdout.trim(), "payment-0");
  t.is((await node.exec("payment-0", ["cat", "/etc/hostname"])).stdout.trim(), "payment-0");
  t.is(
    (await node.exec("payment-0", ["cat", "/etc/resolv.conf"])).stdout,
    `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${plan.clusterDnsIp}\noptions ndots:5\n`,
  );
  const pod = await node.pod("payment-0");
  t.regex((await node.exec("payment-0", ["cat", "/etc/hosts"])).stdout, new RegExp(`^# Kubernetes-managed hosts file\\.[\\s\\S]*\\n${pod.status.podIP.replaceAll(".", "\\.")}\\tpayment-0\\n$`));
  const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
  t.is((await node.exec("payment-0", ["cat", `${sa}/namespace`])).stdout, "default");
  t.regex((await node.exec("payment-0", ["cat", `${sa}/token`])).stdout, /^fake\.[0-9a-f]+\.sig$/);
  t.regex((await node.exec("payment-0", ["cat", `${sa}/ca.crt`])).stdout, /BEGIN CERTIFICATE/);
  const write = await node.exec("payment-0", ["sh", "-c", `echo x > ${sa}/token`]);
  t.not(write.exitCode, 0, "the token is mounted read-only");
  t.regex(write.stderr, /Read-only file system/);
  t.true(node.api.actions.includes("create serviceaccounts/token default/default"));
  // the host keeps its own files
  t.notRegex(await host(["cat", "/etc/resolv.conf"]).then((r) => r.stdout), new RegExp(plan.clusterDnsIp.replaceAll(".", "\\.")));
});

test.serial("the container's environment has the pod's fields, expanded references and the kubernetes Service", async (t) => {
  const env = (await node.exec("payment-0", ["env"])).stdout.split("\n");
  const pod = await node.pod("payment-0");
  t.true(env.includes("POD_NAME=payment-0"));
  t.true(env.includes(`POD_IP=${pod.status.podIP}`));
  t.true(env.includes("GREETING=pod payment-0 in payment"));
  t.true(env.includes(`KUBERNETES_SERVICE_HOST=${plan.kubernetesServiceIp}`));
  t.true(env.includes("KUBERNETES_SERVICE_PORT=443"));
  t.true(env.includes(`KUBERNETES_PORT_443_TCP=tcp://${plan.kubernetesServiceIp}:443`));
  t.true(env.includes("HOSTNAME=payment-0"));
});

test.serial("exec reports the command's exit code, stdin, and 126 for a command that does not exist", async (t) => {
  t.is((await node.exec("payment-0", ["sh", "-c", "exit 3"])).exitCode, 3);
  t.is((await node.exec("payment-0", ["cat"], { stdin: "from stdin" })).stdout, "from stdin");
  const missing = await node.exec("payment-0", ["no-such-tool"]);
  t.is(missing.exitCode, 126);
  t.regex(missing.stdout, /exec: "no-such-tool": executable file not found in \$PATH/);
  const tty = await node.exec("payment-0", ["sh", "-c", "test -t 0 && test -t 1 && echo tty"], { tty: true });
  t.is(tty.exitCode, 0);
  t.is(tty.stdout.trim(), "tty");
  await t.throwsAsync(node.kubelet.exec({ namespace: "default", pod: "payment-0", container: "nope", command: ["true"], stdin: false, tty: false }), { message: /container nope is not valid for pod payment-0/ });
  await t.throwsAsync(node.kubelet.exec({ namespace: "default", pod: "ghost", container: "x", command: ["true"], stdin: false, tty: false }), { message: /pods "ghost" not found/ });
});

test.serial("a pod reaches another pod's address with curl and pings addresses on the bridge", async (t) => {
  await node.createPod(client("sleep-0"));
  await node.waitReady("sleep-0");
  const target = (await node.pod("payment-0")).status.podIP;
  const r = await node.exec("sleep-0", ["curl", "-sS", "--max-time", "5", `http://${target}:8000/`]);
  t.is(r.exitCode, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { app: "payment", version: "v1" });
  t.is((await node.exec("sleep-0", ["ping", "-c", "1", "-W", "2", target])).exitCode, 0);
  t.is((await node.exec("sleep-0", ["ping", "-c", "1", "-W", "2", plan.gateway])).exitCode, 0);
});

test.serial("containers run as securityContext.runAsUser, and may still ping", async (t) => {
  await node.createPod(client("as-1337", { securityContext: { runAsUser: 1337, runAsGroup: 1337 } }));
  await node.waitReady("as-1337");
  t.is((await node.exec("as-1337", ["id", "-u"])).stdout.trim(), "1337");
  const pod = await node.pod("as-1337");
  const record = (await listProcessRecords(path.join(node.stateDir, "run"))).find((r) => r.name === `kubelet-${sandboxNames(plan, pod.metadata.uid!).short}-sleep`);
  t.regex(await readFile(`/proc/${record!.pid}/status`, "utf8"), /^Uid:\t1337\t1337\t1337\t1337$/m, "the container's own process runs as 1337");
  t.is((await node.exec("as-1337", ["ping", "-c", "1", "-W", "2", plan.gateway])).exitCode, 0);
});

test.serial("an image the lab does not know stays in ErrImagePull/ImagePullBackOff with the real messages and events", async (t) => {
  await node.createPod({ name: "ghost-image", spec: { containers: [{ name: "app", image: "kdop/generic-service:9.9.9" }] } });
  const pod = await waitFor("ImagePullBackOff", async () => {
    const p = await node.pod("ghost-image");
    return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff" ? p : undefined;
  });
  t.is(pod.status.phase, "Pending");
  t.like(pod.status.containerStatuses[0], { ready: false, started: false, restartCount: 0, image: "kdop/generic-service:9.9.9" });
  t.is(pod.status.containerStatuses[0].state.waiting.message, 'Back-off pulling image "kdop/generic-service:9.9.9"');
  const events = (await node.api.list(T.events, { namespace: "default" })).filter((e: any) => e.involvedObject.name === "ghost-image");
  const messages = events.map((e: any) => `${e.type} ${e.reason} ${e.message}`);
  t.true(messages.includes('Warning Failed Failed to pull image "kdop/generic-service:9.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/kdop/generic-service:9.9.9": failed to resolve reference "docker.io/kdop/generic-service:9.9.9": docker.io/kdop/generic-service:9.9.9: not found'));
  t.true(messages.includes("Warning Failed Error: ErrImagePull"));
  t.true(messages.includes('Normal BackOff Back-off pulling image "kdop/generic-service:9.9.9"'));
  t.true(messages.includes("Warning Failed Error: ImagePullBackOff"));
  t.is((events.find((e: any) => e.reason === "Pulling") as any)?.involvedObject.fieldPath, "spec.containers{app}");
  await t.throwsAsync(node.kubelet.logs({ namespace: "default", pod: "ghost-image", container: "app" }), { message: 'container "app" in pod "ghost-image" is waiting to start: ImagePullBackOff' });
});

test.serial("a crashing container is restarted with back-off: CrashLoopBackOff, restartCount, lastState, logs --previous", async (t) => {
  await node.createPod({ name: "crasher", spec: { containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo boom $HOSTNAME; exit 2"] }] } });
  const pod = await waitFor("CrashLoopBackOff", async () => {
    const p = await node.pod("crasher");
    const c = p.status?.containerStatuses?.[0];
    return c?.state?.waiting?.reason === "CrashLoopBackOff" && c.restartCount >= 1 ? p : undefined;
  });
  const c = pod.status.containerStatuses[0];
  t.regex(c.state.waiting.message, /^back-off 10s restarting failed container=app pod=crasher_default\(/);
  t.like(c.lastState.terminated, { exitCode: 2, reason: "Error" });
  t.is(pod.status.phase, "Running");
  const chunks: Buffer[] = [];
  for await (const chunk of await node.kubelet.logs({ namespace: "default", pod: "crasher", container: "app", previous: true })) chunks.push(Buffer.from(chunk));
  t.is(Buffer.concat(chunks).toString(), "boom crasher\n");
  const events = (await node.api.list(T.events, { namespace: "default" })).filter((e: any) => e.involvedObject.name === "crasher");
  t.true(events.some((e: any) => e.reason === "BackOff" && /^Back-off restarting failed container app in pod crasher_default\(/.test(e.message)));
});

test.serial("logs of a running container, with tail and timestamps", async (t) => {
  const read = async (req: Record<string, unknown>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await node.kubelet.logs({ namespace: "default", pod: "payment-0", container: "payment", ...req })) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString();
  };
  const all = await read({});
  t.true(all.length > 0);
  const last = await read({ tailLines: 1 });
  t.is(last.split("\n").filter(Boolean).length, 1);
  t.true(all.endsWith(last));
  t.regex(await read({ tailLines: 1, timestamps: true }), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
});

test.serial("init containers run to completion first and can write iptables rules in the pod's namespace", async (t) => {
  await node.createPod({
    name: "with-init",
    spec: {
      initContainers: [{ name: "istio-init", image: "busybox", command: ["sh", "-c", "iptables -t nat -N ISTIO_OUTPUT && iptables -t nat -A OUTPUT -p tcp -j ISTIO_OUTPUT && echo done"] }],
      containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"] }],
    },
  });
  const pod = await node.waitReady("with-init");
  t.like(pod.status.initContainerStatuses[0], { name: "istio-init", ready: false, restartCount: 0 });
  t.like(pod.status.initContainerStatuses[0].state.terminated, { exitCode: 0, reason: "Completed" });
  const netns = sandboxNames(plan, pod.metadata.uid!).netns;
  const rules = (await host(["ip", "netns", "exec", netns, "iptables", "-t", "nat", "-S", "OUTPUT"])).stdout.trim().split("\n");
  t.deepEqual(rules.slice(1), ["-A OUTPUT -p tcp -j ISTIO_OUTPUT", '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES']);
});

test.serial("deleting a pod stops its processes within the grace period and leaves no namespace, link, record or address", async (t) => {
  const pod = await node.pod("payment-0");
  const names = sandboxNames(plan, pod.metadata.uid!);
  const records = (await listProcessRecords(path.join(node.stateDir, "run"))).filter((r) => r.name.startsWith(`kubelet-${names.short}`));
  t.is(records.length, 2); // the sandbox holder and the container
  await node.api.delete(T.pods, "payment-0", "default");
  await waitFor("pod gone", async () => !(await node.api.list(T.pods, { namespace: "default" })).some((p) => p.metadata.name === "payment-0"));
  t.false((await listNetns()).includes(names.netns));
  t.is((await host(["ip", "link", "show", "dev", names.hostIf], { allowFailure: true })).exitCode !== 0, true);
  t.false((await readdir("/etc/netns").catch(() => [] as string[])).includes(names.netns));
  t.deepEqual((await listProcessRecords(path.join(node.stateDir, "run"))).filter((r) => r.name.startsWith(`kubelet-${names.short}`)), []);
  for (const r of records) t.throws(() => process.kill(r.pid, 0));
  const leases = JSON.parse(await readFile(path.join(node.stateDir, "kubelet", "ipam.json"), "utf8")) as Record<string, string>;
  t.false(Object.values(leases).includes(pod.metadata.uid!));
  t.true((await node.api.list(T.events, { namespace: "default" })).some((e: any) => e.involvedObject.name === "payment-0" && e.reason === "Killing" && e.message === "Stopping container payment"));
});

test.serial("stop() leaves no pod namespace, /etc/netns folder or kubelet process behind", async (t) => {
  const pods = await node.api.list(T.pods, {});
  t.true(pods.length > 0);
  await node.kubelet.stop({ graceSeconds: 1 });
  t.deepEqual((await listNetns()).filter((n) => n.startsWith(`${plan.prefix}-p-`)), []);
  t.deepEqual((await readdir("/etc/netns").catch(() => [] as string[])).filter((n) => n.startsWith(`${plan.prefix}-p-`)), []);
  t.deepEqual((await listProcessRecords(path.join(node.stateDir, "run"))).filter((r) => r.name.startsWith("kubelet-")), []);
  t.deepEqual((await host(["ip", "-o", "link", "show", "master", plan.bridge])).stdout.trim(), "");
});

test.serial("other pid files in run/ (the daemon's plain cluster.pid) do not disturb the kubelet", async (t) => {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path.join(node.stateDir, "run", "cluster.pid"), `${process.pid}\n`);
  const kubelet2 = new (node.kubelet.constructor as typeof import("../../../../lab/cluster/kubelet/kubelet.js").Kubelet)({ plan, stateDir: node.stateDir, log: () => undefined });
  await kubelet2.start(node.api);
  await node.createPod(client("after-restart"));
  await node.waitReady("after-restart");
  await kubelet2.stop({ graceSeconds: 1 });
  t.true(await readFile(path.join(node.stateDir, "run", "cluster.pid"), "utf8").then(() => true));
});
