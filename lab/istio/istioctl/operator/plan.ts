// What an install does, decided once from the effective IstioOperator (profile + files + --set): the enabled
// components, the gateways with their labels, env and Service ports, istiod's env, the global values (network, mesh ID,
// cluster name) and the owner labels every applied object gets.
import type { ReleaseFacts } from "../../release/versions.js";
import { overlay, type IstioOperator, type Obj } from "./iop.js";

/** The operator's component names (labels `operator.istio.io/component`), in install order. */
export type ComponentName = "Base" | "Pilot" | "IngressGateways" | "EgressGateways";

/** How istioctl names a component to the user. */
export const USER_FACING: Readonly<Record<ComponentName, string>> = { Base: "Istio core", Pilot: "Istiod", IngressGateways: "Ingress gateways", EgressGateways: "Egress gateways" };

/** Icons of current releases' progress lines. */
export const ICONS: Readonly<Record<ComponentName, string>> = { Base: "⛵️", Pilot: "🧠", IngressGateways: "🛬", EgressGateways: "🛫" };

/** An env var of a container. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Obj;
}

/** One gateway to deploy. */
export interface GatewayPlan {
  name: string;
  component: "IngressGateways" | "EgressGateways";
  labels: Record<string, string>;
  /** k8s.env of the IstioOperator (merged by name over the chart's env). */
  env: EnvVar[];
  ports: Array<{ name: string; port: number; targetPort?: number; protocol?: string }>;
  serviceType: string;
  /** values.gateways.istio-(ingress|egress)gateway.injectionTemplate: "" = a full Deployment, else an injected one (1.11+). */
  injectionTemplate: string;
}

