// HTTP/1.1 connection pools per upstream host (keep-alive, like Envoy's per-host pools), counting the host's cx_*
// statistics. Connections are opened with connectUpstream (mTLS when planned), asynchronously through http.Agent.
import http from "node:http";
import type net from "node:net";
import type { ProxyContext } from "./context.js";
import type { PlannedHost } from "./upstream-plan.js";
import { connectUpstream, UpstreamError } from "./upstream.js";

/** Marks an error raised while connecting (before the request could be sent). */
export interface ConnectPhaseError extends Error {
  connectPhase: true;
  upstream: UpstreamError;
}

/** True for errors from the connect phase of a pooled request. */
export const isConnectPhaseError = (error: unknown): error is ConnectPhaseError =>
  typeof error === "object" && error !== null && (error as { connectPhase?: boolean }).connectPhase === true;

type CreateConnection = (options: unknown, callback: (error: Error | null, socket?: net.Socket) => void) => net.Socket | undefined;

/** Counts a new upstream connection on the host and cluster and tracks it until it closes. */
export const trackConnection = (ctx: ProxyContext, clusterName: string, address: string, socket: net.Socket): void => {
  const cluster = ctx.clusters.get(clusterName);
  const host = cluster?.host(address);
  if (host) host.stats.cx_active++;
  socket.once("close", () => {
    if (host) host.stats.cx_active--;
  });
};

/** Counts a connection attempt (cx_total). */
export const countAttempt = (ctx: ProxyContext, clusterName: string, address: string): void => {
  const cluster = ctx.clusters.get(clusterName);
  cluster?.count("upstream_cx_total");
  const host = cluster?.host(address);
  if (host) host.stats.cx_total++;
};

/** Counts a failed connection (cx_connect_fail). */
export const countConnectFailure = (ctx: ProxyContext, clusterName: string, address: string): void => {
  const cluster = ctx.clusters.get(clusterName);
  cluster?.count("upstream_cx_connect_fail");
  const host = cluster?.host(address);
  if (host) host.stats.cx_connect_fail++;
};

/** Keep-alive agents per (cluster, host, transport). */
export class UpstreamPools {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly ctx: ProxyContext) {}

  /** The agent for a planned host (created on first use). */
  agent(clusterName: string, host: PlannedHost): http.Agent {
    const key = `${clusterName}|${host.address}|${host.localAddress ?? ""}|${host.tls ? `${host.tls.sni}|${host.tls.alpn.join(",")}|${host.tls.expectedSans.join(",")}` : "plain"}`;
    let agent = this.agents.get(key);
    if (agent && host.tls && (agent as unknown as { labContext?: unknown }).labContext !== host.tls.secureContext) {
      agent.destroy(); // certificates were rotated: new connections must use the new ones
      this.agents.delete(key);
      agent = undefined;
    }
    if (agent) return agent;
    const created = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 32 });
    (created as unknown as { labContext?: unknown }).labContext = host.tls?.secureContext;
    const ctx = this.ctx;
    const createConnection: CreateConnection = (_options, callback) => {
      countAttempt(ctx, clusterName, host.address);
      connectUpstream({ address: host.ip, port: host.port, localAddress: host.localAddress, tls: host.tls }, ctx.profile).then(
        (socket) => {
          trackConnection(ctx, clusterName, host.address, socket);
          // A pooled socket can fail while idle; the request that owns it, if any, also listens.
          socket.on("error", () => undefined);
          callback(null, socket);
        },
        (error: unknown) => {
          countConnectFailure(ctx, clusterName, host.address);
          const upstream = error instanceof UpstreamError ? error : new UpstreamError({ resetReason: ctx.profile.connectionFailureReason, transportFailureReason: "", flag: "UF" }, error);
          const marked = Object.assign(new Error(upstream.message), { connectPhase: true as const, upstream });
          callback(marked);
        },
      );
      return undefined;
    };
    (created as unknown as { createConnection: CreateConnection }).createConnection = createConnection;
    this.agents.set(key, created);
    return created;
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
