// Loads the kubeconfig the way kubectl does (a KUBECONFIG list merged first-wins, missing files skipped, relative
// paths resolved against the file that names them) and resolves the context once per session.
import { existsSync } from "node:fs";
import path from "node:path";
import { KubeConfig, type Cluster, type Context, type User } from "@kubernetes/client-node";
import { InputError } from "../errors.js";
import type { Session } from "../run/session.js";

/** The cluster a session talks to: the loaded config with its context selected. */
export interface KubeTarget {
  /** client-node's config, its current context set to `context`. */
  readonly kubeConfig: KubeConfig;
  /** The context every kubectl/istioctl call passes with --context. */
  readonly context: string;
  /** The context's cluster entry (name and server URL). */
  readonly cluster: Cluster;
  /** The context's default namespace ("default" when it names none). */
  readonly namespace: string;
  /** The kubeconfig files that exist and were merged, in precedence order. */
  readonly files: readonly string[];
  /** The KUBECONFIG value to give processes (the ':'-separated list, as configured). */
  readonly kubeconfigEnv: string;
}

/** Options of loadKubeTarget. */
export interface LoadKubeTargetOptions {
  /** KUBECONFIG: one path or a ':'-separated list (already absolute, as lib/params resolves it). */
  kubeconfig: string;
  /** The context to use; empty or undefined = the merged config's current-context. */
  context?: string;
}

/** Loads and merges the kubeconfig files and selects the context; throws InputError (changing nothing) when it cannot. */
export const loadKubeTarget = ({ kubeconfig, context }: LoadKubeTargetOptions): KubeTarget => {
  const listed = kubeconfig.split(path.delimiter).filter((f) => f !== "");
  if (listed.length === 0) {
    throw new InputError("KUBECONFIG está vazio: nenhum arquivo de configuração do cluster foi indicado", "defina KUBECONFIG com o caminho do kubeconfig do cluster (por exemplo ~/.kube/config)", "KUBECONFIG");
  }
  const files = listed.filter((f) => existsSync(f));
  if (files.length === 0) {
    throw new InputError(
      `nenhum arquivo de KUBECONFIG existe (${listed.join(", ")})`,
      "aponte KUBECONFIG para o kubeconfig do seu cluster; no laboratório, rode `npm run lab -- up`, que escreve .lab/<n>/kubeconfig e o arquivo de parâmetros",
      "KUBECONFIG",
    );
  }

  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = "";
  for (const file of files) {
    const one = new KubeConfig();
    try {
      // loadFromFile also makes certificate and key paths absolute, relative to this file's folder (like kubectl).
      one.loadFromFile(file);
    } catch (error) {
      throw new InputError(`o kubeconfig "${file}" não pôde ser lido: ${(error as Error).message}`, `corrija o arquivo "${file}" (YAML de um kubeconfig) ou remova-o de KUBECONFIG`, "KUBECONFIG");
    }
    // kubectl's merge: the first file that defines a name (or current-context) wins.
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!current && one.getCurrentContext()) current = one.getCurrentContext();
  }

  const chosen = context || current;
  const known = [...contexts.keys()];
  if (!chosen) {
    throw new InputError(
      "o kubeconfig não define um contexto atual (current-context) e KUBE_CONTEXT está vazio",
      known.length ? `defina KUBE_CONTEXT com um destes contextos: ${known.join(", ")}` : "o kubeconfig não tem contextos: gere-o de novo com a ferramenta do seu provedor de nuvem",
      "KUBE_CONTEXT",
    );
  }
  const ctx = contexts.get(chosen);
  if (!ctx) {
    throw new InputError(
      `o contexto "${chosen}" não existe no kubeconfig (${files.join(", ")})`,
      known.length ? `use um destes contextos em KUBE_CONTEXT: ${known.join(", ")} (veja \`kubectl config get-contexts\`)` : "o kubeconfig não tem contextos: gere-o de novo com a ferramenta do seu provedor de nuvem",
      "KUBE_CONTEXT",
    );
  }
  const cluster = clusters.get(ctx.cluster);
  if (!cluster) {
    throw new InputError(
      `o contexto "${chosen}" aponta para o cluster "${ctx.cluster}", que não está definido no kubeconfig`,
      `adicione o cluster "${ctx.cluster}" ao kubeconfig ou escolha outro contexto em KUBE_CONTEXT (${known.join(", ")})`,
      "KUBE_CONTEXT",
    );
  }

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: chosen });
  return Object.freeze({ kubeConfig, context: chosen, cluster, namespace: ctx.namespace || "default", files: Object.freeze(files), kubeconfigEnv: kubeconfig });
};

const targets = new WeakMap<Session, KubeTarget>();

/** The session's cluster target, loaded once and shared by kubectl, istioctl and the API client of that session. */
export const kubeTarget = (session: Session): KubeTarget => {
  let target = targets.get(session);
  if (!target) {
    target = loadKubeTarget({ kubeconfig: session.params.KUBECONFIG, context: session.params.KUBE_CONTEXT });
    targets.set(session, target);
  }
  return target;
};

/** The context to pass with --context: resolved from the kubeconfig, or (plan mode without a kubeconfig) KUBE_CONTEXT. */
export const sessionContext = (session: Session): string | undefined => {
  try {
    return kubeTarget(session).context;
  } catch (error) {
    // Planning needs no cluster: a missing kubeconfig must not stop a plan; a wrong context still does.
    if (session.mode === "plan" && error instanceof InputError && error.subject === "KUBECONFIG") return session.params.KUBE_CONTEXT || undefined;
    throw error;
  }
};
