// The mesh's outbound traffic policy, read where the release keeps it: the course's `kubectl get istiooperator
// installed-state …` on releases that save it (≤ 1.20), and the `istio` ConfigMap's mesh (authoritative, all releases).
import yaml from "js-yaml";
import type { Kubectl } from "../kube/kubectl.js";
import type { CommandResult } from "../run/result.js";
import type { IstioFeatures } from "./versions.js";

/** What outboundTrafficPolicyMode found. */
export interface OutboundTrafficPolicy {
  /** ALLOW_ANY (also when unset: Istio's default) or REGISTRY_ONLY; undefined in plan mode. */
  mode: "ALLOW_ANY" | "REGISTRY_ONLY" | undefined;
  /** Where the mode came from. */
  source: "installed-state" | "configmap" | "default" | "planned";
  results: CommandResult[];
}

/** Reads the outbound traffic policy (the chapter's DNS section asks whether the VM should reach outside names). */
export const outboundTrafficPolicyMode = async ({ kubectl, features, step }: { kubectl: Kubectl; features: IstioFeatures; step?: string }): Promise<OutboundTrafficPolicy> => {
  const results: CommandResult[] = [];
  const common = { namespace: "istio-system", nothrow: true, ...(step !== undefined ? { step } : {}) };
  if (features.installedState) {
    const fromIop = await kubectl.get({ ...common, resource: "istiooperator", name: "installed-state", output: "jsonpath={.spec.meshConfig.outboundTrafficPolicy.mode}" });
    results.push(fromIop);
    const mode = normalize(fromIop.stdout);
    if (fromIop.ok && mode) return { mode, source: "installed-state", results };
  }
  const fromConfigMap = await kubectl.get({ ...common, resource: "cm", name: "istio", output: "jsonpath={.data.mesh}" });
  results.push(fromConfigMap);
  if (fromConfigMap.planned) return { mode: undefined, source: "planned", results };
  let mesh: { outboundTrafficPolicy?: { mode?: string } } | undefined;
  try {
    mesh = fromConfigMap.ok ? (yaml.load(fromConfigMap.stdout) as typeof mesh) : undefined;
  } catch {
    mesh = undefined;
  }
  const mode = normalize(mesh?.outboundTrafficPolicy?.mode ?? "");
  return mode ? { mode, source: "configmap", results } : { mode: "ALLOW_ANY", source: "default", results };
};

const normalize = (text: string): OutboundTrafficPolicy["mode"] => {
  const t = text.trim().toUpperCase();
  return t === "ALLOW_ANY" || t === "REGISTRY_ONLY" ? t : undefined;
};
