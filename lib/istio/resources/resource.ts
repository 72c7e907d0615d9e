// The shape every Istio resource builder returns: plain, typed JSON (apiVersion, kind, metadata, spec) that
// kubectl apply, server-side apply and toYaml accept.
import type { IstioFeatures } from "../versions.js";
import { istioFeatures } from "../versions.js";
import type { IstioVersion } from "../../params/validate.js";

/** A namespaced Istio (or Kubernetes) resource as plain JSON. */
export interface Resource<K extends string, S> {
  apiVersion: string;
  kind: K;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: S;
}

/** Which Istio release a builder writes for: a version ("1.8.1") or its feature table. */
export type ForVersion = string | IstioVersion | IstioFeatures;

/** The feature table of a ForVersion. */
export const featuresOf = (version: ForVersion): IstioFeatures =>
  typeof version === "object" && "apiVersions" in version ? version : istioFeatures(version);

/** Drops undefined fields and empty maps/lists (so the YAML shows only what was given). */
export const compact = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = compact(v);
    if (c === undefined) continue;
    if (typeof c === "object" && c !== null && !Array.isArray(c) && Object.keys(c).length === 0) continue;
    out[k] = c;
  }
  return out as T;
};
