// The agent's two calls to istiod over HTTP/2 (protocol.ts): CreateCertificate (unary) and the ADS stream, with
// failures as gRPC statuses whose text is what grpc-go prints.
import type http2 from "node:http2";
import { ADS_PATH, CLUSTER_ID_HEADER, CSR_PATH, formatRpcError, GRPC_MESSAGE_HEADER, GRPC_STATUS_HEADER, type CsrRequest, type CsrResponse, type RpcError } from "../xds/protocol.js";
import { DialError, dialIstiod, type DialOptions } from "./dial.js";
import type { AgentProfile } from "./release.js";

/** A failed call: a gRPC status. `toString()` is grpc-go's `rpc error: code = … desc = …`. */
export class RpcFailure extends Error {
  override name = "RpcFailure";
  constructor(readonly status: RpcError) {
    super(formatRpcError(status));
  }
}

/** The Unavailable status of a failed dial, worded per release. */
export const dialFailure = (profile: AgentProfile, error: DialError): RpcFailure =>
  new RpcFailure({
    code: 14,
    message: error.network ? `connection error: desc = "${profile.dialErrorPrefix}${error.desc}"` : `connection error: desc = "transport: ${error.desc}"`,
  });

/** Reads a stream's response status and body. */
const readResponse = (req: http2.ClientHttp2Stream): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> =>
  new Promise((resolve, reject) => {
    let headers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.once("response", (h) => (headers = h));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => resolve({ status: Number(headers[":status"] ?? 0), headers, body: Buffer.concat(chunks).toString("utf8") }));
    req.once("error", reject);
  });

/** The RpcError an error answer carries (headers first, then the JSON body). */
export const rpcErrorOf = (headers: http2.IncomingHttpHeaders, body: string): RpcError => {
  try {
    const parsed = JSON.parse(body) as RpcError;
    if (typeof parsed.code === "number") return parsed;
  } catch {
    // fall back to the headers
  }
  return { code: Number(headers[GRPC_STATUS_HEADER] ?? 2), message: decodeURIComponent(String(headers[GRPC_MESSAGE_HEADER] ?? body)) };
};

/** Calls CreateCertificate; resolves with the chain (leaf first) or throws RpcFailure. */
export const createCertificate = async ({
  profile,
  dial,
  token,
  clusterId,
  request,
}: {
  profile: AgentProfile;
  dial: DialOptions;
  token?: string;
  clusterId: string;
  request: CsrRequest;
}): Promise<string[]> => {
  let session: http2.ClientHttp2Session;
  try {
    session = await dialIstiod(dial);
  } catch (error) {
    if (error instanceof DialError) throw dialFailure(profile, error);
    throw error;
  }
  try {
    const req = session.request({
      ":method": "POST",
      ":path": CSR_PATH,
      "content-type": "application/json",
      [CLUSTER_ID_HEADER]: clusterId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });
    req.end(JSON.stringify(request));
    const res = await readResponse(req);
    if (res.status !== 200) throw new RpcFailure(rpcErrorOf(res.headers, res.body));
    const body = JSON.parse(res.body) as CsrResponse;
    return body.certChain;
  } catch (error) {
    if (error instanceof RpcFailure) throw error;
    throw new RpcFailure({ code: 14, message: `error reading from server: ${(error as Error).message}` });
  } finally {
    session.close();
  }
};

/** An open ADS stream. */
export interface AdsStream {
  session: http2.ClientHttp2Session;
  stream: http2.ClientHttp2Stream;
}

/** Opens the ADS stream (client certificate when the agent has one, else the token as bearer). */
export const openAds = async ({ profile, dial, token, clusterId }: { profile: AgentProfile; dial: DialOptions; token?: string; clusterId: string }): Promise<AdsStream> => {
  let session: http2.ClientHttp2Session;
  try {
    session = await dialIstiod(dial);
  } catch (error) {
    if (error instanceof DialError) throw dialFailure(profile, error);
    throw error;
  }
  const stream = session.request({
    ":method": "POST",
    ":path": ADS_PATH,
    "content-type": "application/json",
    [CLUSTER_ID_HEADER]: clusterId,
    ...(token && !dial.client ? { authorization: `Bearer ${token}` } : {}),
  });
  stream.on("error", () => undefined);
  return { session, stream };
};
