// Picks the strategy of a resource.
import type { ResourceDef } from "../../resources/catalog.js";
import { crdStrategy } from "./crd.js";
import { applyDefaults, validateCustomObject } from "./custom.js";
import { namespaceStrategy } from "./namespace.js";
import { podStrategy } from "./pod.js";
import { serviceStrategy } from "./service.js";
import { configMapStrategy, nodeStrategy, secretStrategy, webhookConfigurationStrategy } from "./simple.js";
import type { Strategy } from "./types.js";
import { deploymentStrategy, replicaSetStrategy } from "./workloads.js";

const builtins: Record<string, Strategy> = {
  "/namespaces": namespaceStrategy,
  "/pods": podStrategy,
  "/services": serviceStrategy,
  "/secrets": secretStrategy,
  "/configmaps": configMapStrategy,
  "/nodes": nodeStrategy,
  "apps/deployments": deploymentStrategy,
  "apps/replicasets": replicaSetStrategy,
  "apiextensions.k8s.io/customresourcedefinitions": crdStrategy,
  "admissionregistration.k8s.io/mutatingwebhookconfigurations": webhookConfigurationStrategy,
  "admissionregistration.k8s.io/validatingwebhookconfigurations": webhookConfigurationStrategy,
};

/** The strategy of a resource (custom resources validate against their CRD's storage-version schema). */
export const strategyFor = (def: ResourceDef): Strategy => {
  if (def.crd) {
    const schema = def.versions[0]?.schema;
    const hasStatus = def.subresources.some((s) => s.name === "status");
    return {
      tracksGeneration: true,
      defaults: (o) => applyDefaults(schema, o),
      prepareForCreate: (o) => {
        if (hasStatus) delete o["status"];
      },
      prepareForUpdate: (o, old) => {
        if (hasStatus) {
          if (old["status"] !== undefined) o["status"] = old["status"];
          else delete o["status"];
        }
      },
      validate: (o) => validateCustomObject(schema, o),
    };
  }
  return builtins[`${def.group}/${def.plural}`] ?? {};
};

export type { Strategy, StrategyContext } from "./types.js";
