import test from "ava";
import { plan } from "../helpers/lab-node.js";
import { startRealCluster, type RealCluster } from "../helpers/real-cluster.js";

let c: RealCluster;
test.before(async () => {
  c = await startRealCluster();
  // the course's workload: the generic service behind a Service, and a client pod with curl
  const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: payment}
spec:
  replicas: 2
  selector: {matchLabels: {app: payment}}
  template:
    metadata: {labels: {app: payment, version: v1}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: payment
        image: kdop/generic-service:0.0.5
        env: [{name: APP, value: payment}, {name: VERSION, value: v1}]
        ports: [{name: http, containerPort: 8000}]
        readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: payment}
spec:
  selector: {app: payment}
  ports: [{name: http, port: 8000, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: payment-headless}
spec:
  clusterIP: None
  selector: {app: payment}
  ports: [{name: http, port: 8000}]
---
apiVersion: v1
kind: Pod
metadata: {name: sleep, labels: {app: sleep}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: sleep
    image: curlimages/curl
    command: [/bin/sleep, infinity]
`;
  const applied = await c.kubectl(["apply", "-f", "-"], manifests);
  if (applied.exitCode !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
  await c.waitPodReady("k8s-app=kube-dns", "kube-system");
  await c.waitPodReady("app=sleep");
  await c.waitPodReady("app=payment");
});
test.after.always(async () => {
  await c?.close();
});

const inSleep = (...command: string[]) => c.kubectl(["exec", "sleep", "-c", "sleep", "--", ...command]);

test.serial("CoreDNS runs as the kube-system coredns Deployment's pod and the kube-dns Service points at it", async (t) => {
  const pods = await c.kubectl(["-n", "kube-system", "get", "pods", "-l", "k8s-app=kube-dns", "-o", "jsonpath={.items[0].status.phase} {.items[0].status.containerStatuses[0].ready}"]);
  t.is(pods.stdout, "Running true");
  const svc = await c.kubectl(["-n", "kube-system", "get", "svc", "kube-dns", "-o", "jsonpath={.spec.clusterIP}"]);
  t.is(svc.stdout, plan.clusterDnsIp);
});

test.serial("a pod resolves a Service by its short name through the search path (nslookup, getent) and reaches it with curl", async (t) => {
  const ns = await inSleep("nslookup", "payment");
  t.is(ns.exitCode, 0, ns.stderr);
  t.regex(ns.stdout, new RegExp(`Server:\\s+${plan.clusterDnsIp.replaceAll(".", "\\.")}`));
  const clusterIp = (await c.kubectl(["get", "svc", "payment", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
  t.regex(ns.stdout, new RegExp(`Name:\\s+payment\\.default\\.svc\\.cluster\\.local\\nAddress: ${clusterIp.replaceAll(".", "\\.")}`));
  t.is((await inSleep("getent", "hosts", "payment.default")).stdout.trim().split(/\s+/)[0], clusterIp);
  const curl = await inSleep("curl", "-sS", "--max-time", "5", "http://payment:8000/");
  t.is(curl.exitCode, 0, curl.stderr);
  t.like(JSON.parse(curl.stdout), { app: "payment", version: "v1" });
});

test.serial("dig from inside a pod's network namespace: A, headless, NXDOMAIN with SOA, over UDP and TCP", async (t) => {
  const sleepPod = await c.api.get({ group: "", version: "v1", resource: "pods" }, "sleep", "default");
  const digIn = (...args: string[]) => inSleep("dig", "+time=2", "+tries=2", ...args);
  const clusterIp = (await c.kubectl(["get", "svc", "payment", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
  t.is((await digIn("+short", "payment.default.svc.cluster.local")).stdout.trim(), clusterIp);
  t.is((await digIn("+short", "+tcp", "payment.default.svc.cluster.local")).stdout.trim(), clusterIp);
  const podIps = (await c.kubectl(["get", "pods", "-l", "app=payment", "-o", "jsonpath={.items[*].status.podIP}"])).stdout.split(" ").sort();
  t.deepEqual((await digIn("+short", "payment-headless.default.svc.cluster.local")).stdout.trim().split("\n").sort(), podIps);
  const nx = await digIn("nope.default.svc.cluster.local");
  t.regex(nx.stdout, /status: NXDOMAIN/);
  t.regex(nx.stdout, /cluster\.local\.\s+\d+\s+IN\s+SOA/);
  t.is((await digIn("+short", `${sleepPod.status.podIP.replaceAll(".", "-")}.default.pod.cluster.local`)).stdout.trim(), sleepPod.status.podIP);
});

test.serial("outside names go to the lab's cloud DNS: its table answers, everything else is NXDOMAIN (no internet)", async (t) => {
  t.is((await inSleep("dig", "+short", "deb.debian.org")).stdout.trim(), plan.gateway);
  t.is((await inSleep("dig", "+short", "pegasus.eastus.cloudapp.azure.com")).stdout.trim(), plan.vmPublicAddress);
  t.regex((await inSleep("dig", "www.example.com")).stdout, /status: NXDOMAIN/);
});

test.serial("kubectl exec and kubectl logs reach the pods through the API server", async (t) => {
  const r = await inSleep("sh", "-c", "echo out; echo err >&2; exit 4");
  t.is(r.exitCode, 4);
  t.is(r.stdout, "out\n");
  t.regex(r.stderr, /err\ncommand terminated with exit code 4/);
  const payment = (await c.kubectl(["get", "pods", "-l", "app=payment", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
  const logs = await c.kubectl(["logs", payment]);
  t.is(logs.exitCode, 0, logs.stderr);
  t.regex(logs.stdout, /Uvicorn running on|GET \/healthz/);
});

test.serial("kubectl shows what the kubelet reports: ImagePullBackOff, CrashLoopBackOff and the events of describe", async (t) => {
  const manifest = `
apiVersion: v1
kind: Pod
metadata: {name: ghost}
spec:
  containers: [{name: app, image: kdop/generic-service:9.9.9}]
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers: [{name: app, image: busybox, command: [sh, -c, "echo boom; exit 1"]}]
`;
  t.is((await c.kubectl(["apply", "-f", "-"], manifest)).exitCode, 0);
  const status = async (pod: string) => (await c.kubectl(["get", "pod", pod, "--no-headers"])).stdout.trim().split(/\s+/)[2];
  const waitStatus = async (pod: string, want: string) => {
    for (let i = 0; i < 150; i++) {
      if ((await status(pod)) === want) return want;
      await new Promise((r) => setTimeout(r, 200));
    }
    return status(pod);
  };
  t.is(await waitStatus("ghost", "ImagePullBackOff"), "ImagePullBackOff");
  t.is(await waitStatus("crasher", "CrashLoopBackOff"), "CrashLoopBackOff");
  const describe = await c.kubectl(["describe", "pod", "ghost"]);
  t.regex(describe.stdout, /Failed to pull image "kdop\/generic-service:9\.9\.9": rpc error: code = NotFound/);
  t.regex(describe.stdout, /Successfully assigned default\/ghost to lab-node/);
  const previous = await c.kubectl(["logs", "crasher", "--previous"]);
  t.is(previous.stdout, "boom\n");
  const deleted = await c.kubectl(["delete", "pod", "ghost", "crasher", "--wait=true"]);
  t.is(deleted.exitCode, 0, deleted.stderr);
});
