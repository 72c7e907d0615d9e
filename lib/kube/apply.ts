// Server-side apply through the API (client-node's KubeConfig, field manager "istio-em-vms"): every object is checked
// and its type resolved before the first one is sent; recorded as `kubectl apply --server-side -f -` with the YAML.
import { InputError } from "../errors.js";
import { quoteArgv } from "../run/quote.js";
import type { CommandResult } from "../run/result.js";
import { KubeApiError } from "./api-error.js";
import type { KubeClient } from "./client.js";
import { parseYaml, plain, toYaml, type Manifest } from "./manifest.js";
import { validateName, validateNamespace } from "./names.js";
import { recordOperation } from "./record.js";
import { restRequest } from "./rest.js";
import { objectPath, type ResolvedType } from "./resources.js";

/** The field manager the runbook's server-side applies use. */
export const FIELD_MANAGER = "istio-em-vms";

/** Options of serverSideApply. */
export interface ServerSideApplyOptions {
  client: KubeClient;
  /** Objects (typed models or plain JSON) or YAML text. */
  manifest: Manifest;
  /** Namespace for namespaced objects that name none (default: the context's). */
  namespace?: string;
  fieldManager?: string;
  /** Take over fields owned by other managers (kubectl --force-conflicts). */
  force?: boolean;
  /** Ask the server to validate without persisting (kubectl --dry-run=server). */
  dryRun?: boolean;
  step?: string;
  nothrow?: boolean;
}

interface Prepared {
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  type: ResolvedType | undefined;
  namespace: string | undefined;
}

/** Applies the manifest server-side; resolves with the recorded result (one "…serverside-applied" line per object). */
export const serverSideApply = async (options: ServerSideApplyOptions): Promise<CommandResult> => {
  const { client } = options;
  const fieldManager = options.fieldManager ?? FIELD_MANAGER;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(fieldManager)) {
    throw new InputError(`"${fieldManager}" não é um nome de field manager válido`, "use letras, dígitos, '.', '_' e '-' (por exemplo istio-em-vms)", "fieldManager");
  }
  const objects = toObjects(options.manifest);
  if (objects.length === 0) throw new InputError("o manifesto para aplicar está vazio", "passe pelo menos um objeto", "manifest");
  if (options.namespace !== undefined) validateNamespace(options.namespace);
  for (const object of objects) checkObject(object);

  // Resolve every type before changing anything: an unknown kind stops the whole apply.
  const prepared: Prepared[] = [];
  for (const object of objects) {
    const type = client.planned ? undefined : await client.resolve({ apiVersion: object.apiVersion, kind: object.kind });
    const namespace = type && !type.namespaced ? undefined : (object.metadata.namespace ?? client.namespaceOf(options.namespace));
    prepared.push({ object, type, namespace });
  }

  const yamlText = toYaml(objects);
  const flags = ["--server-side", `--field-manager=${fieldManager}`, ...(options.force ? ["--force-conflicts"] : []), ...(options.dryRun ? ["--dry-run=server"] : [])];
  const argv = ["kubectl", "apply", ...(options.namespace ? ["-n", options.namespace] : []), ...flags, "-f", "-"];
  const body = yamlText.endsWith("\n") ? yamlText : `${yamlText}\n`;
  const delimiter = /[$`\\]/.test(body) ? "'EOF'" : "EOF";

  return recordOperation({
    session: client.session,
    display: `cat <<${delimiter} | ${quoteArgv(argv)}\n${body}EOF`,
    exact: prepared.map((p) => (p.type ? `PATCH ${objectPath({ type: p.type, name: p.object.metadata.name, namespace: p.namespace })}?fieldManager=${fieldManager}&force=${Boolean(options.force)}` : "PATCH")).join("; ") + " (application/apply-patch+yaml, client-node)",
    argv,
    ...(options.step !== undefined ? { step: options.step } : {}),
    ...(options.nothrow !== undefined ? { nothrow: options.nothrow } : {}),
    operation: async (output) => {
      let stdout = "";
      let stderr = "";
      let crds = false;
      for (const { object, type, namespace } of prepared) {
        const label = `${type!.plural}${type!.group ? `.${type!.group}` : ""}/${object.metadata.name}`;
        try {
          await restRequest({
            kubeConfig: client.kubeConfig,
            method: "PATCH",
            path: objectPath({ type: type!, name: object.metadata.name, namespace }),
            query: { fieldManager, force: Boolean(options.force), ...(options.dryRun ? { dryRun: "All" } : {}) },
            contentType: "application/apply-patch+yaml",
            body: namespace && type!.namespaced ? { ...object, metadata: { ...object.metadata, namespace } } : object,
          });
          const line = `${label} serverside-applied${options.dryRun ? " (server dry run)" : ""}\n`;
          stdout += line;
          output.stdout(line);
          if (object.kind === "CustomResourceDefinition") crds = true;
        } catch (error) {
          const line = `${applyErrorText({ error, label, fieldManager })}\n`;
          stderr += line;
          output.stderr(line);
        }
      }
      // New CRDs change what the cluster serves: forget the cached discovery, like kubectl does.
      if (crds) client.discovery.invalidate();
      return { exitCode: stderr ? 1 : 0, stdout, stderr };
    },
  });
};

/** The objects of a manifest (YAML parsed, models made plain). */
const toObjects = (manifest: Manifest): Prepared["object"][] => {
  if (typeof manifest === "string") return parseYaml({ text: manifest, source: "o manifesto" }) as Prepared["object"][];
  const list = Array.isArray(manifest) ? manifest : [manifest];
  return list.map((o) => plain(o) as Prepared["object"]);
};

/** InputError unless the object has apiVersion, kind and a valid name (and namespace, if given). */
const checkObject = (object: Prepared["object"]): void => {
  if (typeof object !== "object" || object === null || !object.apiVersion || !object.kind) {
    throw new InputError("um objeto do manifesto não tem apiVersion e kind", "todo objeto Kubernetes precisa de apiVersion, kind e metadata.name", "manifest");
  }
  if (!object.metadata?.name) throw new InputError(`o objeto ${object.kind} do manifesto não tem metadata.name`, "dê um nome ao objeto em metadata.name", "manifest");
  validateName(object.metadata.name, `nome do ${object.kind}`);
  if (object.metadata.namespace !== undefined) validateNamespace(object.metadata.namespace);
};

/** kubectl-like error text for one object, with a Portuguese hint for the common cases. */
const applyErrorText = ({ error, label, fieldManager }: { error: unknown; label: string; fieldManager: string }): string => {
  if (!(error instanceof KubeApiError)) return `error: ${label}: ${(error as Error).message}`;
  const base = `Error from server (${error.reason}): ${label}: ${error.message}`;
  if (error.code === 409) return `${base}\nconflito de campos: outro gerenciador (por exemplo kubectl ou o istioctl) já define esses campos; para assumi-los como "${fieldManager}", aplique de novo com force: true`;
  if (error.code === 415) return `${base}\no servidor não aceita server-side apply: use kubectl apply (client-side)`;
  if (error.code === 403 && /being terminated/.test(error.message)) return `${base}\no namespace está sendo removido: espere a remoção terminar (kubectl wait --for=delete) e crie-o de novo`;
  if (error.code === 0) return `error: ${label}: o servidor da API não respondeu (${error.reason}: ${error.message})`;
  return base;
};
