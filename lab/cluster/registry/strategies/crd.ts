// CustomResourceDefinitions: defaults and the validation rules of apiextensions-apiserver that matter here.
import { fieldInvalid, fieldNotSupported, fieldRequired, type StatusCause } from "../../store/errors.js";
import { dns1123LabelError, dns1123SubdomainError } from "../names.js";
import type { Strategy } from "./types.js";

type Obj = Record<string, any>;

const validateCrd = (spec: Obj, name: string): StatusCause[] => {
  const causes: StatusCause[] = [];
  const names = (spec["names"] ?? {}) as Obj;
  if (!spec["group"]) causes.push(fieldRequired("spec.group"));
  else if (dns1123SubdomainError(spec["group"]) || !String(spec["group"]).includes(".")) causes.push(fieldInvalid("spec.group", spec["group"], "should be a domain with at least one dot"));
  if (!names["plural"]) causes.push(fieldRequired("spec.names.plural"));
  else if (dns1123LabelError(names["plural"])) causes.push(fieldInvalid("spec.names.plural", names["plural"], dns1123LabelError(names["plural"])!));
  if (!names["kind"]) causes.push(fieldRequired("spec.names.kind"));
  if (names["plural"] && spec["group"] && name !== `${names["plural"]}.${spec["group"]}`) {
    causes.push(fieldInvalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!["Namespaced", "Cluster"].includes(spec["scope"])) causes.push(fieldNotSupported("spec.scope", spec["scope"] ?? "", ["Cluster", "Namespaced"]));
  const versions = (spec["versions"] as Obj[] | undefined) ?? [];
  if (!versions.length) causes.push(fieldInvalid("spec.versions", versions, "must have exactly one version marked as storage version"));
  else if (versions.filter((v) => v["storage"]).length !== 1) {
    causes.push(fieldInvalid("spec.versions", versions, "must have exactly one version marked as storage version"));
  }
  versions.forEach((v, i) => {
    if (!v["name"]) causes.push(fieldRequired(`spec.versions[${i}].name`));
    if (!v["schema"]?.["openAPIV3Schema"]) causes.push(fieldRequired(`spec.versions[${i}].schema.openAPIV3Schema`, "schemas are required"));
    else if (v["schema"]["openAPIV3Schema"]["type"] !== "object") {
      causes.push(fieldInvalid(`spec.versions[${i}].schema.openAPIV3Schema.type`, v["schema"]["openAPIV3Schema"]["type"] ?? "", "must be object at the root"));
    }
  });
  return causes;
};

/** The CRD strategy. */
export const crdStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (crd) => {
    const spec = (crd.spec ??= {}) as Obj;
    const names = (spec["names"] ??= {}) as Obj;
    if (names["kind"]) {
      names["singular"] ??= String(names["kind"]).toLowerCase();
      names["listKind"] ??= `${names["kind"]}List`;
    }
    spec["conversion"] ??= { strategy: "None" };
  },
  prepareForCreate: (crd) => {
    const storage = ((crd.spec?.versions as Obj[] | undefined) ?? []).find((v) => v["storage"]);
    crd.status = { acceptedNames: { kind: "", plural: "" }, conditions: [], storedVersions: storage ? [storage["name"]] : [] };
  },
  prepareForUpdate: (crd, old) => {
    crd.status = structuredClone(old.status ?? {});
    const storage = ((crd.spec?.versions as Obj[] | undefined) ?? []).find((v) => v["storage"]);
    const stored = ((crd.status as Obj)["storedVersions"] ??= []) as string[];
    if (storage && !stored.includes(storage["name"])) stored.push(storage["name"]);
  },
  validate: (crd) => validateCrd(crd.spec ?? {}, crd.metadata.name),
  validateUpdate: (crd, old) => {
    const causes = validateCrd(crd.spec ?? {}, crd.metadata.name);
    if (crd.spec?.scope !== old.spec?.scope) causes.push(fieldInvalid("spec.scope", crd.spec?.scope, "field is immutable"));
    return causes;
  },
};
