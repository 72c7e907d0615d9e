// Kubernetes manifests as text: objects rendered to YAML like the course writes them (multi-document with ---), and
// YAML text read back into objects.
import yaml from "js-yaml";
import { InputError } from "../errors.js";

/** A manifest: one object, several, or YAML text. */
export type Manifest = object | readonly object[] | string;

/** Renders objects as YAML documents separated by `---` (typed models are converted through their toJSON). */
export const toYaml = (manifest: Manifest): string => {
  if (typeof manifest === "string") return manifest.endsWith("\n") ? manifest : `${manifest}\n`;
  const objects = Array.isArray(manifest) ? manifest : [manifest];
  return objects.map((o) => yaml.dump(plain(o), { noRefs: true, lineWidth: -1, sortKeys: false, noArrayIndent: true })).join("---\n");
};

/** A JSON copy (drops undefined, runs toJSON of typed models). */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Parses YAML text into its documents (empty documents skipped); InputError naming the source on a syntax error. */
export const parseYaml = ({ text, source }: { text: string; source: string }): unknown[] => {
  try {
    return yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
  } catch (error) {
    throw new InputError(`${source} não é YAML válido: ${(error as Error).message.split("\n")[0]}`, `corrija a sintaxe de ${source} (indentação com espaços, "chave: valor")`, source);
  }
};

/** One line per object: "WorkloadGroup legacy/pegasus-pay" (for summaries). */
export const describeObjects = (objects: readonly unknown[]): string =>
  objects
    .map((o) => {
      const obj = o as { kind?: string; metadata?: { name?: string; namespace?: string } };
      return `${obj.kind ?? "?"} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name ?? "?"}`;
    })
    .join("\n");
