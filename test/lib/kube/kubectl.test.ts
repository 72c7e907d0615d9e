import test from "ava";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { Kubectl, isAlreadyExists } from "../../../lib/kube/kubectl.js";
import { diagnoseKubeFailure } from "../../../lib/kube/failures.js";
import { serviceExternalAddress, type AnyObject } from "../../../lib/kube/objects.js";
import { CommandResult } from "../../../lib/run/result.js";
import type { Executor, ProcessSpec } from "../../../lib/run/executor.js";
import { MiniApi } from "./helpers/mini-api.js";
import { eventually, kubeSession, REAL_KUBECTL } from "./helpers/kube-session.js";

// Display paths are relative to the project folder.
process.env["RUNBOOK_HOME"] = "/work/main";

const withApi = async (fn: (api: MiniApi) => Promise<void>): Promise<void> => {
  const api = await new MiniApi().start();
  try {
    await fn(api);
  } finally {
    await api.stop();
  }
};

const gateway = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "istio-eastwestgateway", namespace: "istio-system", labels: { istio: "eastwestgateway" } },
  spec: { type: "LoadBalancer", ports: [{ name: "tls-istiod", port: 15012, protocol: "TCP" }] },
  status: { loadBalancer: { ingress: [{ ip: "198.18.98.1" }] } },
};

test("runs the real kubectl with --context and KUBECONFIG, and shows what a student types", async (t) => {
  await withApi(async (api) => {
    api.put(gateway);
    const { session, events } = kubeSession({ api });
    const kubectl = new Kubectl({ session });
    const svc = await kubectl.getJson<AnyObject>({ resource: "svc", name: "istio-eastwestgateway", namespace: "istio-system" });
    t.is(serviceExternalAddress(svc!), "198.18.98.1");
    const command = events.ofKind("command")[0]!;
    t.is(command.display, "kubectl get svc istio-eastwestgateway -n istio-system -o json");
    t.true(command.exact.startsWith(`${REAL_KUBECTL} --context mini get svc`));
    // kubectl found the server through KUBECONFIG (the mini API recorded its requests).
    t.true(api.actions.includes("GET /api/v1/namespaces/istio-system/services/istio-eastwestgateway"));
  });
});

test("jsonpath returns the printed value", async (t) => {
  await withApi(async (api) => {
    api.put(gateway);
    const { session, events } = kubeSession({ api });
    const ip = await new Kubectl({ session }).jsonpath({ resource: "svc", name: "istio-eastwestgateway", namespace: "istio-system", path: "{.status.loadBalancer.ingress[0].ip}" });
    t.is(ip, "198.18.98.1");
    t.is(events.ofKind("command")[0]!.display, "kubectl get svc istio-eastwestgateway -n istio-system -o 'jsonpath={.status.loadBalancer.ingress[0].ip}'");
  });
});

test("lists across namespaces with -A", async (t) => {
  await withApi(async (api) => {
    api.put({ apiVersion: "networking.istio.io/v1", kind: "WorkloadEntry", metadata: { name: "pegasus-pay-10.0.0.5", namespace: "legacy" }, spec: { address: "10.0.0.5" } });
    api.put({ apiVersion: "networking.istio.io/v1", kind: "WorkloadEntry", metadata: { name: "other", namespace: "default" }, spec: { address: "10.0.0.6" } });
    const { session, events } = kubeSession({ api });
    const list = await new Kubectl({ session }).getJson<{ items: Array<{ metadata: { name: string } }> }>({ resource: "workloadentry.networking.istio.io", allNamespaces: true });
    t.deepEqual(list!.items.map((i) => i.metadata.name).sort(), ["other", "pegasus-pay-10.0.0.5"]);
    t.is(events.ofKind("command")[0]!.display, "kubectl get workloadentry.networking.istio.io -A -o json");
  });
});

test("creating a namespace twice is not an error: the second time says it already exists", async (t) => {
  await withApi(async (api) => {
    const { session, events } = kubeSession({ api });
    const kubectl = new Kubectl({ session });
    const first = await kubectl.createNamespace({ name: "legacy" });
    t.true(first.ok);
    t.is(events.ofKind("command")[0]!.display, "kubectl create namespace legacy");
    const second = await kubectl.createNamespace({ name: "legacy" });
    t.false(second.ok);
    t.true(isAlreadyExists(second));
    t.regex(events.ofKind("note").at(-1)!.text, /o namespace legacy já existe/);
    await t.throwsAsync(kubectl.createNamespace({ name: "legacy", existOk: false }), { instanceOf: CommandResult });
  });
});

