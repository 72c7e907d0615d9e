// Structured check over a directory listing: the files `istioctl x workload entry configure` writes are there
// (and, with `ls -l`, not empty).
import { InputError } from "../../errors.js";
import { parseListing } from "../../parse/listing.js";
import type { Expectation, Verdict } from "../expectation.js";
import { textFrom } from "./received.js";

/** Files `istioctl x workload entry configure` writes. */
export const VM_FILES: readonly string[] = ["cluster.env", "hosts", "istio-token", "mesh.yaml", "root-cert.pem"];

/** Expects these names in a listing; names in `nonEmpty` must have a size > 0 (needs `ls -l`). */
export const filesPresent = (options: { names: readonly string[]; nonEmpty?: readonly string[] }): Expectation<unknown> => {
  if (!options.names.length) throw new InputError("filesPresent: nenhum arquivo esperado", "passe names: [\"cluster.env\", …]", "names");
  const nonEmpty = options.nonEmpty ?? [];
  const expected = `os arquivos ${options.names.join(", ")}${nonEmpty.length ? ` (não vazios: ${nonEmpty.join(", ")})` : ""}`;
  return {
    kind: "files",
    expected,
    spec: { names: [...options.names], nonEmpty: [...nonEmpty] },
    evaluate: (received): Verdict => {
      const entries = parseListing(textFrom(received));
      const shown = entries.length ? entries.map((e) => `${e.name}${e.size !== undefined ? ` (${e.size} bytes)` : ""}`).join("\n") : "(pasta vazia)";
      const missing = options.names.filter((n) => !entries.some((e) => e.name === n));
      const problems = missing.length ? [`faltam ${missing.join(", ")}`] : [];
      for (const name of nonEmpty) {
        const entry = entries.find((e) => e.name === name);
        if (!entry) continue;
        if (entry.size === undefined) problems.push(`sem tamanho para ${name}: liste com ls -l`);
        else if (entry.size === 0) problems.push(`o arquivo ${name} está vazio (0 bytes)`);
      }
      const data = { present: entries.map((e) => e.name), missing };
      return { ok: problems.length === 0, expected, received: shown, ...(problems.length ? { detail: problems.join("; ") } : {}), data };
    },
  };
};
