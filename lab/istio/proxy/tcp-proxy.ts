// Envoy's tcp_proxy: connect to one host of the cluster (one attempt) and copy bytes both ways, with host statistics,
// istio_tcp_* metrics and an access log line on close. A failed connect closes the downstream connection.
import type net from "node:net";
import type { ActiveState, ProxyContext } from "./context.js";
import { countAttempt, countConnectFailure, trackConnection } from "./pool.js";
import { connectUpstream, UpstreamError } from "./upstream.js";
import type { UpstreamPlan } from "./upstream-plan.js";
import type { PeerInfo } from "./telemetry.js";
import { formatAccessLog } from "./access-log.js";

/** Downstream facts the metrics need. */
export interface TcpDownstream {
  direction: "outbound" | "inbound";
  socket: net.Socket;
  /** Bytes already read from the downstream (peeked) that must go first. */
  head?: Buffer;
  /** True when the downstream already ended (its bytes are all in head). */
  ended?: boolean;
  localAddress: string;
  localPort: number;
  mtls?: { peerUri?: string };
  sni?: string;
}

/** Proxies a connection along `plan`; resolves when both sides are closed. */
export const proxyTcp = async (ctx: ProxyContext, state: ActiveState, plan: UpstreamPlan, down: TcpDownstream): Promise<void> => {
  const started = Date.now();
  const host = plan.pick(new Set());
  const record = {
    reporter: down.direction === "outbound" ? ("source" as const) : ("destination" as const),
    source: down.direction === "outbound" ? state.self : ({ principal: down.mtls?.peerUri } as PeerInfo),
    destination: down.direction === "outbound" ? { ...plan.destination, ...(host?.peer ?? {}) } : state.self,
    service: plan.service,
    protocol: "tcp" as const,
    responseFlags: "-",
    connectionSecurityPolicy: down.direction === "outbound" ? ("unknown" as const) : down.mtls ? ("mutual_tls" as const) : ("none" as const),
  };
  const log = (flags: string, failure: string, received: number, sent: number) =>
    ctx.accessLog?.(
      formatAccessLog({
        start: new Date(started),
        method: "-",
        path: "-",
        protocol: "-",
        status: 0,
        flags,
        details: "-",
        transportFailureReason: failure,
        bytesReceived: received,
        bytesSent: sent,
        durationMs: Date.now() - started,
        upstreamServiceTime: "-",
        upstreamHost: host?.address,
        upstreamCluster: plan.clusterName,
        downstreamLocal: `${down.localAddress}:${down.localPort}`,
        downstreamRemote: `${down.socket.remoteAddress ?? "-"}:${down.socket.remotePort ?? 0}`,
        requestedServerName: down.sni,
      }),
    );
  if (!host) {
    ctx.metrics.recordTcpOpened({ ...record, responseFlags: "UH" });
    ctx.metrics.recordTcpClosed({ ...record, responseFlags: "UH" }, { sent: 0, received: 0 });
    log("UH", "", 0, 0);
    down.socket.destroy();
    return;
  }
  countAttempt(ctx, plan.clusterName, host.address);
  let upstream: net.Socket;
  try {
    upstream = await connectUpstream({ address: host.ip, port: host.port, localAddress: host.localAddress, tls: host.tls }, ctx.profile);
  } catch (error) {
    countConnectFailure(ctx, plan.clusterName, host.address);
    const failure = error instanceof UpstreamError ? error.failure.transportFailureReason : "";
    ctx.metrics.recordTcpOpened({ ...record, responseFlags: "UF" });
    ctx.metrics.recordTcpClosed({ ...record, responseFlags: "UF" }, { sent: 0, received: 0 });
    log("UF", failure, 0, 0);
    down.socket.destroy();
    return;
  }
  trackConnection(ctx, plan.clusterName, host.address, upstream);
  ctx.metrics.recordTcpOpened(record);
  let received = down.head?.length ?? 0;
  let sent = 0;
  if (down.head && down.head.length > 0 && down.ended) upstream.write(down.head);
  down.socket.on("data", (c: Buffer) => (received += c.length));
  upstream.on("data", (c: Buffer) => (sent += c.length));
  await new Promise<void>((resolve) => {
    let open = 2;
    const closed = () => {
      if (--open === 0) resolve();
    };
    down.socket.once("close", closed);
    upstream.once("close", closed);
    down.socket.on("error", () => upstream.destroy());
    upstream.on("error", () => down.socket.destroy());
    upstream.pipe(down.socket);
    if (down.ended) upstream.end();
    else {
      down.socket.pipe(upstream);
      down.socket.resume();
    }
  });
  ctx.metrics.recordTcpClosed(record, { sent, received });
  log("-", "", received, sent);
};
