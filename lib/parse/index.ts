// Parsers for what the chapter reads: ping, curl/HTTP and the generic service, Envoy /clusters, the sidecar log,
// cluster.env, the istio-token's claims, kubectl JSON and directory listings.
export { ParseError } from "./errors.js";
export { textOf, linesOf, combinedOutput, isCommandOutput, type CommandOutputLike } from "./text.js";
export { parsePing, type PingSummary, type PingReply, type PingRtt } from "./ping.js";
export { parseCurl, curlStatusArgv, CURL_STATUS_WRITE_OUT, CURL_EXIT_MEANINGS, type HttpAnswer, type CurlArgvOptions } from "./curl.js";
export { isGenericServiceMessage, isGenericServiceError, parseRequestedCode, type GenericServiceMessage, type GenericServiceError } from "./generic-service.js";
export { parseEnvoyClusters, parseIstioClusterName, clustersForHost, type EnvoyCluster, type EnvoyHost, type IstioClusterName, type CircuitBreakers } from "./envoy-clusters.js";
export { parseIstioLog, type IstioLogEntry, type LogSeverity } from "./istio-log.js";
export { parseClusterEnv, summarizeClusterEnv, type ClusterEnvEntry, type ClusterEnvSummary } from "./cluster-env.js";
export { decodeTokenClaims, readTokenClaims, tokenTimeLeftMs, describeTokenClaims, type TokenClaims } from "./token.js";
export { parseKubeJson, kubeObjectsOf, objectRef, type KubeObject, type KubeMetadata } from "./kube-json.js";
export { parseListing, type ListingEntry } from "./listing.js";