test("creates a service account in a namespace", async (t) => {
  await withApi(async (api) => {
    const { session, events } = kubeSession({ api });
    const kubectl = new Kubectl({ session });
    await kubectl.createNamespace({ name: "legacy" });
    await kubectl.createServiceAccount({ name: "legacy-pegasus", namespace: "legacy" });
    t.truthy(api.object({ apiVersion: "v1", kind: "ServiceAccount", name: "legacy-pegasus", namespace: "legacy" }));
    t.is(events.ofKind("command")[1]!.display, "kubectl create serviceaccount legacy-pegasus -n legacy");
  });
});

test("exec svc/NAME -c C reaches the service's pod and passes the command's exit code through", async (t) => {
  await withApi(async (api) => {
    api.put({ apiVersion: "v1", kind: "Service", metadata: { name: "payment", namespace: "default" }, spec: { selector: { app: "payment" }, ports: [{ port: 8000 }] } });
    api.put({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "payment-1", namespace: "default", labels: { app: "payment" } },
      spec: { nodeName: "lab", containers: [{ name: "payment" }, { name: "istio-proxy" }] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "payment", ready: true }, { name: "istio-proxy", ready: true }] },
    });
    api.execHandler = (req) => (req.command.includes("10.240.0.115") ? { stdout: "5 packets transmitted, 5 received\n" } : { stderr: "ping: unreachable\n", exitCode: 1 });
    const { session, events } = kubeSession({ api });
    const kubectl = new Kubectl({ session });
    const ok = await kubectl.exec({ target: "svc/payment", container: "payment", command: ["ping", "-c", "5", "10.240.0.115"] });
    t.is(ok.stdout, "5 packets transmitted, 5 received\n");
    t.is(events.ofKind("command")[0]!.display, "kubectl exec svc/payment -c payment -- ping -c 5 10.240.0.115");
    t.deepEqual(api.execs[0], { namespace: "default", pod: "payment-1", container: "payment", command: ["ping", "-c", "5", "10.240.0.115"], stdin: "", protocol: "v5.channel.k8s.io" });

    const failed = await kubectl.exec({ target: "svc/payment", container: "payment", command: ["ping", "-c", "1", "10.9.9.9"], nothrow: true });
    t.is(failed.exitCode, 1);
    t.regex(failed.stderr, /command terminated with exit code 1/);
    t.true(diagnoseKubeFailure(failed.stderr).some((d) => d.id === "kube-exec-exit-code"));
  });
});

test("wait --for=condition=Available returns once the Deployment becomes available", async (t) => {
  await withApi(async (api) => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "istiod", namespace: "istio-system", generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, conditions: [{ type: "Available", status: "False" }] } };
    api.put(deployment);
    const { session, events } = kubeSession({ api });
    const waiting = new Kubectl({ session }).wait({ for: "condition=Available", object: "deployment/istiod", namespace: "istio-system", waitTimeoutMs: 60_000 });
    await eventually(() => api.openWatches > 0, "kubectl opened its watch");
    api.put({ ...deployment, status: { observedGeneration: 1, conditions: [{ type: "Available", status: "True" }] } });
    const result = await waiting;
    t.regex(result.stdout, /deployment.apps\/istiod condition met/);
    t.is(events.ofKind("command")[0]!.display, "kubectl wait --for=condition=Available deployment/istiod -n istio-system --timeout=60s");
  });
});

test("delete passes --ignore-not-found so cleaning up twice is fine", async (t) => {
  await withApi(async (api) => {
    const { session, events } = kubeSession({ api });
    const kubectl = new Kubectl({ session });
    const result = await kubectl.delete({ resource: "peerauthentication.security.istio.io", name: "disable-mtls-legacy", namespace: "legacy" });
    t.true(result.ok);
    t.is(events.ofKind("command")[0]!.display, "kubectl delete peerauthentication.security.istio.io disable-mtls-legacy -n legacy --ignore-not-found");
  });
});

test("an unreachable server fails with kubectl's error and a diagnosis naming the refused connection", async (t) => {
  const api = await new MiniApi().start();
  const { session } = kubeSession({ api });
  await api.stop();
  const result = await new Kubectl({ session }).get({ resource: "pods", nothrow: true, timeoutMs: 30_000 });
  t.false(result.ok);
  const diagnoses = diagnoseKubeFailure(result.stderr);
  t.is(diagnoses[0]?.id, "kube-connection-refused", result.stderr);
  t.regex(diagnoses[0]!.fix, /lab -- status/);
});

