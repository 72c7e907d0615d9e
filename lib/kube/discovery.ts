// API discovery for the client: turns "svc", "workloadentries" or {apiVersion, kind} into a served group, version and
// plural, the way kubectl does (legacy per-group-version documents, which every server and client-node understand).
import type { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../errors.js";
import { KubeApiError } from "./api-error.js";
import { restRequest } from "./rest.js";
import { apiVersionOf, knownType, knownTypeOfKind, type ResolvedType, type ResourceType } from "./resources.js";

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
}
interface ApiGroup {
  name: string;
  versions: Array<{ groupVersion: string; version: string }>;
  preferredVersion?: { groupVersion: string; version: string };
}

/** What a resource reference can be: a kubectl name ("svc", "workloadentry.networking.istio.io") or an apiVersion + kind. */
export type ResourceRef = string | { apiVersion: string; kind: string };

/** Cached discovery for one cluster. */
export class Discovery {
  readonly #kubeConfig: KubeConfig;
  #groups: Promise<ApiGroup[]> | undefined;
  readonly #resources = new Map<string, Promise<ApiResource[]>>();

  constructor({ kubeConfig }: { kubeConfig: KubeConfig }) {
    this.#kubeConfig = kubeConfig;
  }

  /** Forgets everything (after CRDs were installed, like kubectl invalidating its cache). */
  invalidate(): void {
    this.#groups = undefined;
    this.#resources.clear();
  }

  /** The served type of `ref`; throws InputError when the cluster does not serve it (a missing CRD, a typo). */
  async resolve(ref: ResourceRef): Promise<ResolvedType> {
    if (typeof ref !== "string") return this.#resolveKind(ref);
    const known = knownType(ref);
    if (known) return this.#resolveKnown(known);
    return this.#search(ref);
  }

  async #resolveKnown(type: ResourceType): Promise<ResolvedType> {
    if (type.version) return { ...type, apiVersion: apiVersionOf(type) };
    const group = (await this.#groupList()).find((g) => g.name === type.group);
    if (!group) throw notServed(type.plural + "." + type.group, type.group);
    // The group may be served without this type (another CRD of the group missing): look in every served version.
    const versions = [group.preferredVersion?.version, ...group.versions.map((v) => v.version)].filter((v, i, all): v is string => !!v && all.indexOf(v) === i);
    for (const version of versions) {
      const apiVersion = apiVersionOf({ group: type.group, version });
      if ((await this.#resourceList(apiVersion)).some((r) => r.name === type.plural)) return { ...type, version, apiVersion };
    }
    throw notServed(type.plural + "." + type.group, type.group);
  }

  async #resolveKind({ apiVersion, kind }: { apiVersion: string; kind: string }): Promise<ResolvedType> {
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
    const known = knownTypeOfKind({ apiVersion, kind });
    if (known && (known.version === version || known.version === "")) {
      return { ...known, version, apiVersion };
    }
    const resources = await this.#resourceList(apiVersion);
    const found = resources.find((r) => r.kind === kind && !r.name.includes("/"));
    if (!found) throw notServed(`${kind} (${apiVersion})`, group);
    return toResolved({ group, version, resource: found });
  }

  async #search(name: string): Promise<ResolvedType> {
    const lower = name.toLowerCase();
    const [plainName, ...groupParts] = lower.split(".");
    const wantedGroup = groupParts.join(".");
    const groups: Array<{ group: string; version: string }> = [{ group: "", version: "v1" }];
    for (const g of await this.#groupList()) {
      const version = g.preferredVersion?.version ?? g.versions[0]?.version;
      if (version) groups.push({ group: g.name, version });
    }
    for (const { group, version } of groups) {
      if (wantedGroup && group !== wantedGroup) continue;
      const resources = await this.#resourceList(apiVersionOf({ group, version }));
      const found = resources.find(
        (r) => !r.name.includes("/") && (r.name === plainName || r.singularName === plainName || r.kind.toLowerCase() === plainName || (r.shortNames ?? []).includes(plainName!)),
      );
      if (found) return toResolved({ group, version, resource: found });
    }
    throw notServed(name, wantedGroup);
  }

  #groupList(): Promise<ApiGroup[]> {
    this.#groups ??= restRequest<{ groups?: ApiGroup[] }>({ kubeConfig: this.#kubeConfig, method: "GET", path: "/apis" }).then((list) => list.groups ?? []);
    const groups = this.#groups;
    // A failed discovery is not cached: the next call asks again.
    groups.catch(() => {
      if (this.#groups === groups) this.#groups = undefined;
    });
    return groups;
  }

  #resourceList(apiVersion: string): Promise<ApiResource[]> {
    let list = this.#resources.get(apiVersion);
    if (!list) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      list = restRequest<{ resources?: ApiResource[] }>({ kubeConfig: this.#kubeConfig, method: "GET", path })
        .then((doc) => doc.resources ?? [])
        .catch((error: unknown) => {
          if (error instanceof KubeApiError && error.notFound) return [];
          this.#resources.delete(apiVersion);
          throw error;
        });
      this.#resources.set(apiVersion, list);
    }
    return list;
  }
}

const toResolved = ({ group, version, resource }: { group: string; version: string; resource: ApiResource }): ResolvedType => ({
  group,
  version,
  apiVersion: apiVersionOf({ group, version }),
  kind: resource.kind,
  plural: resource.name,
  namespaced: resource.namespaced,
  aliases: [resource.name, ...(resource.singularName ? [resource.singularName] : []), ...(resource.shortNames ?? [])],
});

/** The cluster does not serve a type: most often the CRDs of Istio are not installed yet. */
const notServed = (name: string, group: string): InputError =>
  new InputError(
    `o cluster não conhece o tipo de recurso "${name}"`,
    group.endsWith("istio.io")
      ? "os CRDs do Istio ainda não estão instalados: rode primeiro o passo \"Instalando o Istio\" (istioctl install)"
      : "confira o nome do tipo (veja `kubectl api-resources`)",
    "recurso",
  );
