// Whether a pod gets a sidecar: the MutatingWebhookConfiguration istio-sidecar-injector must exist and one of its
// webhooks' namespaceSelector/objectSelector must match (what the API server evaluates before calling the webhook),
// then the injector's own checks (pkg/kube/inject injectRequired): not hostNetwork, not an ignored namespace, not
// already injected, and the sidecar.istio.io/inject annotation (or label, current releases) not saying no.
import type { KubeObject } from "../../cluster/contracts.js";

type Obj = Record<string, any>;

/** Namespaces the injector never touches. */
export const IGNORED_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]);

/** Evaluates a Kubernetes label selector (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist). */
export const labelSelectorMatches = (selector: Obj | undefined, labels: Record<string, string>): boolean => {
  if (!selector) return true;
  for (const [k, v] of Object.entries((selector["matchLabels"] ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  for (const e of (selector["matchExpressions"] ?? []) as Obj[]) {
    const key = String(e["key"]);
    const values = (e["values"] ?? []) as string[];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e["operator"]) {
      case "In":
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
};

/** True when one webhook of the configuration would be called for `pod` in a namespace with `namespaceLabels`. */
export const webhookSelects = (config: KubeObject, namespaceLabels: Record<string, string>, pod: KubeObject): boolean =>
  ((config["webhooks"] ?? []) as Obj[]).some((w) => {
    const rules = (w["rules"] ?? []) as Obj[];
    const coversPods = rules.some((r) => ((r["resources"] ?? []) as string[]).some((res) => res === "pods" || res === "*") && ((r["operations"] ?? []) as string[]).some((op) => op === "CREATE" || op === "*"));
    return coversPods && labelSelectorMatches(w["namespaceSelector"], namespaceLabels) && labelSelectorMatches(w["objectSelector"], pod.metadata.labels ?? {});
  });

const NO = new Set(["n", "no", "false", "off"]);
const YES = new Set(["y", "yes", "true", "on"]);

/** The injector's own decision (injectRequired) for a pod the webhook was called for. */
export const injectRequired = (pod: KubeObject, { minor, policy = "enabled" }: { minor: number; policy?: "enabled" | "disabled" }): boolean => {
  const spec = (pod.spec ?? {}) as Obj;
  if (spec["hostNetwork"]) return false;
  if (IGNORED_NAMESPACES.has(pod.metadata.namespace ?? "default")) return false;
  if (pod.metadata.annotations?.["sidecar.istio.io/status"]) return false;
  const fromLabel = minor >= 10 ? pod.metadata.labels?.["sidecar.istio.io/inject"] : undefined;
  const value = (fromLabel ?? pod.metadata.annotations?.["sidecar.istio.io/inject"] ?? "").toLowerCase();
  if (NO.has(value)) return false;
  if (YES.has(value)) return true;
  return policy === "enabled";
};
