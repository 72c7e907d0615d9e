// The diagnosis engine: runs every known signature over a failure and returns the matching causes and fixes,
// most specific first.
import type { Diagnosis } from "../run/events.js";
import { SIGNATURES } from "./signatures/index.js";
import type { DiagnoseInput, Signature, SignatureInput } from "./types.js";

/** Options of diagnose(). */
export interface DiagnoseOptions {
  /** Signatures to use instead of the built-in table. */
  signatures?: readonly Signature[];
  /** Extra signatures, tried with the built-in ones. */
  extra?: readonly Signature[];
}

/** All diagnoses whose signature matches, most specific first (ties keep the table's order). */
export const diagnose = (input: DiagnoseInput, options: DiagnoseOptions = {}): Diagnosis[] => {
  const prepared = prepare(input);
  const table = [...(options.signatures ?? SIGNATURES), ...(options.extra ?? [])];
  const found: Array<Diagnosis & { rank: number; order: number }> = [];
  for (const signature of table) {
    const result = signature.detect(prepared);
    const findings = result === undefined ? [] : Array.isArray(result) ? result : [result];
    for (const f of findings) {
      const id = f.variant ? `${signature.id}/${f.variant}` : signature.id;
      if (found.some((d) => d.id === id)) continue;
      found.push({ id, cause: f.cause, fix: f.fix, ...(f.evidence !== undefined ? { evidence: f.evidence } : {}), rank: f.specificity ?? signature.specificity, order: found.length });
    }
  }
  return found.sort((a, b) => b.rank - a.rank || a.order - b.order).map(({ rank: _rank, order: _order, ...d }) => d);
};

/** Normalises the input once for every signature. */
const prepare = (input: DiagnoseInput): SignatureInput => {
  const parts: string[] = [];
  for (const piece of [input.text, input.result?.stdout, input.result?.stderr]) {
    if (piece && !parts.some((p) => p.includes(piece))) parts.push(piece);
  }
  const context = { istioNamespace: "istio-system", ...input.context };
  const minor = /^1\.(\d+)\./.exec(context.istioVersion ?? "")?.[1];
  return {
    text: parts.join("\n").replace(/\r/g, ""),
    ...(input.result !== undefined ? { result: input.result } : {}),
    context,
    ...(minor !== undefined ? { istioMinor: Number(minor) } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    now: input.now ?? new Date(),
    onVm: context.onVm ?? input.result?.target === "ssh",
  };
};
