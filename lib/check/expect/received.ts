// Reading received values for structured checks: kubectl JSON from a command result, a string or parsed objects.
import { kubeObjectsOf, parseKubeJson, type KubeObject } from "../../parse/kube-json.js";
import { isCommandOutput, textOf } from "../../parse/text.js";

/** What structured Kubernetes checks accept: `kubectl … -o json` output (result or text) or parsed objects. */
export type KubeReceived = string | { stdout: string; stderr: string; exitCode: number | null } | KubeObject | readonly KubeObject[] | { items: readonly KubeObject[] };

/** The Kubernetes objects in a received value. */
export const kubeObjectsFrom = (received: KubeReceived): KubeObject[] => {
  if (typeof received === "string") return parseKubeJson(received);
  if (isCommandOutput(received)) {
    if (received.exitCode !== 0) throw new Error(`o kubectl falhou (código ${received.exitCode}): ${textOf(received).trim().split("\n").slice(-3).join(" ")}`);
    return parseKubeJson(received.stdout);
  }
  return kubeObjectsOf(received);
};

/** The text of a received value (command results as stdout+stderr). */
export const textFrom = (received: unknown): string => textOf(received);