/** The decided install. */
export interface InstallPlan {
  facts: ReleaseFacts;
  /** metadata.name of the IstioOperator ("" = unnamed). */
  iopName: string;
  namespace: string;
  revision: string;
  profile: string;
  /** The effective IstioOperator spec (what installed-state saves). */
  spec: Obj;
  hub: string;
  tag: string;
  components: ComponentName[];
  gateways: GatewayPlan[];
  /** values.pilot.env as name/value pairs, sorted by name (Helm ranges over maps in key order). */
  pilotEnv: EnvVar[];
  /** components.pilot.k8s.env. */
  pilotK8sEnv: EnvVar[];
  global: { network: string; meshID: string; clusterName: string; trustDomain: string };
  /** meshConfig of the IstioOperator (overlaid on the chart's mesh by the istio ConfigMap). */
  meshConfig: Obj;
  values: Obj;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A value as Helm prints it into a quoted env value (`"{{ $val }}"`). */
const helmString = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** k8s.env entries as env vars (values stringified like YAML scalars would be). */
const envList = (list: unknown): EnvVar[] =>
  (Array.isArray(list) ? list : []).filter(isObj).map((e) => ({ name: String(e["name"]), ...(e["valueFrom"] ? { valueFrom: e["valueFrom"] } : { value: helmString(e["value"]) }) }));

/** The gateway of a component entry (`injectionTemplate` from the install's gateway values). */
const gatewayPlan = (entry: Obj, component: GatewayPlan["component"], injectionTemplate: string): GatewayPlan => {
  const ingress = component === "IngressGateways";
  const name = String(entry["name"]);
  const defaults = ingress ? { app: "istio-ingressgateway", istio: "ingressgateway" } : { app: "istio-egressgateway", istio: "egressgateway" };
  const k8s = isObj(entry["k8s"]) ? entry["k8s"] : {};
  const service = isObj(k8s["service"]) ? k8s["service"] : {};
  const ports = Array.isArray(service["ports"]) ? service["ports"].filter(isObj) : [];
  return {
    name,
    component,
    labels: { ...defaults, ...(isObj(entry["label"]) ? Object.fromEntries(Object.entries(entry["label"]).map(([k, v]) => [k, helmString(v)])) : {}) },
    env: envList(k8s["env"]),
    ports: ports.map((p) => ({ name: String(p["name"] ?? ""), port: Number(p["port"]), ...(p["targetPort"] !== undefined ? { targetPort: Number(p["targetPort"]) } : {}), ...(p["protocol"] ? { protocol: String(p["protocol"]) } : {}) })),
    serviceType: typeof service["type"] === "string" ? service["type"] : ingress ? "LoadBalancer" : "ClusterIP",
    injectionTemplate,
  };
};

/** Decides the install of an IstioOperator overlaid on its profile. */
export const installPlan = (facts: ReleaseFacts, iop: IstioOperator, profileBase: Obj): InstallPlan => {
  const spec = overlay(profileBase, iop.spec) as Obj;
  const components: ComponentName[] = [];
  const c = isObj(spec["components"]) ? spec["components"] : {};
  const enabled = (name: string) => isObj(c[name]) && c[name]["enabled"] === true;
  if (enabled("base")) components.push("Base");
  if (enabled("pilot")) components.push("Pilot");
  const gatewayValues = (name: string): string => {
    const gw = isObj(spec["values"]) && isObj(spec["values"]["gateways"]) ? spec["values"]["gateways"][name] : undefined;
    return isObj(gw) && typeof gw["injectionTemplate"] === "string" && facts.eastWestInjectionTemplate ? gw["injectionTemplate"] : "";
  };
  const gateways = [
    ...(Array.isArray(c["ingressGateways"]) ? c["ingressGateways"] : []).filter((g: Obj) => isObj(g) && g["enabled"] === true).map((g: Obj) => gatewayPlan(g, "IngressGateways", gatewayValues("istio-ingressgateway"))),
    ...(Array.isArray(c["egressGateways"]) ? c["egressGateways"] : []).filter((g: Obj) => isObj(g) && g["enabled"] === true).map((g: Obj) => gatewayPlan(g, "EgressGateways", gatewayValues("istio-egressgateway"))),
  ];
  if (gateways.some((g) => g.component === "IngressGateways")) components.push("IngressGateways");
  if (gateways.some((g) => g.component === "EgressGateways")) components.push("EgressGateways");
  const values = isObj(spec["values"]) ? spec["values"] : {};
  const global = isObj(values["global"]) ? values["global"] : {};
  const pilotValues = isObj(values["pilot"]) ? values["pilot"] : {};
  const pilotEnv = isObj(pilotValues["env"]) ? pilotValues["env"] : {};
  const pilotK8s = isObj(c["pilot"]) && isObj(c["pilot"]["k8s"]) ? c["pilot"]["k8s"] : {};
  const meshConfig = isObj(spec["meshConfig"]) ? spec["meshConfig"] : {};
  return {
    facts,
    iopName: iop.name,
    namespace: typeof spec["namespace"] === "string" && spec["namespace"] ? spec["namespace"] : iop.namespace || "istio-system",
    revision: typeof spec["revision"] === "string" ? spec["revision"] : "",
    profile: String(spec["profile"] ?? "default"),
    spec,
    hub: String(spec["hub"] ?? facts.hub),
    tag: String(spec["tag"] ?? facts.version.text),
    components,
    gateways,
    pilotEnv: Object.keys(pilotEnv)
      .sort()
      .map((name) => ({ name, value: helmString(pilotEnv[name]) })),
    pilotK8sEnv: envList(pilotK8s["env"]),
    global: {
      network: helmString(global["network"] ?? ""),
      meshID: helmString(global["meshID"] ?? ""),
      clusterName: helmString(isObj(global["multiCluster"]) ? (global["multiCluster"]["clusterName"] ?? "") : ""),
      trustDomain: helmString(global["trustDomain"] ?? meshConfig["trustDomain"] ?? "cluster.local"),
    },
    meshConfig,
    values,
  };
};

/** Labels istioctl sets on every object of a component (and, without `component`, the prune selector's core labels). */
export const ownerLabels = (plan: InstallPlan, component?: ComponentName): Record<string, string> => ({
  "operator.istio.io/managed": "Reconcile",
  ...(plan.iopName ? { "install.operator.istio.io/owning-resource": plan.iopName } : {}),
  "install.operator.istio.io/owning-resource-namespace": plan.namespace,
  "operator.istio.io/version": plan.facts.version.text,
  "istio.io/rev": plan.revision || "default",
  ...(component ? { "operator.istio.io/component": component } : {}),
});

/** The name of the IstioOperator istioctl saves (≤ 1.20): installed-state[-<name>][-<revision>]. */
export const installedStateName = (plan: InstallPlan): string => ["installed-state", plan.iopName, plan.revision].filter(Boolean).join("-");
