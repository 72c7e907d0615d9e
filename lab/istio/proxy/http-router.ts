// Envoy's HTTP connection manager + router for one request: header handling per direction (request id, B3 tracing,
// attempt count, XFCC, metadata exchange, server/x-envoy-upstream-service-time on responses), Istio's default retry
// policy (2 retries on connect-failure and 503), local replies, host statistics, metrics and the access log.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { ActiveState, ProxyContext } from "./context.js";
import { noHealthyUpstreamReply, sendLocalReply, upstreamResetReply, type LocalReply } from "./local-reply.js";
import { isConnectPhaseError, type UpstreamPools } from "./pool.js";
import { decodePeerMetadata, encodePeerMetadata, nodeId, PEER_METADATA_HEADER, PEER_METADATA_ID_HEADER, type PeerInfo } from "./telemetry.js";
import { terminationFailure, type UpstreamFailure } from "./upstream.js";
import type { PlannedHost, UpstreamPlan } from "./upstream-plan.js";
import { formatAccessLog } from "./access-log.js";

/** What the listener knows about the downstream connection. */
export interface DownstreamInfo {
  direction: "outbound" | "inbound";
  remoteAddress: string;
  remotePort: number;
  /** The original destination (address:port the client dialled). */
  localAddress: string;
  localPort: number;
  /** Inbound mTLS: the verified client certificate. */
  mtls?: { peerUri?: string; peerCertDer: Buffer };
  /** SNI the client sent (inbound TLS). */
  sni?: string;
}

/** Largest request body kept for retries (Envoy buffers retried requests up to its buffer limit). */
export const RETRY_BUFFER_LIMIT = 1024 * 1024;

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "proxy-authenticate", "proxy-authorization"]);

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

/** Reads the request body up to the limit; `rest` is set when more remains (streamed, no retries). */
const readBody = (req: IncomingMessage): Promise<{ chunks: Buffer[]; complete: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > RETRY_BUFFER_LIMIT) {
        cleanup();
        req.pause();
        resolve({ chunks, complete: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, complete: true });
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      req.removeListener("error", onError);
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });

/** Request headers for the upstream, per direction. */
const upstreamHeaders = (
  state: ActiveState,
  req: IncomingMessage,
  info: DownstreamInfo,
  plan: UpstreamPlan,
  host: PlannedHost,
  attempt: number,
  spanId: string,
): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    if (k === PEER_METADATA_HEADER || k === PEER_METADATA_ID_HEADER) continue;
    out[k] = v;
  }
  // Tracing (zipkin, B3): this proxy's span is a child of the caller's span.
  const parentSpan = typeof out["x-b3-spanid"] === "string" ? out["x-b3-spanid"] : undefined;
  out["x-b3-spanid"] = spanId;
  if (parentSpan) out["x-b3-parentspanid"] = parentSpan;
  if (info.direction === "outbound") {
    if (!out["x-forwarded-proto"]) out["x-forwarded-proto"] = "http";
    out["x-envoy-attempt-count"] = String(attempt);
    if (plan.decorator) out["x-envoy-decorator-operation"] = plan.decorator;
    if (host.tls) {
      out[PEER_METADATA_ID_HEADER] = nodeId(state.config.workload);
      out[PEER_METADATA_HEADER] = encodePeerMetadata(state.self);
    }
  } else {
    delete out["x-envoy-decorator-operation"];
    if (!out["x-forwarded-proto"]) out["x-forwarded-proto"] = info.mtls ? "https" : "http";
    if (info.mtls) {
      const hash = createHash("sha256").update(info.mtls.peerCertDer).digest("hex");
      const current = `By=${state.selfUri};Hash=${hash};Subject="";URI=${info.mtls.peerUri ?? ""}`;
      const previous = out["x-forwarded-client-cert"];
      out["x-forwarded-client-cert"] = typeof previous === "string" && previous ? `${previous},${current}` : current;
    }
  }
  return out;
};

interface AttemptResult {
  response?: IncomingMessage;
  failure?: UpstreamFailure;
  connectFailure?: boolean;
  sentAt: number;
}

