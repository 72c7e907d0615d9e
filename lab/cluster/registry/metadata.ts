// Generic object metadata: server-owned fields, name rules per resource, label and annotation checks.
import { randomUUID } from "node:crypto";
import type { KubeObject } from "../contracts.js";
import type { ResourceDef } from "../resources/catalog.js";
import { fieldInvalid, fieldRequired, fieldTooLong, type StatusCause } from "../store/errors.js";
import { dns1035LabelError, dns1123LabelError, dns1123SubdomainError, labelValueError, qualifiedNameError, randomSuffix } from "./names.js";

/** A Kubernetes timestamp (RFC 3339, seconds). */
export const timestamp = (date = new Date()): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A new uid. */
export const newUid = (): string => randomUUID();

/** Resolves generateName into a name (5 random characters, like the apiserver). */
export const resolveGenerateName = (object: KubeObject): void => {
  const generate = object.metadata.generateName as string | undefined;
  if (!object.metadata.name && generate) object.metadata.name = `${generate}${randomSuffix(5)}`;
};

/** Drops what a client may not set on create (uid, resourceVersion, timestamps, generation). */
export const clearServerMetadataForCreate = (object: KubeObject): void => {
  const m = object.metadata;
  delete m.uid;
  delete m.resourceVersion;
  delete m.creationTimestamp;
  delete m.deletionTimestamp;
  delete m["deletionGracePeriodSeconds"];
  delete m.generation;
  delete m["selfLink"];
  delete m.managedFields;
};

/** Carries over server-owned metadata of the stored object into an update. */
export const keepServerMetadata = (object: KubeObject, old: KubeObject): void => {
  const m = object.metadata;
  m.uid = old.metadata.uid;
  m.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.deletionTimestamp) m.deletionTimestamp = old.metadata.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (old.metadata["deletionGracePeriodSeconds"] !== undefined) m["deletionGracePeriodSeconds"] = old.metadata["deletionGracePeriodSeconds"];
  if (old.metadata.generation !== undefined) m.generation = old.metadata.generation;
  else delete m.generation;
  if (m.managedFields === undefined && old.metadata.managedFields !== undefined) m.managedFields = old.metadata.managedFields;
  delete m["selfLink"];
};

const nameRule = (def: ResourceDef): ((name: string) => string | undefined) => {
  if (def.group === "" && (def.plural === "namespaces")) return dns1123LabelError;
  if (def.group === "" && def.plural === "services") return dns1035LabelError;
  return dns1123SubdomainError;
};

/** Field errors of the metadata (name rules, labels, annotations). */
export const validateMetadata = (def: ResourceDef, object: KubeObject): StatusCause[] => {
  const causes: StatusCause[] = [];
  const m = object.metadata;
  if (!m.name) causes.push(fieldRequired("metadata.name", "name or generateName is required"));
  else {
    const err = nameRule(def)(m.name);
    if (err) causes.push(fieldInvalid("metadata.name", m.name, err));
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    const keyErr = qualifiedNameError(k);
    if (keyErr) causes.push(fieldInvalid("metadata.labels", k, keyErr));
    const valErr = labelValueError(v);
    if (valErr) causes.push(fieldInvalid("metadata.labels", v, valErr));
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    const keyErr = qualifiedNameError(k);
    if (keyErr) causes.push(fieldInvalid("metadata.annotations", k, keyErr));
    annotationBytes += k.length + String(v).length;
  }
  if (annotationBytes > 256 * 1024) causes.push(fieldTooLong("metadata.annotations", 256 * 1024));
  return causes;
};
