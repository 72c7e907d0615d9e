// PeerAuthentication resolution, as istiod computes it: the server side's effective mode for one workload port
// (composePeerAuthentication: mesh → namespace → workload → port, UNSET inherits, oldest policy wins) and the client
// side's view of a destination service (BestEffortInferServiceMTLSMode: namespace or mesh policy only).
import type { MtlsMode, PeerAuthenticationPolicy } from "./config.js";

/** A resolved (never UNSET) mode. */
export type EffectiveMtlsMode = Exclude<MtlsMode, "UNSET">;

/** Istio's default root namespace. */
export const DEFAULT_ROOT_NAMESPACE = "istio-system";

const hasSelector = (p: PeerAuthenticationPolicy): boolean => Object.keys(p.selector ?? {}).length > 0;
const older = (a: PeerAuthenticationPolicy, b: PeerAuthenticationPolicy): boolean =>
  Date.parse(a.creationTimestamp ?? "1970-01-01T00:00:00Z") < Date.parse(b.creationTimestamp ?? "1970-01-01T00:00:00Z");
const modeOf = (p: PeerAuthenticationPolicy | undefined): MtlsMode => p?.mtls?.mode ?? "UNSET";
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The policies that decided a workload port's mode, for logs and diagnosis. */
export interface PeerAuthnDecision {
  mode: EffectiveMtlsMode;
  mesh?: PeerAuthenticationPolicy;
  namespace?: PeerAuthenticationPolicy;
  workload?: PeerAuthenticationPolicy;
  /** True when a portLevelMtls entry of the workload policy applied. */
  portLevel: boolean;
}

/** Effective inbound mode of `port` on a workload (namespace, labels), composing mesh, namespace, workload and port
 * level policies like pilot's composePeerAuthentication. No policy at all means PERMISSIVE. */
export const workloadPortMtls = ({
  policies,
  rootNamespace = DEFAULT_ROOT_NAMESPACE,
  namespace,
  labels,
  port,
}: {
  policies: readonly PeerAuthenticationPolicy[];
  rootNamespace?: string;
  namespace: string;
  labels: Record<string, string>;
  port: number;
}): PeerAuthnDecision => {
  let mesh: PeerAuthenticationPolicy | undefined;
  let ns: PeerAuthenticationPolicy | undefined;
  let workload: PeerAuthenticationPolicy | undefined;
  for (const p of policies) {
    if (p.namespace !== namespace && p.namespace !== rootNamespace) continue;
    if (!hasSelector(p)) {
      if (p.namespace === rootNamespace) {
        if (!mesh || older(p, mesh)) mesh = p;
      } else if (!ns || older(p, ns)) {
        ns = p;
      }
    } else if (p.namespace !== rootNamespace && matches(p.selector!, labels)) {
      if (!workload || older(p, workload)) workload = p;
    }
  }
  let mode: EffectiveMtlsMode = "PERMISSIVE";
  if (modeOf(mesh) !== "UNSET") mode = modeOf(mesh) as EffectiveMtlsMode;
  if (modeOf(ns) !== "UNSET") mode = modeOf(ns) as EffectiveMtlsMode;
  if (modeOf(workload) !== "UNSET") mode = modeOf(workload) as EffectiveMtlsMode;
  let portLevel = false;
  const portEntry = workload?.portLevelMtls?.[String(port)];
  if (portEntry) {
    portLevel = true;
    if (portEntry.mode !== "UNSET") mode = portEntry.mode;
  }
  return { mode, mesh, namespace: ns, workload, portLevel };
};

/** How a client proxy sees a destination namespace (GetNamespaceMutualTLSMode): the oldest namespace-level policy, or
 * the mesh policy; UNSET inherits; no policy means PERMISSIVE. Workload-level policies are NOT considered — a
 * workload-level DISABLE does not make clients send plaintext. */
export const namespaceMtls = ({
  policies,
  rootNamespace = DEFAULT_ROOT_NAMESPACE,
  namespace,
}: {
  policies: readonly PeerAuthenticationPolicy[];
  rootNamespace?: string;
  namespace: string;
}): EffectiveMtlsMode => {
  let mesh: PeerAuthenticationPolicy | undefined;
  let ns: PeerAuthenticationPolicy | undefined;
  for (const p of policies) {
    if (hasSelector(p)) continue;
    if (p.namespace === rootNamespace) {
      if (!mesh || older(p, mesh)) mesh = p;
    } else if (p.namespace === namespace && (!ns || older(p, ns))) {
      ns = p;
    }
  }
  const inherited: EffectiveMtlsMode = modeOf(mesh) === "UNSET" ? "PERMISSIVE" : (modeOf(mesh) as EffectiveMtlsMode);
  if (namespace === rootNamespace) return inherited;
  if (!ns || modeOf(ns) === "UNSET") return inherited;
  return modeOf(ns) as EffectiveMtlsMode;
};
