// The IstioOperator istioctl ≤ 1.20 saves after an install (`installed-state[-<name>]` in the install namespace, with
// the ignoreReconcile annotation): what `kubectl get istiooperator installed-state -o jsonpath=…` reads.
import type { KubeClient } from "../kube/client.js";
import { applyObject } from "./apply.js";
import type { Obj } from "./iop.js";
import { installedStateName, type InstallPlan } from "./plan.js";

/** The saved IstioOperator object. */
export const installedStateObject = (plan: InstallPlan): Obj => ({
  apiVersion: "install.istio.io/v1alpha1",
  kind: "IstioOperator",
  metadata: { name: installedStateName(plan), namespace: plan.namespace, annotations: { "install.istio.io/ignoreReconcile": "true" } },
  spec: plan.spec,
});

/** Saves it (create or update). */
export const saveInstalledState = async (client: KubeClient, plan: InstallPlan): Promise<void> => applyObject(client, plan.facts, installedStateObject(plan));
