// The Istio core component (base chart): the release's CRDs (with the IstioOperator CRD on releases that save
// installed-state), the istio-reader ServiceAccount, and on ≤ 1.9 istiod's ServiceAccount and the validation webhook.
import type { Obj } from "../iop.js";
import type { InstallPlan } from "../plan.js";
import { releaseCrds } from "../crds.js";
import { validationWebhook } from "./pilot.js";

/** Every object of the Base component. */
export const baseObjects = (plan: InstallPlan): Obj[] => {
  const old = plan.facts.istiodServiceAccount !== "istiod";
  return [
    ...releaseCrds(plan.facts),
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "istio-reader-service-account", namespace: plan.namespace, labels: { app: "istio-reader", release: "istio" } } },
    ...(old ? [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "istiod-service-account", namespace: plan.namespace, labels: { app: "istiod", release: "istio" } } }] : []),
    ...(old ? [validationWebhook(plan, "Base")] : []),
  ];
};
