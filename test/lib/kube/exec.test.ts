import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { exitCodeOf } from "../../../lib/kube/exec.js";
import { CommandResult } from "../../../lib/run/result.js";
import { MiniApi } from "./helpers/mini-api.js";
import { kubeSession } from "./helpers/kube-session.js";

const pod = (name: string, { phase = "Running", ready = true, annotations = {} as Record<string, string> } = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "payment" }, annotations },
  spec: { nodeName: "lab", containers: [{ name: "payment" }, { name: "istio-proxy" }] },
  status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }], containerStatuses: [{ name: "payment", ready }, { name: "istio-proxy", ready }] },
});

const setup = async () => {
  const api = await new MiniApi().start();
  api.put({ apiVersion: "v1", kind: "Service", metadata: { name: "payment", namespace: "default" }, spec: { selector: { app: "payment" } } });
  const { session, events } = kubeSession({ api });
  return { api, client: new KubeClient({ session }), events };
};

test("exec svc/NAME picks a Running and Ready pod, like kubectl, and returns its output", async (t) => {
  const { api, client, events } = await setup();
  try {
    api.put(pod("payment-0", { phase: "Pending", ready: false }));
    api.put(pod("payment-1"));
    api.put(pod("payment-2", { phase: "Failed", ready: false }));
    api.execHandler = () => ({ stdout: '{"name":"pegasus-pay"}\n', stderr: "  % Total\n" });
    const result = await client.exec({ target: "svc/payment", container: "payment", command: ["curl", "-s", "pegasus-pay.legacy.svc.cluster.local:8000"] });
    t.is(result.exitCode, 0);
    t.is(result.stdout, '{"name":"pegasus-pay"}\n');
    t.is(result.stderr, "  % Total\n");
    t.is(api.execs[0]!.pod, "payment-1");
    t.is(events.ofKind("command")[0]!.display, "kubectl exec svc/payment -c payment -- curl -s pegasus-pay.legacy.svc.cluster.local:8000");
    t.deepEqual(events.ofKind("output").map((o) => o.stream), ["stdout", "stderr"]);
  } finally {
    await api.stop();
  }
});

test("the exit code comes from the status channel; a failure throws the result", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1"));
    api.execHandler = () => ({ stderr: "curl: (7) Failed to connect\n", exitCode: 7 });
    const error = (await t.throwsAsync(client.exec({ target: "svc/payment", container: "payment", command: ["curl", "http://x"] }), { instanceOf: CommandResult })) as CommandResult;
    t.is(error.exitCode, 7);
    t.regex(error.stderr, /command terminated with exit code 7/);
  } finally {
    await api.stop();
  }
});

test("sends stdin and closes it", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1"));
    api.execHandler = (req) => ({ stdout: req.stdin.toUpperCase() });
    const result = await client.exec({ target: "pod/payment-1", command: ["tr", "a-z", "A-Z"], stdin: "hello vm\n" });
    t.is(result.stdout, "HELLO VM\n");
  } finally {
    await api.stop();
  }
});

test("without -c uses the default-container annotation, else the first container", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1", { annotations: { "kubectl.kubernetes.io/default-container": "istio-proxy" } }));
    await client.exec({ target: "payment-1", command: ["true"] });
    t.is(api.execs[0]!.container, "istio-proxy");
  } finally {
    await api.stop();
  }
});

test("a connection that ends without a status is a failure with a cause, not a success", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1"));
    api.execHandler = () => ({ stdout: "partial", noStatus: true });
    const result = await client.exec({ target: "svc/payment", command: ["cat"], nothrow: true });
    t.false(result.ok);
    t.regex(result.cause ?? "", /sem informar o código de saída/);
  } finally {
    await api.stop();
  }
});

test("a command that never ends is cut at the timeout", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1"));
    api.execHandler = () => ({ hang: true });
    const result = await client.exec({ target: "svc/payment", command: ["sleep", "3600"], timeoutMs: 300, nothrow: true });
    t.true(result.timedOut);
    t.false(result.ok);
  } finally {
    await api.stop();
  }
});

test("explains a service without running pods and a container that does not exist", async (t) => {
  const { api, client } = await setup();
  try {
    api.put(pod("payment-1", { phase: "Succeeded", ready: false }));
    const none = await client.exec({ target: "svc/payment", command: ["true"], nothrow: true });
    t.regex(none.stderr, /no running pod for svc\/payment/);
    api.put(pod("payment-2"));
    const wrong = await client.exec({ target: "svc/payment", container: "sidecar", command: ["true"], nothrow: true });
    t.regex(wrong.stderr, /container sidecar not found in pod payment-2 \(contêineres: payment, istio-proxy\)/);
    const missing = await client.exec({ target: "svc/nothing", command: ["true"], nothrow: true });
    t.regex(missing.stderr, /services "nothing" not found/);
    t.is(api.execs.length, 0);
  } finally {
    await api.stop();
  }
});

test("refuses bad targets before connecting", async (t) => {
  const { api, client } = await setup();
  try {
    await t.throwsAsync(client.exec({ target: "svc/payment", command: [] }), { instanceOf: InputError });
    await t.throwsAsync(client.exec({ target: "configmap/x", command: ["true"] }), { instanceOf: InputError });
    await t.throwsAsync(client.exec({ target: "svc/Payment", command: ["true"] }), { instanceOf: InputError });
    t.deepEqual(api.actions, []);
  } finally {
    await api.stop();
  }
});

test("exitCodeOf reads Success, NonZeroExitCode and other failures", (t) => {
  t.is(exitCodeOf({ status: "Success" }), 0);
  t.is(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } }), 3);
  t.is(exitCodeOf({ status: "Failure", reason: "InternalError", message: "boom" }), undefined);
});
