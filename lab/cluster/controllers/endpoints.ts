// The endpoints controllers: for each Service with a selector, an Endpoints object and an EndpointSlice
// (`<svc>-<5 chars>`, label kubernetes.io/service-name) listing the matching pods' IPs — ready ones as ready,
// the others as not ready — with target ports resolved (numbers or container port names).
import type { KubeObject } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { randomSuffix } from "../registry/names.js";
import { matchesLabels } from "../store/selectors.js";
import { keyOf, splitKey, WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";
import { isPodReady, nowStamp } from "./workload-helpers.js";

type Obj = Record<string, any>;

/** Creates the Endpoints + EndpointSlice controller. */
export const endpointsController = (ctx: ControllerContext): Controller => {
  const stops: Array<() => void> = [];
  const queue = new WorkQueue(async (key) => sync(ctx, key), (key, error) => ctx.log(`endpoints ${key}: ${(error as Error).message}`));
  return {
    name: "endpoints",
    start: async () => {
      stops.push(ctx.api.watch(types.services, {}, (e) => queue.add(keyOf(e.object))));
      stops.push(
        ctx.api.watch(types.pods, {}, (e) => {
          for (const svc of ctx.registry.store.list({ group: "", resource: "services" }, { namespace: e.object.metadata.namespace }).items) {
            const sel = svc.spec?.selector as Record<string, string> | undefined;
            if (sel && Object.keys(sel).length) queue.add(keyOf(svc));
          }
        }),
      );
    },
    stop: async () => {
      for (const s of stops) s();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};

const resolvePort = (pod: KubeObject, targetPort: unknown): number | undefined => {
  if (typeof targetPort === "number") return targetPort;
  for (const c of (pod.spec?.containers as Obj[] | undefined) ?? []) for (const p of (c["ports"] as Obj[] | undefined) ?? []) if (p["name"] === targetPort) return p["containerPort"];
  return /^\d+$/.test(String(targetPort)) ? Number(targetPort) : undefined;
};

const sync = async (ctx: ControllerContext, key: string): Promise<void> => {
  const { namespace, name } = splitKey(key);
  const store = ctx.registry.store;
  const svc = store.get({ group: "", resource: "services" }, namespace, name);
  const slices = store.list({ group: "discovery.k8s.io", resource: "endpointslices" }, { namespace, labels: [{ key: "kubernetes.io/service-name", operator: "=", values: [name] }] }).items;
  const selector = svc?.spec?.selector as Record<string, string> | undefined;
  if (!svc || !selector || !Object.keys(selector).length || svc.spec?.type === "ExternalName") {
    // Services without selectors keep whatever Endpoints someone wrote (like the kubernetes Service); only managed slices go.
    if (!svc) for (const s of slices) if (s.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === "endpointslice-controller.k8s.io") await ctx.api.delete(types.endpointSlices, s.metadata.name, namespace).catch(() => undefined);
    return;
  }
  const reqs = Object.entries(selector).map(([k, v]) => ({ key: k, operator: "=" as const, values: [v] }));
  const pods = store.list({ group: "", resource: "pods" }, { namespace }).items.filter((p) => matchesLabels(reqs, p.metadata.labels) && p.status?.podIP && !["Succeeded", "Failed"].includes(p.status?.phase));
  const ports = (svc.spec?.ports as Obj[] | undefined) ?? [];
  const subsetsByPorts = new Map<string, { addresses: Obj[]; notReadyAddresses: Obj[]; ports: Obj[] }>();
  for (const pod of pods) {
    const epPorts = ports.map((p) => ({ ...(p["name"] ? { name: p["name"] } : {}), port: resolvePort(pod, p["targetPort"] ?? p["port"]), protocol: p["protocol"] ?? "TCP", ...(p["appProtocol"] ? { appProtocol: p["appProtocol"] } : {}) })).filter((p) => p.port !== undefined);
    const k = JSON.stringify(epPorts);
    const subset = subsetsByPorts.get(k) ?? { addresses: [] as Obj[], notReadyAddresses: [] as Obj[], ports: epPorts };
    const address = { ip: pod.status!.podIP, nodeName: pod.spec?.nodeName, targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
    if (!address.nodeName) delete (address as Obj)["nodeName"];
    if (isPodReady(pod) && !pod.metadata.deletionTimestamp) subset.addresses.push(address);
    else subset.notReadyAddresses.push(address);
    subsetsByPorts.set(k, subset);
  }
  const subsets = [...subsetsByPorts.values()].map((s) => ({ ...(s.addresses.length ? { addresses: s.addresses } : {}), ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}), ports: s.ports }));
  const labels = { ...(svc.metadata.labels ?? {}) };
  const current = store.get({ group: "", resource: "endpoints" }, namespace, name);
  const endpoints: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace, labels, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}), annotations: { "endpoints.kubernetes.io/last-change-trigger-time": nowStamp() } }, ...(subsets.length ? { subsets } : {}) };
  const sameEndpoints = current && JSON.stringify(current["subsets"] ?? null) === JSON.stringify(endpoints["subsets"] ?? null) && JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels);
  if (!current) await ctx.api.create(types.endpoints, endpoints).catch(ignoreConflict);
  else if (!sameEndpoints) await ctx.api.update(types.endpoints, { ...current, metadata: { ...current.metadata, labels, annotations: endpoints.metadata.annotations }, subsets });

  const slicePorts = ports.map((p) => ({ ...(p["name"] !== undefined ? { name: p["name"] } : { name: "" }), port: pods.length ? resolvePort(pods[0]!, p["targetPort"] ?? p["port"]) : typeof p["targetPort"] === "number" ? p["targetPort"] : p["port"], protocol: p["protocol"] ?? "TCP" }));
  const sliceEndpoints = pods.map((pod) => {
    const ready = isPodReady(pod) && !pod.metadata.deletionTimestamp;
    return { addresses: [pod.status!.podIP], conditions: { ready, serving: isPodReady(pod), terminating: Boolean(pod.metadata.deletionTimestamp) }, targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid }, ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}) };
  });
  const sliceLabels = { ...labels, "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" };
  const owner = { apiVersion: "v1", kind: "Service", name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true };
  const existing = slices[0];
  const body = { addressType: "IPv4", endpoints: sliceEndpoints, ports: slicePorts };
  if (!existing) {
    await ctx.api.create(types.endpointSlices, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: `${name}-${randomSuffix(5)}`, namespace, labels: sliceLabels, ownerReferences: [owner] }, ...body }).catch(ignoreConflict);
  } else if (JSON.stringify({ addressType: existing["addressType"], endpoints: existing["endpoints"] ?? [], ports: existing["ports"] ?? [] }) !== JSON.stringify(body)) {
    await ctx.api.update(types.endpointSlices, { ...existing, metadata: { ...existing.metadata, labels: sliceLabels }, ...body });
  }
};

const ignoreConflict = (e: unknown) => {
  if (!(e instanceof ApiError && (e.code === 409 || e.code === 403))) throw e;
};
