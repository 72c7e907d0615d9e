// The shapes of the diagnosis engine: what it reads (text, a command result, context) and what a signature returns.
import type { TokenClaims } from "../parse/token.js";
import type { CommandOutputLike } from "../parse/text.js";

/** Facts about the student's setup that make causes and fixes concrete (filled from the parameters by default). */
export interface DiagnoseContext {
  vmAddress?: string;
  vmPubAddress?: string;
  vmUser?: string;
  vmApp?: string;
  vmNamespace?: string;
  /** The VM's identity (the WorkloadGroup's service account). */
  serviceAccount?: string;
  pkeyPath?: string;
  knownHostsPath?: string;
  workDir?: string;
  /** "1.8.1" */
  istioVersion?: string;
  /** Default "istio-system". */
  istioNamespace?: string;
  kubeContext?: string;
  kubeconfig?: string;
  /** The sidecar package URL for this version. */
  sidecarUrl?: string;
  /** The east-west gateway's external address, when known. */
  eastWestAddress?: string;
  /** Claims of the istio-token in use (never the token). */
  tokenClaims?: TokenClaims;
  /** spec.serviceAccount of the VM's WorkloadEntry, when known. */
  workloadEntryServiceAccount?: string;
  /** PeerAuthentication mode that applies to the VM's namespace, when known. */
  peerAuthenticationMode?: string;
  /** Ports the VM's app publishes through Docker (-p), when known. */
  dockerPublishedPorts?: number[];
  /** ISTIO_META_DNS_CAPTURE of the VM's cluster.env, when known. */
  dnsCapture?: boolean;
  /** True when the text came from the VM (set automatically for SSH command results). */
  onVm?: boolean;
}

/** A command result as the engine needs it (CommandResult satisfies it). */
export interface DiagnosedCommand extends CommandOutputLike {
  /** The display form of the command, e.g. "kubectl exec svc/payment -c payment -- curl …". */
  command?: string;
  target?: "local" | "ssh";
  timedOut?: boolean;
}

/** What to diagnose. */
export interface DiagnoseInput {
  /** The failing text (a check's received text, a log). */
  text?: string;
  result?: DiagnosedCommand;
  context?: DiagnoseContext;
  /** The kind of the failed expectation ("workload-entry", "external-ip"…), for structured checks. */
  kind?: string;
  /** "Now" for time-based findings (token expiry). */
  now?: Date;
}

/** What a signature hands to its detector: everything normalised once. */
export interface SignatureInput {
  /** input.text, stdout and stderr together (each once). */
  text: string;
  result?: DiagnosedCommand;
  context: DiagnoseContext & { istioNamespace: string };
  /** Minor version of Istio (8 for 1.8.1), when known. */
  istioMinor?: number;
  kind?: string;
  now: Date;
  onVm: boolean;
}

/** One cause found by a signature (Portuguese, values filled in). */
export interface Finding {
  cause: string;
  fix: string;
  /** The line that matched. */
  evidence?: string;
  /** Overrides the signature's specificity (e.g. raised when context confirms the cause). */
  specificity?: number;
  /** Distinguishes several findings of one signature (appended to the id). */
  variant?: string;
}

/** A known failure signature. */
export interface Signature {
  id: string;
  /** Higher = more specific; diagnoses are listed most specific first. */
  specificity: number;
  detect(input: SignatureInput): Finding | Finding[] | undefined;
}