const attemptOnce = (
  ctx: ProxyContext,
  pools: UpstreamPools,
  plan: UpstreamPlan,
  host: PlannedHost,
  req: IncomingMessage,
  headers: Record<string, string | string[]>,
  body: { chunks: Buffer[]; complete: boolean },
): Promise<AttemptResult> =>
  new Promise((resolve) => {
    const cluster = ctx.clusters.get(plan.clusterName);
    const hostEntry = cluster?.host(host.address);
    let sentAt = Date.now();
    let dispatched = false;
    let settled = false;
    const settle = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const upstream = http.request({
      agent: pools.agent(plan.clusterName, host),
      host: host.ip,
      port: host.port,
      method: req.method,
      path: req.url,
      headers,
      setHost: false,
    });
    upstream.on("socket", () => {
      dispatched = true;
      cluster?.count("upstream_rq_total");
      if (hostEntry) {
        hostEntry.stats.rq_total++;
        hostEntry.stats.rq_active++;
      }
    });
    upstream.on("response", (res) => {
      if (hostEntry) hostEntry.stats.rq_active--;
      settle({ response: res, sentAt });
    });
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (dispatched && hostEntry) hostEntry.stats.rq_active--;
      if (isConnectPhaseError(error)) settle({ failure: error.upstream.failure, connectFailure: true, sentAt });
      else settle({ failure: terminationFailure(error, ctx.profile), connectFailure: false, sentAt });
    });
    for (const c of body.chunks) upstream.write(c);
    if (body.complete) {
      upstream.end();
      sentAt = Date.now();
    } else {
      req.pipe(upstream);
      req.resume();
      req.once("end", () => (sentAt = Date.now()));
    }
  });

const countResponse = (ctx: ProxyContext, plan: UpstreamPlan, host: PlannedHost, status: number): void => {
  const cluster = ctx.clusters.get(plan.clusterName);
  cluster?.count(`upstream_rq_${status}`);
  cluster?.count(`upstream_rq_${Math.floor(status / 100)}xx`);
  cluster?.count("upstream_rq_completed");
  const h = cluster?.host(host.address);
  if (h) {
    if (status >= 500) h.stats.rq_error++;
    else h.stats.rq_success++;
  }
};

