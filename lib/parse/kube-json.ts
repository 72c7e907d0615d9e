// Reads `kubectl … -o json` output: a single object or a List, as plain typed objects.
import { ParseError, excerptOf } from "./errors.js";

/** The metadata fields the runbook reads. */
export interface KubeMetadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  [key: string]: unknown;
}

/** A Kubernetes object as kubectl prints it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Parses kubectl JSON and returns its objects (a List's items, or the single object); throws ParseError on bad JSON. */
export const parseKubeJson = (text: string): KubeObject[] => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ParseError("a saída JSON do kubectl", "não é JSON válido (o comando imprimiu um erro ou outro formato?)", excerptOf(text));
  }
  return kubeObjectsOf(value);
};

/** The objects of an already parsed value: a List's items, an array, or a single object. */
export const kubeObjectsOf = (value: unknown): KubeObject[] => {
  if (Array.isArray(value)) return value.filter(isObject) as KubeObject[];
  if (!isObject(value)) throw new ParseError("a saída JSON do kubectl", "esperado um objeto ou uma lista de objetos");
  const items = (value as { items?: unknown }).items;
  if (Array.isArray(items) && (typeof value["kind"] !== "string" || value["kind"].endsWith("List"))) {
    return items.filter(isObject) as KubeObject[];
  }
  return [value as KubeObject];
};

/** "namespace/name" of an object (or just the name). */
export const objectRef = (obj: KubeObject): string =>
  obj.metadata?.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? "?"}` : (obj.metadata?.name ?? "?");

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
