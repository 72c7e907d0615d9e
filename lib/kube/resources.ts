// Resource types by the names kubectl accepts (svc, deployment, workloadentry.networking.istio.io…) and references
// like "deployment/istiod", for the API client (which needs the group, version and plural kubectl finds by discovery).
import { InputError } from "../errors.js";
import { isRfc1123Subdomain } from "../params/validate.js";

/** A resource type as the API serves it. */
export interface ResourceType {
  /** "" for the core group. */
  group: string;
  /** Empty when it must be discovered (the group's preferred version). */
  version: string;
  kind: string;
  /** Plural resource name, e.g. "workloadentries". */
  plural: string;
  namespaced: boolean;
  /** Names kubectl accepts for it (singular, plural, short names, kind in lower case, qualified forms). */
  aliases: readonly string[];
}

/** A resource type with a concrete version. */
export interface ResolvedType extends ResourceType {
  version: string;
  /** "v1", "apps/v1", "networking.istio.io/v1beta1". */
  apiVersion: string;
}

const t = (group: string, version: string, kind: string, plural: string, namespaced: boolean, ...short: string[]): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced,
  aliases: [...new Set([plural, kind.toLowerCase(), ...short, ...(group ? [`${plural}.${group}`, `${kind.toLowerCase()}.${group}`] : [])])],
});

/** The kinds the chapter uses. Istio kinds have no fixed version: the cluster's preferred one is discovered. */
export const KNOWN_TYPES: readonly ResourceType[] = [
  t("", "v1", "Namespace", "namespaces", false, "ns"),
  t("", "v1", "Pod", "pods", true, "po"),
  t("", "v1", "Service", "services", true, "svc"),
  t("", "v1", "ServiceAccount", "serviceaccounts", true, "sa"),
  t("", "v1", "ConfigMap", "configmaps", true, "cm"),
  t("", "v1", "Secret", "secrets", true),
  t("", "v1", "Endpoints", "endpoints", true, "ep"),
  t("", "v1", "Event", "events", true, "ev"),
  t("apps", "v1", "Deployment", "deployments", true, "deploy"),
  t("apps", "v1", "ReplicaSet", "replicasets", true, "rs"),
  t("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, "crd", "crds"),
  t("networking.istio.io", "", "WorkloadEntry", "workloadentries", true, "we"),
  t("networking.istio.io", "", "WorkloadGroup", "workloadgroups", true, "wg"),
  t("networking.istio.io", "", "ServiceEntry", "serviceentries", true, "se"),
  t("networking.istio.io", "", "Gateway", "gateways", true, "gw"),
  t("networking.istio.io", "", "VirtualService", "virtualservices", true, "vs"),
  t("networking.istio.io", "", "DestinationRule", "destinationrules", true, "dr"),
  t("security.istio.io", "", "PeerAuthentication", "peerauthentications", true, "pa"),
  t("install.istio.io", "v1alpha1", "IstioOperator", "istiooperators", true, "iop", "io"),
];

/** The built-in type kubectl would pick for `name` (a plural, singular, short or qualified name), or undefined. */
export const knownType = (name: string): ResourceType | undefined => {
  const lower = name.toLowerCase();
  return KNOWN_TYPES.find((type) => type.aliases.includes(lower));
};

/** The built-in type of an apiVersion + kind, or undefined. */
export const knownTypeOfKind = ({ apiVersion, kind }: { apiVersion: string; kind: string }): ResourceType | undefined => {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return KNOWN_TYPES.find((type) => type.kind === kind && type.group === group);
};

/** "apps" + "v1" → "apps/v1"; "" + "v1" → "v1". */
export const apiVersionOf = ({ group, version }: { group: string; version: string }): string => (group ? `${group}/${version}` : version);

/** The collection path of a resolved type, e.g. /apis/apps/v1/namespaces/istio-system/deployments. */
export const collectionPath = ({ type, namespace }: { type: ResolvedType; namespace?: string | undefined }): string => {
  const root = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${root}/${type.plural}`;
};

/** The path of one object. */
export const objectPath = ({ type, name, namespace }: { type: ResolvedType; name: string; namespace?: string | undefined }): string =>
  `${collectionPath({ type, namespace })}/${encodeURIComponent(name)}`;

/** A reference to one object, as kubectl writes it ("deployment/istiod", "svc/payment"). */
export interface ObjectRef {
  /** The type as written ("deployment", "svc", "crd"). */
  type: string;
  name: string;
}

/** Parses "TYPE/NAME"; throws InputError (Portuguese) for anything else. */
export const parseObjectRef = (ref: string): ObjectRef => {
  const m = /^([a-z][a-z0-9.-]*)\/(.+)$/i.exec(ref.trim());
  if (!m || !isRfc1123Subdomain(m[2]!)) {
    throw new InputError(`"${ref}" não é uma referência de objeto no formato TIPO/NOME (por exemplo deployment/istiod ou svc/payment)`, "escreva o tipo e o nome separados por uma barra, com o nome em minúsculas (RFC 1123)", "recurso");
  }
  return { type: m[1]!.toLowerCase(), name: m[2]! };
};
