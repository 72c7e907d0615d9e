// The mesh config in ConfigMap `istio` (key `mesh`) as the istio-discovery chart renders it: the chart's own mesh
// (trust domain, root namespace, discovery address, the release's tracer and default providers) merged with
// values.meshConfig (chart defaults, then the IstioOperator's meshConfig), printed with Helm's toYaml.
import { goYamlMarshal, type YamlValue } from "../../yaml/go-yaml.js";
import { overlay, type Obj } from "../iop.js";
import type { InstallPlan } from "../plan.js";

/** The merged mesh config object. */
export const meshConfigObject = (plan: InstallPlan): Obj => {
  const { facts, global, namespace } = plan;
  const istiod = `istiod${plan.revision ? `-${plan.revision}` : ""}.${namespace}.svc:15012`;
  const defaultConfig: Obj = {
    ...(global.meshID ? { meshId: global.meshID } : {}),
    ...(facts.meshZipkinTracer ? { tracing: { zipkin: { address: `zipkin.${namespace}:9411` } } } : {}),
    discoveryAddress: istiod,
  };
  const chartMesh: Obj = {
    trustDomain: global.trustDomain,
    ...(facts.meshDefaultProviders ? { rootNamespace: namespace, defaultProviders: { metrics: ["prometheus"] } } : {}),
    defaultConfig,
  };
  const valuesMeshConfig: Obj = facts.meshDnsAgent
    ? { defaultConfig: { proxyMetadata: { DNS_AGENT: "" } }, rootNamespace: namespace }
    : facts.meshDefaultProviders
      ? { enablePrometheusMerge: true }
      : { rootNamespace: namespace };
  return overlay(chartMesh, overlay(valuesMeshConfig, plan.meshConfig)) as Obj;
};

/** The `mesh` text of ConfigMap istio (Helm's `toYaml` under a `|-` block: no trailing newline). */
export const meshConfigText = (plan: InstallPlan): string => goYamlMarshal(meshConfigObject(plan) as YamlValue, { width: plan.facts.yamlWidth }).replace(/\n$/, "");
