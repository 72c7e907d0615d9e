import test from "ava";
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { podPhase, podStatus, qosClass, type ContainerView, type PodView } from "../../../../lab/cluster/kubelet/status.js";

const c = (over: Partial<ContainerView>): ContainerView => ({ name: "app", image: "i", imageID: "", restartCount: 0, state: { waiting: { reason: "ContainerCreating" } }, lastState: {}, ready: false, started: false, ...over });
const view = (containers: ContainerView[], init: ContainerView[] = []): PodView => ({ sandboxReady: true, podIp: "198.18.81.2", hostIp: "198.18.80.1", startTime: "2024-01-01T00:00:00Z", init, containers });
const pod = (spec: any = {}): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "app" }], ...spec } });
const running = { running: { startedAt: "2024-01-01T00:00:00Z" } };
const exited = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode ? "Error" : "Completed", finishedAt: "2024-01-01T00:00:01Z" } });

test("a pod is Pending while a container waits for its first start, Running once it runs or restarts", (t) => {
  t.is(podPhase(pod(), view([c({})])), "Pending");
  t.is(podPhase(pod(), view([c({ state: running })])), "Running");
  t.is(podPhase(pod(), view([c({ state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: exited(1), restartCount: 3 })])), "Running");
});

test("restartPolicy decides Succeeded and Failed", (t) => {
  t.is(podPhase(pod({ restartPolicy: "Never" }), view([c({ state: exited(0) })])), "Succeeded");
  t.is(podPhase(pod({ restartPolicy: "Never" }), view([c({ state: exited(2) })])), "Failed");
  t.is(podPhase(pod({ restartPolicy: "OnFailure" }), view([c({ state: exited(2) })])), "Running");
});

test("init containers keep the pod Pending and Initialized False with the kubelet's message", (t) => {
  const s: any = podStatus(pod(), view([c({ state: { waiting: { reason: "PodInitializing" } } })], [c({ name: "istio-init", state: running })]));
  t.is(s.phase, "Pending");
  t.like(s.conditions.find((x: any) => x.type === "Initialized"), { status: "False", reason: "ContainersNotInitialized", message: "containers with incomplete status: [istio-init]" });
  t.like(s.conditions.find((x: any) => x.type === "Ready"), { status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" });
  t.is(s.initContainerStatuses[0].name, "istio-init");
});

test("Ready needs every container ready and the readiness gates; transition times survive unchanged conditions", (t) => {
  const ready = podStatus(pod(), view([c({ state: running, ready: true, started: true })])) as any;
  t.like(ready.conditions.find((x: any) => x.type === "Ready"), { status: "True" });
  const again = podStatus({ ...pod(), status: ready }, view([c({ state: running, ready: true, started: true })])) as any;
  t.is(again.conditions[2].lastTransitionTime, ready.conditions[2].lastTransitionTime);
  const gated = podStatus(pod({ readinessGates: [{ conditionType: "example.com/lb" }] }), view([c({ state: running, ready: true })])) as any;
  t.like(gated.conditions.find((x: any) => x.type === "Ready"), { status: "False", reason: "ReadinessGatesNotReady" });
});

test("QoS class from requests and limits", (t) => {
  t.is(qosClass(pod()), "BestEffort");
  t.is(qosClass(pod({ containers: [{ name: "a", resources: { requests: { cpu: "50m" } } }] })), "Burstable");
  t.is(qosClass(pod({ containers: [{ name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } }] })), "Guaranteed");
});

test("a pod stopped for its deletion gets a terminal phase: Succeeded only if every container exited 0", (t) => {
  t.is(podPhase(pod(), { ...view([c({ state: exited(0) })]), terminated: true }), "Succeeded");
  t.is(podPhase(pod(), { ...view([c({ state: exited(143) })]), terminated: true }), "Failed");
  const s: any = podStatus(pod(), { ...view([c({ state: exited(0) })]), terminated: true });
  t.like(s.conditions.find((x: any) => x.type === "Ready"), { status: "False", reason: "PodCompleted" });
});
