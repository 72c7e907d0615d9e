// Applying an install plan the way istioctl's installer does: the namespace, then Istio core, then Istiod, then the
// gateways (ingress and egress side by side), each component's objects with the owner labels, then a wait for its
// resources; prune of the owner's objects the install no longer makes, and (≤ 1.20) the saved installed-state.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError } from "../cli/command.js";
import { KubeApiError, type KubeClient } from "../kube/client.js";
import { collectionPath, objectPath, resourceKind } from "../kube/resources.js";
import { applyObject } from "./apply.js";
import type { Obj } from "./iop.js";
import { saveInstalledState } from "./installed-state.js";
import { ownerLabels, type ComponentName, type InstallPlan } from "./plan.js";
import type { ProgressLog } from "./progress.js";
import { appliedKey, pruneAfterInstall } from "./prune.js";
import { baseObjects } from "./render/base.js";
import { gatewayComponentObjects } from "./render/gateways.js";
import { pilotObjects } from "./render/pilot.js";
import { waitForResources } from "./wait.js";

/** Options of runInstall. */
export interface InstallRun {
  client: KubeClient;
  plan: InstallPlan;
  progress: ProgressLog;
  timeoutMs: number;
  /** Console output lines of the installer ("  Removed …", stdout). */
  print: (text: string) => void;
}

/** The objects of a component with istioctl's owner labels. */
export const componentObjects = (plan: InstallPlan, component: ComponentName): Obj[] => {
  const objects = component === "Base" ? baseObjects(plan) : component === "Pilot" ? pilotObjects(plan) : gatewayComponentObjects(plan, component);
  const labels = ownerLabels(plan, component);
  return objects.map((o) => ({ ...o, metadata: { ...o["metadata"], labels: { ...(o["metadata"]["labels"] ?? {}), ...labels } } }));
};

/** istioctl's apply order inside a component: CRDs, then everything else, Deployments last. */
const applyOrder = (objects: Obj[]): Obj[] => {
  const rank = (o: Obj) => (o["kind"] === "CustomResourceDefinition" ? 0 : o["kind"] === "Deployment" ? 2 : 1);
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
};

/** Creates the install namespace when missing (with the release's labels). */
const ensureNamespace = async (client: KubeClient, facts: ReleaseFacts, plan: InstallPlan): Promise<void> => {
  const kind = resourceKind("Namespace");
  try {
    if (await client.getOptional(objectPath(kind, plan.namespace))) return;
    const labels = facts.version.minor < 21 ? { "istio-injection": "disabled" } : plan.global.network ? { "topology.istio.io/network": plan.global.network } : {};
    await client.request("POST", collectionPath(kind), { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: plan.namespace, labels } } });
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`failed to install manifests: failed to create namespace ${plan.namespace}: ${error.message}`);
    throw error;
  }
};

/** Applies and waits for one component; resolves to its error text, or undefined. */
const installComponent = async (run: InstallRun, component: ComponentName, applied: Map<ComponentName, Set<string>>): Promise<string | undefined> => {
  const { client, plan } = run;
  const progress = run.progress.component(component);
  const objects = applyOrder(componentObjects(plan, component));
  const keys = new Set<string>();
  applied.set(component, keys);
  for (const obj of objects) {
    try {
      await applyObject(client, plan.facts, obj);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      progress.error(error.message);
      return error.message;
    }
    keys.add(appliedKey(obj));
    progress.progress();
  }
  if (component === "Pilot") {
    const { publishLabRootCa } = await import("./lab-ca.js");
    await publishLabRootCa(client, { namespace: plan.namespace, trustDomain: plan.global.trustDomain });
  }
  const deployments = objects.filter((o) => o["kind"] === "Deployment").map((o) => ({ namespace: String(o["metadata"]["namespace"]), name: String(o["metadata"]["name"]) }));
  const crds = objects.filter((o) => o["kind"] === "CustomResourceDefinition").map((o) => String(o["metadata"]["name"]));
  const failure = await waitForResources({ client, facts: plan.facts, targets: { deployments, crds }, timeoutMs: run.timeoutMs, onWaiting: (ids) => progress.waiting(ids) });
  if (failure !== undefined) {
    const message = `failed to wait for resource: ${failure}`;
    progress.error(message);
    return message;
  }
  progress.finished();
  return undefined;
};

/** Runs the install; throws CommandError with the release's final error when a component failed. */
export const runInstall = async (run: InstallRun): Promise<void> => {
  const { client, plan } = run;
  const facts = plan.facts;
  await ensureNamespace(client, facts, plan);
  const applied = new Map<ComponentName, Set<string>>();
  const errors: string[] = [];
  const step = async (components: ComponentName[]) => {
    const results = await Promise.all(components.filter((c) => plan.components.includes(c)).map((c) => installComponent(run, c, applied)));
    errors.push(...results.filter((r): r is string => r !== undefined));
  };
  await step(["Base"]);
  await step(["Pilot"]);
  await step(["IngressGateways", "EgressGateways"]);
  if (facts.serverSideApply) {
    // Current releases stop before pruning when a component failed.
    if (errors.length) throw new CommandError(`failed to install manifests: ${errors.length === 1 ? errors[0] : `${errors.length} errors occurred:\n\t${errors.map((e) => `* ${e}`).join("\n\t")}\n`}`);
    run.progress.pruning();
    await pruneAfterInstall({ client, plan, applied, print: run.print });
    run.progress.complete();
    return;
  }
  run.progress.pruning();
  await pruneAfterInstall({ client, plan, applied, print: run.print });
  if (errors.length) throw new CommandError("failed to install manifests: errors occurred during operation");
  run.progress.complete();
  if (facts.installedState) await saveInstalledState(client, plan);
};
