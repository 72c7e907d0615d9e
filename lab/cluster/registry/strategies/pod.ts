// Pods: the defaults, initial status and validation of the real API server (spec mostly immutable).
import type { KubeObject } from "../../contracts.js";
import { fieldForbidden, fieldInvalid, fieldRequired, fieldDuplicate, type StatusCause } from "../../store/errors.js";
import { dns1123LabelError } from "../names.js";
import type { Strategy } from "./types.js";

type Obj = Record<string, any>;

const defaultProbe = (probe: Obj | undefined): void => {
  if (!probe) return;
  probe["timeoutSeconds"] ??= 1;
  probe["periodSeconds"] ??= 10;
  probe["successThreshold"] ??= 1;
  probe["failureThreshold"] ??= 3;
  if (probe["httpGet"]) probe["httpGet"]["scheme"] ??= "HTTP";
};

const defaultContainer = (c: Obj): void => {
  c["terminationMessagePath"] ??= "/dev/termination-log";
  c["terminationMessagePolicy"] ??= "File";
  if (c["imagePullPolicy"] === undefined && typeof c["image"] === "string") {
    const image = c["image"] as string;
    const tag = image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(image)?.[1] ?? "latest");
    c["imagePullPolicy"] = tag === "latest" ? "Always" : "IfNotPresent";
  }
  c["resources"] ??= {};
  for (const p of (c["ports"] as Obj[] | undefined) ?? []) p["protocol"] ??= "TCP";
  defaultProbe(c["livenessProbe"]);
  defaultProbe(c["readinessProbe"]);
  defaultProbe(c["startupProbe"]);
};

/** Defaults of a pod spec (also used in pod templates of workloads). */
export const defaultPodSpec = (spec: Obj | undefined): void => {
  if (!spec) return;
  spec["restartPolicy"] ??= "Always";
  spec["terminationGracePeriodSeconds"] ??= 30;
  spec["dnsPolicy"] ??= "ClusterFirst";
  spec["securityContext"] ??= {};
  spec["schedulerName"] ??= "default-scheduler";
  for (const c of (spec["containers"] as Obj[] | undefined) ?? []) defaultContainer(c);
  for (const c of (spec["initContainers"] as Obj[] | undefined) ?? []) defaultContainer(c);
  for (const v of (spec["volumes"] as Obj[] | undefined) ?? []) {
    if (v["configMap"]) v["configMap"]["defaultMode"] ??= 420;
    if (v["secret"]) v["secret"]["defaultMode"] ??= 420;
    if (v["projected"]) v["projected"]["defaultMode"] ??= 420;
    if (v["emptyDir"] === null) v["emptyDir"] = {};
  }
};

/** The QoS class of a pod from its containers' resources. */
export const qosClass = (spec: Obj | undefined): string => {
  const containers = [...((spec?.["containers"] as Obj[]) ?? []), ...((spec?.["initContainers"] as Obj[]) ?? [])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = (c["resources"]?.["requests"] ?? {}) as Obj;
    const lim = (c["resources"]?.["limits"] ?? {}) as Obj;
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!anySet) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
};

/** Validates a pod spec at `prefix` (`spec`, `spec.template.spec`). */
export const validatePodSpec = (spec: Obj | undefined, prefix: string): StatusCause[] => {
  const causes: StatusCause[] = [];
  const containers = spec?.["containers"] as Obj[] | undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(fieldRequired(`${prefix}.containers`));
    return causes;
  }
  const seen = new Set<string>();
  const check = (list: Obj[], field: string) =>
    list.forEach((c, i) => {
      const path = `${prefix}.${field}[${i}]`;
      if (!c["name"]) causes.push(fieldRequired(`${path}.name`));
      else {
        const err = dns1123LabelError(String(c["name"]));
        if (err) causes.push(fieldInvalid(`${path}.name`, c["name"], err));
        if (seen.has(c["name"])) causes.push(fieldDuplicate(`${path}.name`, c["name"]));
        seen.add(c["name"]);
      }
      if (!c["image"]) causes.push(fieldRequired(`${path}.image`));
      ((c["ports"] as Obj[] | undefined) ?? []).forEach((p, j) => {
        const port = p["containerPort"];
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          causes.push(fieldInvalid(`${path}.ports[${j}].containerPort`, port, "must be between 1 and 65535, inclusive"));
        }
      });
    });
  check(containers, "containers");
  check(((spec?.["initContainers"] as Obj[] | undefined) ?? []), "initContainers");
  const restart = spec?.["restartPolicy"];
  if (restart !== undefined && !["Always", "OnFailure", "Never"].includes(restart)) {
    causes.push({ reason: "FieldValueNotSupported", field: `${prefix}.restartPolicy`, message: `Unsupported value: "${restart}": supported values: "Always", "OnFailure", "Never"` });
  }
  return causes;
};

/** The parts of a pod spec an update may change (images, activeDeadlineSeconds, added tolerations). */
const mutableMask = (spec: Obj): Obj => {
  const copy = structuredClone(spec ?? {}) as Obj;
  for (const list of ["containers", "initContainers"]) for (const c of (copy[list] as Obj[] | undefined) ?? []) delete c["image"];
  delete copy["activeDeadlineSeconds"];
  delete copy["tolerations"];
  delete copy["terminationGracePeriodSeconds"];
  return copy;
};

/** The pod strategy. */
export const podStrategy: Strategy = {
  defaults: (pod) => defaultPodSpec(pod.spec),
  prepareForCreate: (pod) => {
    pod.spec ??= {};
    pod.spec.enableServiceLinks ??= true;
    pod.spec.preemptionPolicy ??= "PreemptLowerPriority";
    pod.spec.priority ??= 0;
    pod.status = { phase: "Pending", qosClass: qosClass(pod.spec) };
  },
  prepareForUpdate: (pod, old) => {
    pod.status = old.status;
  },
  validate: (pod) => validatePodSpec(pod.spec, "spec"),
  validateUpdate: (pod: KubeObject, old: KubeObject) => {
    if (JSON.stringify(mutableMask(pod.spec)) === JSON.stringify(mutableMask(old.spec))) return [];
    return [
      fieldForbidden(
        "spec",
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
      ),
    ];
  },
};
