// PeerAuthentication: the mutual TLS mode of a namespace or workload (the course disables it for `legacy`).
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import { PeerAuthentication as PeerAuthenticationV1 } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import { PeerAuthentication as PeerAuthenticationV1beta1 } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { InputError } from "../../errors.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../../kube/names.js";
import { compact, featuresOf, type ForVersion, type Resource } from "./resource.js";
import { validateModel } from "./validate.js";

/** Mutual TLS modes. */
export type MtlsMode = "UNSET" | "DISABLE" | "PERMISSIVE" | "STRICT";

/** A PeerAuthentication as plain JSON. */
export type PeerAuthenticationResource = Resource<"PeerAuthentication", NonNullable<IPeerAuthentication["spec"]>>;

/** Options of peerAuthentication. */
export interface PeerAuthenticationOptions {
  version: ForVersion;
  name: string;
  namespace: string;
  mode: MtlsMode;
  /** Workload labels it applies to (default: the whole namespace). */
  selector?: Record<string, string>;
  /** Per-port modes, e.g. { 8000: "PERMISSIVE" } (needs a selector). */
  portLevelMtls?: Record<number, MtlsMode>;
  apiVersion?: string;
}

const MODES: readonly MtlsMode[] = ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"];
const MODELS = { "security.istio.io/v1beta1": PeerAuthenticationV1beta1, "security.istio.io/v1": PeerAuthenticationV1 } as const;

/** Builds a validated PeerAuthentication; InputError (Portuguese) for an unknown mode or bad names. */
export const peerAuthentication = (options: PeerAuthenticationOptions): PeerAuthenticationResource => {
  const features = featuresOf(options.version);
  const apiVersion = options.apiVersion ?? features.apiVersions.peerAuthentication;
  const Model = MODELS[apiVersion as keyof typeof MODELS];
  if (!Model) throw new InputError(`apiVersion "${apiVersion}" não serve PeerAuthentication`, `use uma destas: ${Object.keys(MODELS).join(", ")}`, "apiVersion");
  validateName(options.name, "nome da PeerAuthentication");
  validateNamespace(options.namespace);
  const modeOf = (mode: string, what: string): MtlsMode => {
    const upper = String(mode).toUpperCase();
    if (!(MODES as readonly string[]).includes(upper)) {
      throw new InputError(`${what} "${mode}" não é um modo de TLS mútuo`, `use ${MODES.join(", ")} (o curso usa DISABLE)`, "mode");
    }
    return upper as MtlsMode;
  };
  const mode = modeOf(options.mode, "modo");
  if (options.selector) validateLabels(options.selector, "seletor");
  if (options.portLevelMtls && !options.selector) {
    throw new InputError("portLevelMtls só vale com um seletor de workload", "passe selector (por exemplo { app: \"pegasus-pay\" }) ou remova portLevelMtls", "portLevelMtls");
  }
  const ports = options.portLevelMtls
    ? Object.fromEntries(
        Object.entries(options.portLevelMtls).map(([port, m]) => {
          validatePort(Number(port));
          return [port, { mode: modeOf(m, `modo da porta ${port}`) }];
        }),
      )
    : undefined;
  const resource: PeerAuthenticationResource = compact({
    apiVersion,
    kind: "PeerAuthentication" as const,
    metadata: { name: options.name, namespace: options.namespace },
    spec: { selector: options.selector ? { matchLabels: { ...options.selector } } : undefined, mtls: { mode }, portLevelMtls: ports },
  });
  validateModel({ model: new Model(resource as never), what: "PeerAuthentication" });
  return resource;
};
