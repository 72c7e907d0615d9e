// The installation profiles istioctl overlays the user's IstioOperator on (default, demo, minimal, empty, and the
// release's others by name), reduced to what the lab renders: components, gateways with their env and Service ports,
// meshConfig and the values the charts read.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError } from "../cli/command.js";
import { overlay, type Obj } from "./iop.js";

/** Profiles each release ships (files under manifests/profiles/). */
const PROFILE_NAMES = (facts: ReleaseFacts): string[] =>
  facts.version.minor >= 21 ? ["ambient", "default", "demo", "empty", "minimal", "openshift", "openshift-ambient", "preview", "remote", "stable"] : ["default", "demo", "empty", "minimal", "openshift", "preview", "remote"];

/** The ingress gateway of the default profile. */
const ingressGateway = (facts: ReleaseFacts): Obj => ({
  name: "istio-ingressgateway",
  enabled: true,
  k8s: {
    ...(facts.version.minor < 21 ? { env: [{ name: "ISTIO_META_ROUTER_MODE", value: "standard" }] } : {}),
    service: {
      ports: [
        { port: 15021, targetPort: 15021, name: "status-port", protocol: "TCP" },
        { port: 80, targetPort: 8080, name: "http2", protocol: "TCP" },
        { port: 443, targetPort: 8443, name: "https", protocol: "TCP" },
        ...(facts.version.minor < 21
          ? [
              { port: 15012, targetPort: 15012, name: "tcp-istiod", protocol: "TCP" },
              { port: 15443, targetPort: 15443, name: "tls", protocol: "TCP" },
            ]
          : []),
      ],
    },
  },
});

/** The egress gateway (enabled by demo). */
const egressGateway = (enabled: boolean): Obj => ({
  name: "istio-egressgateway",
  enabled,
  k8s: {
    service: {
      ports: [
        { port: 80, targetPort: 8080, name: "http2", protocol: "TCP" },
        { port: 443, targetPort: 8443, name: "https", protocol: "TCP" },
      ],
    },
  },
});

/** The empty profile: nothing enabled, the release's hub and tag. */
const emptyProfile = (facts: ReleaseFacts): Obj => ({
  hub: facts.hub,
  tag: facts.version.text,
  components: { base: { enabled: false }, pilot: { enabled: false }, cni: { enabled: false }, ingressGateways: [], egressGateways: [] },
  values: { global: { istioNamespace: "istio-system" } },
});

/** The default profile. */
const defaultProfile = (facts: ReleaseFacts): Obj =>
  overlay(emptyProfile(facts), {
    ...(facts.version.minor < 21 ? { meshConfig: { defaultConfig: { proxyMetadata: {} }, enablePrometheusMerge: true } } : {}),
    components: { base: { enabled: true }, pilot: { enabled: true }, ingressGateways: [ingressGateway(facts)], egressGateways: [egressGateway(false)] },
  });

/** The base spec of a profile; CommandError naming the profiles the release has for an unknown one. */
export const profileSpec = (facts: ReleaseFacts, profile: string): Obj => {
  const names = PROFILE_NAMES(facts);
  if (!names.includes(profile)) throw new CommandError(`failed to install manifests: could not read profile ${profile}: profile does not exist; valid profiles: ${names.join(", ")}`);
  switch (profile) {
    case "empty":
      return { profile, ...emptyProfile(facts) };
    case "minimal":
      return { profile, ...overlay(defaultProfile(facts), { components: { ingressGateways: [{ name: "istio-ingressgateway", enabled: false }] } }) };
    case "demo":
      return {
        profile,
        ...overlay(defaultProfile(facts), { meshConfig: { accessLogFile: "/dev/stdout" }, components: { egressGateways: [{ name: "istio-egressgateway", enabled: true }] } }),
      };
    default:
      return { profile, ...defaultProfile(facts) };
  }
};
