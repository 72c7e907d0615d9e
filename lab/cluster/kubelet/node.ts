// The Node object the kubelet registers for itself (`lab-node`): addresses, capacity, conditions, node info.
import { readFile } from "node:fs/promises";
import os from "node:os";
import { ApiError, type ClusterApi, type KubeObject } from "../contracts.js";
import type { LabNetPlan } from "../../net/plan.js";
import { CORE } from "./cluster-calls.js";

/** The kubelet version the node reports. */
export const KUBELET_VERSION = "v1.33.9";

const osImage = async (): Promise<string> => {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(await readFile("/etc/os-release", "utf8"))?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
};

/** The status of the node now (conditions with a fresh heartbeat). */
export const nodeStatus = async (plan: LabNetPlan, nodeName: string, previous?: any): Promise<Record<string, unknown>> => {
  const now = new Date().toISOString();
  const cond = (type: string, status: string, reason: string, message: string) => {
    const before = (previous?.conditions ?? []).find((c: any) => c.type === type);
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now, reason, message };
  };
  const memKi = `${Math.floor(os.totalmem() / 1024)}Ki`;
  const capacity = { cpu: String(os.cpus().length), memory: memKi, pods: "110", "ephemeral-storage": "61202244Ki", "hugepages-2Mi": "0" };
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ],
    addresses: [
      { type: "InternalIP", address: plan.gateway },
      { type: "Hostname", address: nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: "",
      systemUUID: "",
      bootID: "",
      kernelVersion: os.release(),
      osImage: await osImage(),
      containerRuntimeVersion: "lab://0.1.0",
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: "linux",
      architecture: process.arch === "x64" ? "amd64" : process.arch,
    },
  };
};

/** Creates the node if it does not exist and writes a fresh status (the kubelet's registration and heartbeat). */
export const registerNode = async (api: ClusterApi, plan: LabNetPlan, nodeName: string): Promise<KubeObject> => {
  let node: KubeObject;
  try {
    node = await api.get(CORE.nodes, nodeName);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 404) throw error;
    node = await api.create(CORE.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: nodeName,
        labels: {
          "kubernetes.io/hostname": nodeName,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
          "beta.kubernetes.io/os": "linux",
          "beta.kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
          "node-role.kubernetes.io/control-plane": "",
        },
      },
      spec: { podCIDR: plan.podCidr, podCIDRs: [plan.podCidr] },
    });
  }
  return api.updateStatus(CORE.nodes, { ...node, status: await nodeStatus(plan, nodeName, node.status) });
};
