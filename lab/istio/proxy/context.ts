// The state the data path reads: the release profile, logger, stats, metrics, and the configuration-derived state
// (index, TLS contexts, own identity) that proxy.update() swaps atomically.
import tls from "node:tls";
import type { ProxyConfig } from "./config.js";
import { MeshIndex } from "./mesh.js";
import type { IstioLogger } from "./log.js";
import type { DataPlaneProfile } from "./release.js";
import type { ClusterStore } from "./stats.js";
import { selfPeerInfo, type IstioMetrics, type PeerInfo } from "./telemetry.js";
import { spiffeUri } from "./identity.js";

/** Configuration-derived state, rebuilt on every update. */
export interface ActiveState {
  readonly config: ProxyConfig;
  readonly index: MeshIndex;
  /** Server side of mTLS (workload cert, roots, client certificates required). */
  readonly serverContext: tls.SecureContext;
  /** Client side of mTLS (workload cert as client certificate, roots to verify servers). */
  readonly clientContext: tls.SecureContext;
  readonly self: PeerInfo;
  /** spiffe://…/ns/NS/sa/SA of this workload. */
  readonly selfUri: string;
}

/** Everything the listeners share. */
export interface ProxyContext {
  readonly profile: DataPlaneProfile;
  readonly log: IstioLogger;
  readonly clusters: ClusterStore;
  readonly metrics: IstioMetrics;
  /** Writes an access log line (Istio's default TEXT format) when access logging is on. */
  readonly accessLog?: (line: string) => void;
  /** The active state (undefined before the first snapshot). */
  state(): ActiveState | undefined;
}

/** Builds the active state of a validated configuration (throws when the certificates or key are unusable). */
export const buildActiveState = (config: ProxyConfig): ActiveState => {
  const material = { cert: config.tls.certChainPem, key: config.tls.privateKeyPem, ca: config.tls.rootCertsPem, minVersion: "TLSv1.2" as const };
  return {
    config,
    index: new MeshIndex(config),
    serverContext: tls.createSecureContext(material),
    clientContext: tls.createSecureContext(material),
    self: selfPeerInfo(config.workload),
    selfUri: spiffeUri({ trustDomain: config.workload.trustDomain, namespace: config.workload.namespace, serviceAccount: config.workload.serviceAccount }),
  };
};
