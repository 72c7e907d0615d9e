// API discovery: the aggregated documents (apidiscovery.k8s.io/v2 and v2beta1) and the legacy ones (/api,
// /apis, /api/v1, /apis/<group>/<version>), both built from the resource catalog (CRDs appear once established).
import { apiVersionOf, type ResourceCatalog, type ResourceDef } from "../resources/catalog.js";

/** Groups and their versions in preference order (core first). */
const groupsOf = (catalog: ResourceCatalog): Map<string, string[]> => {
  const groups = new Map<string, string[]>();
  for (const def of catalog.all()) {
    const versions = groups.get(def.group) ?? [];
    for (const v of def.versions) if (!versions.includes(v.name)) versions.push(v.name);
    groups.set(def.group, versions);
  }
  for (const [g, versions] of groups) groups.set(g, sortVersions(versions));
  return groups;
};

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export const sortVersions = (versions: string[]): string[] => {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    return [m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
};

const resourcesIn = (catalog: ResourceCatalog, group: string, version: string): ResourceDef[] =>
  catalog.all().filter((d) => d.group === group && d.versions.some((v) => v.name === version));

const aggregatedResource = (def: ResourceDef, version: string): Record<string, unknown> => {
  const r: Record<string, unknown> = {
    resource: def.plural,
    responseKind: { group: def.group, version, kind: def.kind },
    scope: def.namespaced ? "Namespaced" : "Cluster",
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames.length) r["shortNames"] = def.shortNames;
  if (def.categories.length) r["categories"] = def.categories;
  if (def.subresources.length) {
    r["subresources"] = def.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.kind.group === def.group && s.kind.kind === def.kind ? { group: def.group, version, kind: def.kind } : s.kind,
      verbs: s.verbs,
    }));
  }
  return r;
};

/** The aggregated discovery document of `/api` (legacy: true) or `/apis`. */
export const aggregatedDiscovery = (catalog: ResourceCatalog, legacy: boolean, apiVersion = "apidiscovery.k8s.io/v2"): Record<string, unknown> => {
  const items: Array<Record<string, unknown>> = [];
  for (const [group, versions] of groupsOf(catalog)) {
    if ((group === "") !== legacy) continue;
    items.push({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        resources: resourcesIn(catalog, group, version).map((d) => aggregatedResource(d, version)),
        freshness: "Current",
      })),
    });
  }
  return { kind: "APIGroupDiscoveryList", apiVersion, metadata: {}, items };
};

/** `GET /api` (legacy). */
export const apiVersions = (serverAddress: string): Record<string, unknown> => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
});

const apiGroup = (group: string, versions: string[]): Record<string, unknown> => ({
  name: group,
  versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
});

/** `GET /apis` (legacy APIGroupList). */
export const apiGroupList = (catalog: ResourceCatalog): Record<string, unknown> => ({
  kind: "APIGroupList",
  apiVersion: "v1",
  groups: [...groupsOf(catalog)].filter(([g]) => g !== "").map(([g, versions]) => apiGroup(g, versions)),
});

/** `GET /apis/<group>` (APIGroup), or undefined when the group is unknown. */
export const apiGroupDocument = (catalog: ResourceCatalog, group: string): Record<string, unknown> | undefined => {
  const versions = groupsOf(catalog).get(group);
  return versions && group ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) } : undefined;
};

/** `GET /api/v1` or `/apis/<group>/<version>` (APIResourceList), or undefined when not served. */
export const apiResourceList = (catalog: ResourceCatalog, group: string, version: string): Record<string, unknown> | undefined => {
  const defs = resourcesIn(catalog, group, version);
  if (!defs.length) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const d of defs) {
    const r: Record<string, unknown> = { name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs };
    if (d.shortNames.length) r["shortNames"] = d.shortNames;
    if (d.categories.length) r["categories"] = d.categories;
    resources.push(r);
    for (const s of d.subresources) {
      const sub: Record<string, unknown> = { name: `${d.plural}/${s.name}`, singularName: "", namespaced: d.namespaced, kind: s.kind.kind, verbs: s.verbs };
      if (s.kind.group !== d.group || s.kind.version !== version) {
        sub["group"] = s.kind.group;
        sub["version"] = s.kind.version;
      }
      resources.push(sub);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(group, version), resources };
};
