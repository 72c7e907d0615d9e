// The wire contract between the lab's istiod stand-in and its agents (pilot-agent in pods and on the VM): what crosses
// port 15012. Real Istio speaks gRPC (IstioCertificateService, ADS); the lab speaks HTTP/2 over TLS with JSON bodies
// on the same paths, so the same ports, certificates, failures and logs appear, without protobuf.
import type { NameTable, ProxyConfig } from "../proxy/config.js";
import type { GatewayConfig } from "../gateway/config.js";

/** istiod's discovery and CA port (through the east-west gateway for VMs). */
export const ISTIOD_PORT = 15012;

/** Path of the certificate-signing call (the real gRPC method's path). */
export const CSR_PATH = "/istio.v1.auth.IstioCertificateService/CreateCertificate";

/** Path of the configuration stream (the real ADS method's path). */
export const ADS_PATH = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

/** CreateCertificate request body. Authentication: `authorization: Bearer <istio-token>` (a Kubernetes JWT with
 * audience istio-ca, validated by istiod with a TokenReview) on first issue; a valid mesh client certificate on
 * renewal. Header `ClusterID` carries ISTIO_META_CLUSTER_ID. */
export interface CsrRequest {
  /** PKCS#10 CSR in PEM whose URI SAN is the identity the caller asks for (spiffe://<td>/ns/<ns>/sa/<sa>). */
  csr: string;
  /** Requested validity in seconds (Istio's default 86400). */
  validityDuration: number;
}

/** CreateCertificate success: leaf first, root last. */
export interface CsrResponse {
  certChain: string[];
}

/** gRPC-like error body (HTTP 4xx/5xx): the codes and messages istiod returns (16 = Unauthenticated,
 * e.g. "request authenticate failure"; 3 = InvalidArgument…). Agents log them in Istio's words. */
export interface RpcError {
  code: number;
  message: string;
}

/** The first message an agent sends on the ADS stream (JSON line), identifying its node like Envoy's Node proto. */
export interface NodeHello {
  type: "hello";
  node: {
    /** `sidecar~<IP>~<name>.<ns>~<ns>.svc.cluster.local` */
    id: string;
    /** ISTIO_META_* values and the rest of the proxy metadata: LABELS, NAMESPACE, SERVICE_ACCOUNT, INSTANCE_IPS,
     * CLUSTER_ID, NETWORK, WORKLOAD_NAME, AUTO_REGISTER_GROUP (VMs with --autoregister), DNS_CAPTURE, MESH_ID,
     * ISTIO_VERSION, plus `kind` ("pod" | "vm"). */
    metadata: Record<string, unknown>;
  };
}

/** An ACK/NACK of a pushed snapshot (JSON line). */
export interface SnapshotAck {
  type: "ack";
  version: string;
  error?: string;
}

/** Messages an agent sends. */
export type AgentMessage = NodeHello | SnapshotAck;

/** What istiod pushes (JSON lines): the whole configuration for this proxy, minus its TLS material (the agent owns
 * the key and the certificate), and the DNS name table. */
export type IstiodMessage =
  | { type: "snapshot"; version: string; config: Omit<ProxyConfig, "tls" | "workload"> & { workload?: Partial<ProxyConfig["workload"]>; gateway?: GatewayConfig } }
  | { type: "nameTable"; version: string; table: NameTable }
  | { type: "error"; code: number; message: string };

// ---------------------------------------------------------------------------------------------------------------
// Added with the istiod stand-in and the agent (compatible extensions: nothing above changed).

/** Header carrying ISTIO_META_CLUSTER_ID on CSR calls (gRPC metadata key "ClusterID", lower-cased by HTTP/2). */
export const CLUSTER_ID_HEADER = "clusterid";

/** Headers that carry an RpcError's code and message (like gRPC trailers), next to the JSON body. */
export const GRPC_STATUS_HEADER = "grpc-status";
export const GRPC_MESSAGE_HEADER = "grpc-message";

/** gRPC status codes by number, as Go prints them in `rpc error: code = <Name> desc = …`. */
export const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  0: "OK",
  1: "Canceled",
  2: "Unknown",
  3: "InvalidArgument",
  4: "DeadlineExceeded",
  5: "NotFound",
  6: "AlreadyExists",
  7: "PermissionDenied",
  8: "ResourceExhausted",
  9: "FailedPrecondition",
  10: "Aborted",
  11: "OutOfRange",
  12: "Unimplemented",
  13: "Internal",
  14: "Unavailable",
  15: "DataLoss",
  16: "Unauthenticated",
};

/** The HTTP status an RpcError travels with (grpc-gateway's mapping). */
export const httpStatusOfRpcCode = (code: number): number =>
  ({ 3: 400, 5: 404, 6: 409, 7: 403, 9: 400, 12: 501, 14: 503, 16: 401 } as Record<number, number>)[code] ?? 500;

/** Go's rendering of a gRPC status error: `rpc error: code = Unauthenticated desc = request authenticate failure`. */
export const formatRpcError = (e: RpcError): string => `rpc error: code = ${GRPC_CODE_NAMES[e.code] ?? `Code(${e.code})`} desc = ${e.message}`;
