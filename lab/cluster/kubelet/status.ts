// A pod's status as a real kubelet reports it, computed from the kubelet's view of its containers: phase,
// conditions, container statuses, addresses and QoS class.
import type { KubeObject } from "../contracts.js";

/** The state of one container, in the API's shape. */
export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; signal?: number; reason: string; message?: string; startedAt?: string; finishedAt: string; containerID?: string } };

/** What the kubelet knows about one container. */
export interface ContainerView {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  ready: boolean;
  started: boolean;
  /** An init container with restartPolicy Always (a native sidecar). */
  sidecar?: boolean;
}

/** What the kubelet knows about a pod. */
export interface PodView {
  sandboxReady: boolean;
  podIp?: string;
  hostIp: string;
  startTime?: string;
  init: ContainerView[];
  containers: ContainerView[];
  /** The pod was stopped for its deletion: its phase becomes terminal (Succeeded when every container exited 0,
   * else Failed), as kubelets do since Kubernetes 1.27 before the API object goes. */
  terminated?: boolean;
}

type Condition = { type: string; status: "True" | "False"; reason?: string; message?: string; lastProbeTime: null; lastTransitionTime: string };

const initDone = (c: ContainerView) => (c.sidecar ? c.started : "terminated" in c.state && c.state.terminated.exitCode === 0);

/** The pod phase (the kubelet's getPhase). */
export const podPhase = (pod: KubeObject, view: PodView): "Pending" | "Running" | "Succeeded" | "Failed" => {
  if (view.terminated) {
    const all = [...view.containers, ...view.init.filter((c) => c.sidecar)];
    return all.length && all.every((c) => "terminated" in c.state && c.state.terminated.exitCode === 0) ? "Succeeded" : "Failed";
  }
  const policy: string = pod.spec?.restartPolicy ?? "Always";
  const pendingInit = view.init.filter((c) => !initDone(c));
  if (pendingInit.length) {
    const failedForGood = policy === "Never" && pendingInit.some((c) => !c.sidecar && "terminated" in c.state && c.state.terminated.exitCode !== 0);
    return failedForGood ? "Failed" : "Pending";
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of view.containers) {
    if ("running" in c.state) running++;
    else if ("terminated" in c.state) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if ("terminated" in c.lastState) stopped++;
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    return policy === "OnFailure" ? "Running" : "Failed";
  }
  return "Pending";
};

const condition = (prev: any[], type: string, ok: boolean, reason?: string, message?: string): Condition => {
  const status = ok ? "True" : "False";
  const before = prev.find((c) => c.type === type);
  return {
    type,
    status,
    ...(ok ? {} : reason ? { reason } : {}),
    ...(ok ? {} : message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : new Date().toISOString(),
  };
};

/** The QoS class from the containers' requests and limits. */
export const qosClass = (pod: KubeObject): "Guaranteed" | "Burstable" | "BestEffort" => {
  const all: any[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return "BestEffort";
  const guaranteed = all.every((c) => ["cpu", "memory"].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]));
  return guaranteed ? "Guaranteed" : "Burstable";
};

const apiContainerStatus = (c: ContainerView) => ({
  name: c.name,
  state: c.state,
  lastState: c.lastState,
  ready: c.ready,
  restartCount: c.restartCount,
  image: c.image,
  imageID: c.imageID,
  ...(c.containerID ? { containerID: c.containerID } : {}),
  started: c.started,
});

/** The full status object to write for `pod`. */
export const podStatus = (pod: KubeObject, view: PodView): Record<string, unknown> => {
  const prev: any[] = pod.status?.conditions ?? [];
  const phase = podPhase(pod, view);
  const notInit = view.init.filter((c) => !initDone(c)).map((c) => c.name);
  const notReady = [...view.init.filter((c) => c.sidecar && !c.ready), ...view.containers.filter((c) => !c.ready)].map((c) => c.name);
  const finished = phase === "Succeeded" || phase === "Failed";
  const containersReady = notReady.length === 0 && view.containers.length > 0;
  const gates: string[] = (pod.spec?.readinessGates ?? []).map((g: any) => g.conditionType);
  const gatesOk = gates.every((g) => prev.some((c) => c.type === g && c.status === "True"));
  const notReadyMessage = `containers with unready status: [${notReady.join(" ")}]`;
  const conditions: Condition[] = [
    condition(prev, "PodReadyToStartContainers", view.sandboxReady),
    condition(prev, "Initialized", notInit.length === 0, "ContainersNotInitialized", `containers with incomplete status: [${notInit.join(" ")}]`),
    condition(prev, "Ready", containersReady && gatesOk && !finished, finished ? "PodCompleted" : gatesOk ? "ContainersNotReady" : "ReadinessGatesNotReady", finished ? undefined : gatesOk ? notReadyMessage : `corresponding condition of pod readiness gate "${gates.join(",")}" does not exist.`),
    condition(prev, "ContainersReady", containersReady && !finished, finished ? "PodCompleted" : "ContainersNotReady", finished ? undefined : notReadyMessage),
    condition(prev, "PodScheduled", true),
  ];
  // keep conditions other writers own (readiness gates, DisruptionTarget …)
  const foreign = prev.filter((c) => !conditions.some((x) => x.type === c.type));
  return {
    phase,
    conditions: [...conditions, ...foreign],
    hostIP: view.hostIp,
    hostIPs: [{ ip: view.hostIp }],
    ...(view.podIp ? { podIP: view.podIp, podIPs: [{ ip: view.podIp }] } : {}),
    ...(view.startTime ? { startTime: view.startTime } : {}),
    ...(view.init.length ? { initContainerStatuses: view.init.map(apiContainerStatus) } : {}),
    containerStatuses: view.containers.map(apiContainerStatus),
    qosClass: pod.status?.qosClass ?? qosClass(pod),
  };
};
