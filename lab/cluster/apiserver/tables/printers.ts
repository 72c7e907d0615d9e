// Server-side printers: the columns and cells `kubectl get` shows for each built-in kind (the real API server's
// printers), custom resources' additionalPrinterColumns, and the default Name/Age table.
import type { KubeObject } from "../../contracts.js";
import type { PrinterColumn, ResourceDef } from "../../resources/catalog.js";
import { age, formatLabels, formatSelector, joinLimited } from "./format.js";
import { evaluateJsonPath } from "./jsonpath.js";

/** A column definition of a meta.k8s.io/v1 Table. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A printer: the columns and a function producing one row's cells. */
export interface Printer {
  columns: ColumnDefinition[];
  cells(object: KubeObject, now: number): unknown[];
}

type Obj = Record<string, any>;

const col = (name: string, type: string, description: string, priority = 0, format = ""): ColumnDefinition => ({ name, type, format, description, priority });
const nameCol = () => col("Name", "string", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", 0, "name");
const ageCol = () => col("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");

const podStatusReason = (pod: KubeObject): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } => {
  const status = (pod.status ?? {}) as Obj;
  // Native sidecars (init containers with restartPolicy Always) count in READY, as printPod does since 1.28.
  const restartable = new Set(((pod.spec?.initContainers as Obj[]) ?? []).filter((c) => c["restartPolicy"] === "Always").map((c) => c["name"] as string));
  const containers = ((pod.spec?.containers as Obj[]) ?? []).length + restartable.size;
  let reason: string = status["reason"] || status["phase"] || "Unknown";
  let restarts = 0;
  let lastRestart: string | undefined;
  let ready = 0;
  let initializing = false;
  const initStatuses = (status["initContainerStatuses"] as Obj[] | undefined) ?? [];
  initStatuses.forEach((c, i) => {
    restarts += c["restartCount"] ?? 0;
    if (restartable.has(c["name"]) && c["started"]) {
      if (c["ready"]) ready++;
      return;
    }
    const t = c["state"]?.["terminated"];
    const w = c["state"]?.["waiting"];
    if (t && t["exitCode"] === 0) return;
    if (t) {
      reason = t["reason"] ? `Init:${t["reason"]}` : t["signal"] ? `Init:Signal:${t["signal"]}` : `Init:ExitCode:${t["exitCode"]}`;
      initializing = true;
    } else if (w && w["reason"] && w["reason"] !== "PodInitializing") {
      reason = `Init:${w["reason"]}`;
      initializing = true;
    } else if (!c["ready"] && !c["started"]) {
      reason = `Init:${i}/${((pod.spec?.initContainers as Obj[]) ?? []).length}`;
      initializing = true;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses = [...((status["containerStatuses"] as Obj[] | undefined) ?? [])].reverse();
    for (const c of statuses) {
      restarts += c["restartCount"] ?? 0;
      const last = c["lastState"]?.["terminated"]?.["finishedAt"];
      if (last && (!lastRestart || last > lastRestart)) lastRestart = last;
      const w = c["state"]?.["waiting"];
      const t = c["state"]?.["terminated"];
      if (w?.["reason"]) reason = w["reason"];
      else if (t?.["reason"]) reason = t["reason"];
      else if (t) reason = t["signal"] ? `Signal:${t["signal"]}` : `ExitCode:${t["exitCode"]}`;
      else if (c["ready"] && c["state"]?.["running"]) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCond = ((status["conditions"] as Obj[] | undefined) ?? []).find((c) => c["type"] === "Ready");
      reason = readyCond?.["status"] === "True" ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status["reason"] === "NodeLost" ? "Unknown" : "Terminating";
  return { reason, ready, total: containers, restarts, lastRestart };
};

const externalIp = (svc: KubeObject): string => {
  const spec = (svc.spec ?? {}) as Obj;
  const external = (spec["externalIPs"] as string[] | undefined) ?? [];
  switch (spec["type"]) {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = ((svc.status?.loadBalancer?.ingress as Obj[] | undefined) ?? []).map((i) => i["ip"] || i["hostname"]).filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return spec["externalName"] ?? "<none>";
    default:
      return "<unknown>";
  }
};

const servicePorts = (svc: KubeObject): string => {
  const ports = (svc.spec?.ports as Obj[] | undefined) ?? [];
  if (!ports.length) return "<none>";
  return ports.map((p) => `${p["port"]}${p["nodePort"] ? `:${p["nodePort"]}` : ""}/${p["protocol"] ?? "TCP"}`).join(",");
};

const containersAndImages = (template: Obj | undefined): [string, string] => {
  const containers = (template?.["spec"]?.["containers"] as Obj[] | undefined) ?? [];
  return [containers.map((c) => c["name"]).join(","), containers.map((c) => c["image"]).join(",")];
};

const nodeStatus = (node: KubeObject): string => {
  const conds = (node.status?.conditions as Obj[] | undefined) ?? [];
  const ready = conds.find((c) => c["type"] === "Ready");
  let s = !ready ? "Unknown" : ready["status"] === "True" ? "Ready" : ready["status"] === "False" ? "NotReady" : "Unknown";
  if (node.spec?.unschedulable) s += ",SchedulingDisabled";
  return s;
};

const nodeRoles = (node: KubeObject): string => {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .filter(Boolean)
    .sort();
  return roles.length ? roles.join(",") : "<none>";
};

const address = (node: KubeObject, type: string): string =>
  ((node.status?.addresses as Obj[] | undefined) ?? []).find((a) => a["type"] === type)?.["address"] ?? "<none>";

const eventTime = (e: KubeObject): string | undefined => (e["lastTimestamp"] as string) || (e["eventTime"] as string) || (e["firstTimestamp"] as string) || e.metadata.creationTimestamp;

const builtinPrinters: Record<string, Printer> = {
  "/pods": {
    columns: [
      nameCol(),
      col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "string", "The aggregate status of the containers in this pod."),
      col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
      ageCol(),
      col("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
      col("Node", "string", "NodeName is a request to schedule this pod onto a specific node.", 1),
      col("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
      col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
    ],
    cells: (pod, now) => {
      const s = podStatusReason(pod);
      const restarts = s.lastRestart ? `${s.restarts} (${age(s.lastRestart, now)} ago)` : String(s.restarts);
      const gates = (pod.spec?.readinessGates as Obj[] | undefined) ?? [];
      const conds = (pod.status?.conditions as Obj[] | undefined) ?? [];
      const gatesCell = gates.length ? `${gates.filter((g) => conds.some((c) => c["type"] === g["conditionType"] && c["status"] === "True")).length}/${gates.length}` : "<none>";
      return [pod.metadata.name, `${s.ready}/${s.total}`, s.reason, restarts, age(pod.metadata.creationTimestamp, now), pod.status?.podIP || "<none>", pod.spec?.nodeName || "<none>", pod.status?.nominatedNodeName || "<none>", gatesCell];
    },
  },
  "/services": {
    columns: [
      nameCol(),
      col("Type", "string", "type determines how the Service is exposed."),
      col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
      col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
      col("Port(s)", "string", "The list of ports that are exposed by this service."),
      ageCol(),
      col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1),
    ],
    cells: (svc, now) => [svc.metadata.name, svc.spec?.type ?? "ClusterIP", svc.spec?.clusterIP || "<none>", externalIp(svc), servicePorts(svc), age(svc.metadata.creationTimestamp, now), formatLabels(svc.spec?.selector)],
  },
  "/namespaces": {
    columns: [nameCol(), col("Status", "string", "The status of the namespace"), ageCol()],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? "Active", age(ns.metadata.creationTimestamp, now)],
  },
  "/serviceaccounts": {
    columns: [nameCol(), col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), ageCol()],
    cells: (sa, now) => [sa.metadata.name, ((sa["secrets"] as unknown[] | undefined) ?? []).length, age(sa.metadata.creationTimestamp, now)],
  },
  "/configmaps": {
    columns: [nameCol(), col("Data", "string", "Data contains the configuration data."), ageCol()],
    cells: (cm, now) => [cm.metadata.name, Object.keys((cm["data"] as Obj) ?? {}).length + Object.keys((cm["binaryData"] as Obj) ?? {}).length, age(cm.metadata.creationTimestamp, now)],
  },
  "/secrets": {
    columns: [nameCol(), col("Type", "string", "Used to facilitate programmatic handling of secret data."), col("Data", "string", "Data contains the secret data."), ageCol()],
    cells: (s, now) => [s.metadata.name, s["type"] ?? "Opaque", Object.keys((s["data"] as Obj) ?? {}).length, age(s.metadata.creationTimestamp, now)],
  },
  "apps/deployments": {
    columns: [
      nameCol(),
      col("Ready", "string", "Number of the pod with ready state"),
      col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      ageCol(),
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ],
    cells: (d, now) => {
      const [containers, images] = containersAndImages(d.spec?.template);
      return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d.metadata.creationTimestamp, now), containers, images, formatSelector(d.spec?.selector)];
    },
  },
  "apps/replicasets": {
    columns: [
      nameCol(),
      col("Desired", "integer", "Replicas is the number of desired replicas."),
      col("Current", "integer", "Replicas is the most recently observed number of replicas."),
      col("Ready", "integer", "The number of ready replicas for this replica set."),
      ageCol(),
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Selector is a label query over pods that should match the replica count.", 1),
    ],
    cells: (rs, now) => {
      const [containers, images] = containersAndImages(rs.spec?.template);
      return [rs.metadata.name, rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs.metadata.creationTimestamp, now), containers, images, formatSelector(rs.spec?.selector)];
    },
  },
  "/endpoints": {
    columns: [nameCol(), col("Endpoints", "string", "Endpoints of the service"), ageCol()],
    cells: (ep, now) => {
      const items: string[] = [];
      for (const s of (ep["subsets"] as Obj[] | undefined) ?? []) {
        const ports = (s["ports"] as Obj[] | undefined) ?? [];
        for (const a of (s["addresses"] as Obj[] | undefined) ?? []) {
          if (!ports.length) items.push(a["ip"]);
          for (const p of ports) items.push(`${a["ip"]}:${p["port"]}`);
        }
      }
      return [ep.metadata.name, joinLimited(items), age(ep.metadata.creationTimestamp, now)];
    },
  },
  "discovery.k8s.io/endpointslices": {
    columns: [nameCol(), col("AddressType", "string", "Type of address carried by this EndpointSlice"), col("Ports", "string", "Ports advertised by this EndpointSlice"), col("Endpoints", "string", "Endpoints represented by this EndpointSlice"), ageCol()],
    cells: (es, now) => {
      const ports = ((es["ports"] as Obj[] | undefined) ?? []).map((p) => String(p["port"] ?? "<unset>"));
      const addrs = ((es["endpoints"] as Obj[] | undefined) ?? []).flatMap((e) => (e["addresses"] as string[]) ?? []);
      return [es.metadata.name, es["addressType"] ?? "IPv4", ports.length ? ports.join(",") : "<unset>", joinLimited(addrs).replace("<none>", "<unset>"), age(es.metadata.creationTimestamp, now)];
    },
  },
  "/nodes": {
    columns: [
      nameCol(),
      col("Status", "string", "The status of the node"),
      col("Roles", "string", "The roles of the node"),
      ageCol(),
      col("Version", "string", "Kubelet Version reported by the node."),
      col("Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
      col("External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
      col("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
      col("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ],
    cells: (n, now) => {
      const info = (n.status?.nodeInfo ?? {}) as Obj;
      return [n.metadata.name, nodeStatus(n), nodeRoles(n), age(n.metadata.creationTimestamp, now), info["kubeletVersion"] ?? "", address(n, "InternalIP"), address(n, "ExternalIP"), info["osImage"] ?? "<unknown>", info["kernelVersion"] ?? "<unknown>", info["containerRuntimeVersion"] ?? "<unknown>"];
    },
  },
  "/events": {
    columns: [
      col("Last Seen", "string", "Time when last event occurred"),
      col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
      col("Reason", "string", "This should be a short, machine understandable string that gives the reason for this event being generated."),
      col("Object", "string", "The object that this event is about."),
      col("Subobject", "string", "The subobject that this event is about.", 1),
      col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
      col("Message", "string", "A human-readable description of the status of this operation."),
      col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
      col("Count", "string", "The number of times this event has occurred.", 1),
      { ...nameCol(), priority: 1 },
    ],
    cells: (e, now) => {
      const io = (e["involvedObject"] ?? {}) as Obj;
      const src = (e["source"] ?? {}) as Obj;
      const source = src["component"] ? `${src["component"]}${src["host"] ? `, ${src["host"]}` : ""}` : (e["reportingComponent"] as string) || "";
      return [age(eventTime(e), now), e["type"] ?? "", e["reason"] ?? "", `${String(io["kind"] ?? "").toLowerCase()}/${io["name"] ?? ""}`, io["fieldPath"] ?? "", source, e["message"] ?? "", age((e["firstTimestamp"] as string) || e.metadata.creationTimestamp, now), e["count"] ?? 1, e.metadata.name];
    },
  },
  "apiextensions.k8s.io/customresourcedefinitions": {
    columns: [nameCol(), col("Created At", "date", "Timestamp when the CustomResourceDefinition was created")],
    cells: (crd) => [crd.metadata.name, crd.metadata.creationTimestamp],
  },
  "admissionregistration.k8s.io/mutatingwebhookconfigurations": {
    columns: [nameCol(), col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), ageCol()],
    cells: (w, now) => [w.metadata.name, ((w["webhooks"] as unknown[] | undefined) ?? []).length, age(w.metadata.creationTimestamp, now)],
  },
  "admissionregistration.k8s.io/validatingwebhookconfigurations": {
    columns: [nameCol(), col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), ageCol()],
    cells: (w, now) => [w.metadata.name, ((w["webhooks"] as unknown[] | undefined) ?? []).length, age(w.metadata.creationTimestamp, now)],
  },
  "coordination.k8s.io/leases": {
    columns: [nameCol(), col("Holder", "string", "The holder of the lease"), ageCol()],
    cells: (l, now) => [l.metadata.name, l.spec?.holderIdentity ?? "", age(l.metadata.creationTimestamp, now)],
  },
};

const customCell = (column: PrinterColumn, object: KubeObject, now: number): unknown => {
  let values: unknown[];
  try {
    values = evaluateJsonPath(column.jsonPath, object);
  } catch {
    return null;
  }
  if (!values.length || values[0] === undefined) return null;
  const v = values.length === 1 ? values[0] : values;
  if (column.type === "date" && typeof v === "string") return age(v, now);
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return v;
};

/** The printer of a resource at a version. */
export const printerFor = (def: ResourceDef, version?: string): Printer => {
  if (!def.crd) {
    const p = builtinPrinters[`${def.group}/${def.plural}`];
    if (p) return p;
    return { columns: [nameCol(), col("Created At", "date", "Timestamp when the object was created")], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp] };
  }
  const v = def.versions.find((x) => x.name === version) ?? def.versions[0]!;
  const custom = v.printerColumns ?? [];
  if (!custom.length) {
    return { columns: [nameCol(), col("Age", "date", ageCol().description)], cells: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };
  }
  return {
    columns: [nameCol(), ...custom.map((c) => col(c.name, c.type, c.description ?? "", c.priority ?? 0, c.format ?? ""))],
    cells: (o, now) => [o.metadata.name, ...custom.map((c) => customCell(c, o, now))],
  };
};