test("a missing kubectl is a clear InputError naming KUBECTL, before anything runs", async (t) => {
  await withApi(async (api) => {
    const { session, events } = kubeSession({ api, lines: { KUBECTL: "/nonexistent/kubectl" } });
    const error = await t.throwsAsync(new Kubectl({ session }).get({ resource: "pods" }), { instanceOf: InputError });
    t.regex(error!.message, /KUBECTL: o arquivo "\/nonexistent\/kubectl" não existe/);
    t.is(events.events.length, 0);
  });
});

test("a kubectl that is not executable is refused too", async (t) => {
  await withApi(async (api) => {
    const { session, root } = kubeSession({ api });
    const fake = path.join(root, "kubectl");
    writeFileSync(fake, "#!/bin/sh\n");
    chmodSync(fake, 0o644);
    const { session: s2 } = kubeSession({ api, lines: { KUBECTL: fake } });
    t.truthy(session);
    await t.throwsAsync(new Kubectl({ session: s2 }).get({ resource: "pods" }), { instanceOf: InputError });
  });
});

/** An executor that records what would run and answers success (for argv shapes that need no cluster). */
const recorder = (): Executor & { specs: ProcessSpec[] } => {
  const specs: ProcessSpec[] = [];
  return {
    specs,
    async execute(spec) {
      specs.push(spec);
      return { exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: 0, timedOut: false };
    },
  };
};

test("apply of objects sends YAML on stdin and shows the course's heredoc", async (t) => {
  await withApi(async (api) => {
    const executor = recorder();
    const { session, events } = kubeSession({ api, executor });
    await new Kubectl({ session }).apply({
      manifest: { apiVersion: "security.istio.io/v1beta1", kind: "PeerAuthentication", metadata: { name: "disable-mtls-legacy", namespace: "legacy" }, spec: { mtls: { mode: "DISABLE" } } },
    });
    const spec = executor.specs[0]!;
    t.deepEqual(spec.argv.slice(1), ["--context", "mini", "apply", "-f", "-"]);
    t.is(spec.env?.["KUBECONFIG"], session.params.KUBECONFIG);
    t.regex(String(spec.stdin), /^apiVersion: security.istio.io\/v1beta1\nkind: PeerAuthentication\n/);
    t.is(
      events.ofKind("command")[0]!.display,
      "cat <<EOF | kubectl apply -f -\napiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata:\n  name: disable-mtls-legacy\n  namespace: legacy\nspec:\n  mtls:\n    mode: DISABLE\nEOF",
    );
  });
});

test("apply of a file shows its path relative to the project, server-side apply names the field manager", async (t) => {
  await withApi(async (api) => {
    const executor = recorder();
    const { session, events } = kubeSession({ api, executor });
    await new Kubectl({ session }).apply({ file: "/work/main/package.json", namespace: "istio-system", serverSide: true });
    t.deepEqual(executor.specs[0]!.argv.slice(3), ["apply", "-n", "istio-system", "--server-side", "--field-manager=istio-em-vms", "-f", "/work/main/package.json"]);
    t.is(events.ofKind("command")[0]!.display, "kubectl apply -n istio-system --server-side --field-manager=istio-em-vms -f package.json");
  });
});

test("apply of a missing file is refused before anything runs", async (t) => {
  await withApi(async (api) => {
    const executor = recorder();
    const { session } = kubeSession({ api, executor });
    const error = await t.throwsAsync(new Kubectl({ session }).apply({ file: "istio-1.8.1/samples/multicluster/expose-istiod.yaml" }), { instanceOf: InputError });
    t.regex(error!.message, /não existe/);
    t.is(executor.specs.length, 0);
  });
});

test("plan mode records the commands and runs nothing, even without a kubeconfig", async (t) => {
  const executor = recorder();
  const { testSession } = await import("../../helpers/params.js");
  const { session, events } = testSession({ lines: { KUBECONFIG: "/nonexistent/config", KUBE_CONTEXT: "kind-istio", KUBECTL: "/nonexistent/kubectl" }, mode: "plan", executor });
  const kubectl = new Kubectl({ session });
  const json = await kubectl.getJson({ resource: "svc", namespace: "istio-system" });
  t.is(json, undefined);
  await kubectl.createNamespace({ name: "legacy" });
  t.is(executor.specs.length, 0);
  t.deepEqual(
    events.ofKind("command").map((c) => [c.display, c.planned]),
    [
      ["kubectl get svc -n istio-system -o json", true],
      ["kubectl create namespace legacy", true],
    ],
  );
  t.regex(events.ofKind("command")[0]!.exact, /--context kind-istio/);
});
