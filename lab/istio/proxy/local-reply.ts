// Envoy's locally generated responses (router filter): the 503 bodies for upstream failures, "no healthy upstream",
// and the headers Envoy puts on them (content-length, content-type: text/plain, date, server: envoy).
import type { ServerResponse } from "node:http";
import type { DataPlaneProfile } from "./release.js";
import type { UpstreamFailure } from "./upstream.js";

/** A local reply: status, body, response flags and %RESPONSE_CODE_DETAILS%. */
export interface LocalReply {
  status: number;
  body: string;
  flags: string;
  details: string;
}

/** The router's reply when no upstream answered (Filter::onUpstreamReset):
 * "upstream connect error or disconnect/reset before headers. [retried and the latest ]reset reason: R[, transport
 * failure reason: T]" — 503 (502 for protocol errors). */
export const upstreamResetReply = (failure: UpstreamFailure, { retried, profile }: { retried: boolean; profile: DataPlaneProfile }): LocalReply => {
  const showTransport = failure.transportFailureReason !== "" && !profile.hideTransportFailureReason;
  const body =
    "upstream connect error or disconnect/reset before headers. " +
    (retried && profile.upstreamResetRetriedPrefix ? "retried and the latest " : "") +
    `reset reason: ${failure.resetReason}` +
    (showTransport ? `, transport failure reason: ${failure.transportFailureReason}` : "");
  // %RESPONSE_CODE_DETAILS%: reason and transport failure reason, spaces as "_"; "|" separates them in recent Envoy.
  const separator = profile.tlsFailureFormat === "pipe-delimited" ? "|" : ",";
  const detailsReason = failure.resetReason + (failure.transportFailureReason ? `${separator}${failure.transportFailureReason}` : "");
  return {
    status: failure.resetReason === "protocol error" ? 502 : 503,
    body,
    flags: retried ? `${failure.flag},URX` : failure.flag,
    details: `upstream_reset_before_response_started{${detailsReason.replace(/ /g, "_")}}`,
  };
};

/** "no healthy upstream" (503 UH): the cluster has no usable endpoint. */
export const noHealthyUpstreamReply = (): LocalReply => ({ status: 503, body: "no healthy upstream", flags: "UH", details: "no_healthy_upstream" });

/** Istio's block_all virtual host under REGISTRY_ONLY: a direct 502 with no body. */
export const blockAllReply = (): LocalReply => ({ status: 502, body: "", flags: "-", details: "direct_response" });

/** Envoy's reply to a request it could not parse (codec error). */
export const badRequestReply = (): LocalReply => ({ status: 400, body: "Bad Request", flags: "DPE", details: "http1.codec_error" });

/** Writes a local reply with Envoy's headers. */
export const sendLocalReply = (res: ServerResponse, reply: LocalReply): void => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { "content-length": String(Buffer.byteLength(reply.body)) };
  if (reply.body) headers["content-type"] = "text/plain";
  headers["date"] = new Date().toUTCString();
  headers["server"] = "envoy";
  res.writeHead(reply.status, headers);
  res.end(reply.body);
};