/** Proxies one request along `plan` (or answers it locally), recording stats, metrics and the access log. */
export const forwardHttpRequest = async ({
  ctx,
  pools,
  state,
  req,
  res,
  info,
  plan,
}: {
  ctx: ProxyContext;
  pools: UpstreamPools;
  state: ActiveState;
  req: IncomingMessage;
  res: ServerResponse;
  info: DownstreamInfo;
  plan: UpstreamPlan | LocalReply;
}): Promise<void> => {
  const started = Date.now();
  // One request id and one trace per request, kept across retries (Envoy adds them before routing).
  if (!req.headers["x-request-id"]) req.headers["x-request-id"] = randomUUID();
  if (!req.headers["x-b3-traceid"]) {
    req.headers["x-b3-traceid"] = hex(16);
    req.headers["x-b3-sampled"] = Math.random() < 0.01 ? "1" : "0";
  }
  const spanId = hex(8);
  const peerFromRequest = info.direction === "inbound" ? decodePeerMetadata(req.headers[PEER_METADATA_HEADER]) : undefined;
  const hadDecorator = req.headers["x-envoy-decorator-operation"] !== undefined;
  let body: { chunks: Buffer[]; complete: boolean };
  try {
    body = await readBody(req);
  } catch {
    res.destroy();
    return;
  }
  let reply: LocalReply | undefined = "status" in plan ? plan : undefined;
  let upstreamResponse: IncomingMessage | undefined;
  let chosen: PlannedHost | undefined;
  let serviceTime = 0;
  let lastFailure: UpstreamFailure | undefined;
  let retried = false;
  const upstreamPlan = "status" in plan ? undefined : plan;
  if (upstreamPlan) {
    const tried = new Set<string>();
    const maxAttempts = 1 + (body.complete ? upstreamPlan.retries : 0);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const host = upstreamPlan.pick(tried);
      if (!host) {
        reply = lastFailure ? upstreamResetReply(lastFailure, { retried, profile: ctx.profile }) : noHealthyUpstreamReply();
        break;
      }
      chosen = host;
      tried.add(host.address);
      if (attempt > 1) {
        retried = true;
        ctx.clusters.get(upstreamPlan.clusterName)?.count("upstream_rq_retry");
        await sleep(Math.floor(Math.random() * 25 * 2 ** (attempt - 2)));
      }
      const result = await attemptOnce(ctx, pools, upstreamPlan, host, req, upstreamHeaders(state, req, info, upstreamPlan, host, attempt, spanId), body);
      if (result.response) {
        const status = result.response.statusCode ?? 502;
        countResponse(ctx, upstreamPlan, host, status);
        if (status === 503 && attempt < maxAttempts) {
          result.response.resume(); // retriable-status-codes: 503
          lastFailure = undefined;
          continue;
        }
        upstreamResponse = result.response;
        serviceTime = Date.now() - result.sentAt;
        break;
      }
      lastFailure = result.failure!;
      const h = ctx.clusters.get(upstreamPlan.clusterName)?.host(host.address);
      if (h) h.stats.rq_error++;
      if (result.connectFailure && attempt < maxAttempts) continue;
      reply = upstreamResetReply(lastFailure, { retried, profile: ctx.profile });
      break;
    }
  }

  let status: number;
  let flags = "-";
  let details = "via_upstream";
  let peerFromResponse: PeerInfo | undefined;
  let bytesSent = 0;
  if (upstreamResponse) {
    status = upstreamResponse.statusCode ?? 502;
    const headers: [string, string][] = [];
    const raw = upstreamResponse.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === "server" || lower === "x-envoy-upstream-service-time") continue;
      if (lower === PEER_METADATA_HEADER || lower === PEER_METADATA_ID_HEADER) {
        if (lower === PEER_METADATA_HEADER) peerFromResponse = decodePeerMetadata(raw[i + 1]);
        continue;
      }
      headers.push([name, raw[i + 1]!]);
    }
    headers.push(["x-envoy-upstream-service-time", String(serviceTime)]);
    if (info.direction === "inbound") {
      if (peerFromRequest) {
        headers.push([PEER_METADATA_ID_HEADER, nodeId(state.config.workload)], [PEER_METADATA_HEADER, encodePeerMetadata(state.self)]);
      }
      if (!hadDecorator && upstreamPlan?.decorator) headers.push(["x-envoy-decorator-operation", upstreamPlan.decorator]);
    }
    headers.push(["server", "envoy"]);
    res.writeHead(status, headers.flat());
    upstreamResponse.on("data", (c: Buffer) => (bytesSent += c.length));
    await new Promise<void>((resolve) => {
      upstreamResponse!.pipe(res);
      res.once("close", () => resolve());
      upstreamResponse!.once("error", () => {
        res.destroy();
        resolve();
      });
    });
  } else {
    reply ??= noHealthyUpstreamReply();
    status = reply.status;
    flags = reply.flags;
    details = reply.details;
    bytesSent = Buffer.byteLength(reply.body);
    // A streamed (unbuffered) request body that was not consumed would block the connection: drain it.
    if (!body.complete) req.resume();
    sendLocalReply(res, reply);
  }

  // Telemetry.
  const destination: PeerInfo =
    info.direction === "outbound"
      ? { ...(upstreamPlan?.destination ?? {}), ...(chosen?.peer ?? {}), ...(peerFromResponse ?? {}) }
      : state.self;
  const source: PeerInfo = info.direction === "outbound" ? state.self : { ...(info.mtls?.peerUri ? { principal: info.mtls.peerUri } : {}), ...(peerFromRequest ?? {}) };
  ctx.metrics.recordRequest({
    reporter: info.direction === "outbound" ? "source" : "destination",
    source,
    destination,
    service: upstreamPlan?.service ?? { host: req.headers.host },
    protocol: "http",
    responseCode: status,
    responseFlags: flags,
    connectionSecurityPolicy: info.direction === "outbound" ? "unknown" : info.mtls ? "mutual_tls" : "none",
  });
  ctx.accessLog?.(
    formatAccessLog({
      start: new Date(started),
      method: req.method ?? "-",
      path: req.url ?? "-",
      protocol: `HTTP/${req.httpVersion}`,
      status,
      flags,
      details,
      transportFailureReason: lastFailure?.transportFailureReason ?? "",
      bytesReceived: body.chunks.reduce((n, c) => n + c.length, 0),
      bytesSent,
      durationMs: Date.now() - started,
      upstreamServiceTime: upstreamResponse ? String(serviceTime) : "-",
      forwardedFor: req.headers["x-forwarded-for"],
      userAgent: req.headers["user-agent"],
      requestId: req.headers["x-request-id"],
      authority: req.headers.host,
      upstreamHost: chosen?.address,
      upstreamCluster: upstreamPlan?.clusterName,
      downstreamLocal: `${info.localAddress}:${info.localPort}`,
      downstreamRemote: `${info.remoteAddress}:${info.remotePort}`,
      requestedServerName: info.sni,
      routeName: upstreamPlan?.routeName ?? "block_all",
    }),
  );
};
