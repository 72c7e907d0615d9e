// Namespaces: the `kubernetes` finalizer, the Active phase and the kubernetes.io/metadata.name label.
import { fieldInvalid, type StatusCause } from "../../store/errors.js";
import { dns1123LabelError } from "../names.js";
import type { Strategy } from "./types.js";

/** The namespace strategy. */
export const namespaceStrategy: Strategy = {
  defaults: (ns) => {
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), "kubernetes.io/metadata.name": ns.metadata.name };
  },
  prepareForCreate: (ns) => {
    ns.spec = { finalizers: ["kubernetes"] };
    ns.status = { phase: "Active" };
  },
  prepareForUpdate: (ns, old) => {
    ns.spec = old.spec;
    ns.status = old.status;
  },
  validate: (ns) => {
    const err = dns1123LabelError(ns.metadata.name);
    return err ? [fieldInvalid("metadata.name", ns.metadata.name, err)] : ([] as StatusCause[]);
  },
};
