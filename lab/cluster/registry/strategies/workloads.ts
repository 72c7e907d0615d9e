// Deployments and ReplicaSets: defaults, selector/template validation, immutable selector.
import type { KubeObject } from "../../contracts.js";
import { fieldInvalid, fieldRequired, type StatusCause } from "../../store/errors.js";
import { fromStructured, matchesLabels } from "../../store/selectors.js";
import { defaultPodSpec, validatePodSpec } from "./pod.js";
import type { Strategy } from "./types.js";

type Obj = Record<string, any>;

const validateWorkload = (o: KubeObject): StatusCause[] => {
  const causes: StatusCause[] = [];
  const spec = (o.spec ?? {}) as Obj;
  if (spec["replicas"] !== undefined && (!Number.isInteger(spec["replicas"]) || spec["replicas"] < 0)) {
    causes.push(fieldInvalid("spec.replicas", spec["replicas"], "must be greater than or equal to 0"));
  }
  const selector = spec["selector"] as Obj | undefined;
  if (!selector || (!Object.keys(selector["matchLabels"] ?? {}).length && !(selector["matchExpressions"] ?? []).length)) {
    causes.push(fieldRequired("spec.selector"));
    if (!selector) return causes;
  }
  const labels = spec["template"]?.["metadata"]?.["labels"] as Record<string, string> | undefined;
  try {
    if (selector && !matchesLabels(fromStructured(selector), labels ?? {})) {
      causes.push(fieldInvalid("spec.template.metadata.labels", labels ?? {}, "`selector` does not match template `labels`"));
    }
  } catch {
    causes.push(fieldInvalid("spec.selector", selector, "invalid label selector"));
  }
  causes.push(...validatePodSpec(spec["template"]?.["spec"], "spec.template.spec"));
  return causes;
};

const immutableSelector = (o: KubeObject, old: KubeObject): StatusCause[] =>
  JSON.stringify(o.spec?.selector) === JSON.stringify(old.spec?.selector) ? [] : [fieldInvalid("spec.selector", o.spec?.selector, "field is immutable")];

const keepStatus = (o: KubeObject, old: KubeObject) => {
  o.status = old.status;
};

/** The deployment strategy. */
export const deploymentStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (d) => {
    const spec = (d.spec ??= {}) as Obj;
    spec["replicas"] ??= 1;
    spec["revisionHistoryLimit"] ??= 10;
    spec["progressDeadlineSeconds"] ??= 600;
    spec["strategy"] ??= {};
    spec["strategy"]["type"] ??= "RollingUpdate";
    if (spec["strategy"]["type"] === "RollingUpdate") {
      spec["strategy"]["rollingUpdate"] ??= {};
      spec["strategy"]["rollingUpdate"]["maxUnavailable"] ??= "25%";
      spec["strategy"]["rollingUpdate"]["maxSurge"] ??= "25%";
    }
    spec["template"] ??= {};
    defaultPodSpec(spec["template"]["spec"]);
  },
  prepareForCreate: (d) => {
    d.status = {};
  },
  prepareForUpdate: keepStatus,
  validate: validateWorkload,
  validateUpdate: (d, old) => [...validateWorkload(d), ...immutableSelector(d, old)],
};

/** The replicaset strategy. */
export const replicaSetStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (rs) => {
    const spec = (rs.spec ??= {}) as Obj;
    spec["replicas"] ??= 1;
    spec["template"] ??= {};
    defaultPodSpec(spec["template"]["spec"]);
  },
  prepareForCreate: (rs) => {
    rs.status = { replicas: 0 };
  },
  prepareForUpdate: keepStatus,
  validate: validateWorkload,
  validateUpdate: (rs, old) => [...validateWorkload(rs), ...immutableSelector(rs, old)],
};
