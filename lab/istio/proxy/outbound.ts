// The outbound listener (virtualOutbound, :15001): every connection the capture rules redirect from the workload. The
// original destination picks the listener Istio would have built: 0.0.0.0_PORT for HTTP ports (routed by Host),
// VIP_PORT for TCP services, sniffing for unnamed ports, PassthroughCluster or BlackHoleCluster for the rest.
import net from "node:net";
import { forwardHttpRequest, type DownstreamInfo } from "./http-router.js";
import { blockAllReply } from "./local-reply.js";
import { peekFirstBytes } from "./peek.js";
import { looksLikeHttp1 } from "./protocol.js";
import { proxyTcp } from "./tcp-proxy.js";
import { outboundClusterPlan, passthroughPlan } from "./upstream-plan.js";
import type { OriginalDestination } from "../../native/origdst.js";
import type { OutboundCluster } from "./mesh.js";
import { BUILTIN_CLUSTERS } from "./cluster-specs.js";
import { capturedHttpServer, listenOn, type CaptureListenerOptions, type Listener } from "./listen.js";

/** Starts the outbound listener on `address:port`. */
export const startOutboundListener = async ({ ctx, pools, originalDst, address = "0.0.0.0", port }: CaptureListenerOptions): Promise<Listener> => {
  const conns = new WeakMap<net.Socket, DownstreamInfo>();
  const clusterOf = new WeakMap<net.Socket, OutboundCluster>();
  const httpServer = capturedHttpServer({
    ctx,
    conns,
    onRequest: ({ req, res, state, info }) => {
      const sniffed = clusterOf.get(req.socket);
      const vh = sniffed ? undefined : state.index.matchVirtualHost(info.localPort, req.headers.host);
      const cluster = sniffed ?? vh?.cluster;
      const plan = cluster
        ? outboundClusterPlan(ctx, state, cluster, "http")
        : state.index.outboundPolicy === "ALLOW_ANY"
          ? passthroughPlan(info.localAddress, info.localPort, req.headers.host)
          : blockAllReply();
      void forwardHttpRequest({ ctx, pools, state, req, res, info, plan });
    },
  });
  httpServer.on("clientError", (_error, socket) => socket.destroy());

  const handleHttp = (socket: net.Socket, info: DownstreamInfo, cluster?: OutboundCluster) => {
    conns.set(socket, info);
    if (cluster) clusterOf.set(socket, cluster);
    httpServer.emit("connection", socket);
    socket.resume(); // peeked bytes were pushed back into a paused stream
  };

  const onConnection = async (socket: net.Socket): Promise<void> => {
    socket.on("error", () => socket.destroy());
    const state = ctx.state();
    if (!state) {
      socket.destroy();
      return;
    }
    let dst: OriginalDestination;
    try {
      dst = originalDst(socket);
    } catch {
      socket.destroy();
      return;
    }
    const info: DownstreamInfo = {
      direction: "outbound",
      remoteAddress: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
      localAddress: dst.address,
      localPort: dst.port,
    };
    const { index } = state;
    const vipCluster = index.clusterByVip(dst.address, dst.port) ?? index.clusterByHeadlessEndpoint(dst.address, dst.port);
    // VIP_PORT listeners of TCP services win over the 0.0.0.0_PORT HTTP listener.
    if (vipCluster && vipCluster.handling === "tcp") {
      await proxyTcp(ctx, state, outboundClusterPlan(ctx, state, vipCluster, "tcp"), { direction: "outbound", socket, localAddress: dst.address, localPort: dst.port });
      return;
    }
    if (vipCluster && vipCluster.handling === "sniff") {
      const { decision, head, ended } = await peekFirstBytes(socket, (h) => looksLikeHttp1(h), () => false).catch(() => ({ decision: false, head: Buffer.alloc(0), ended: true }));
      if (decision && !ended) handleHttp(socket, info, vipCluster);
      else await proxyTcp(ctx, state, outboundClusterPlan(ctx, state, vipCluster, "tcp"), { direction: "outbound", socket, head, ended, localAddress: dst.address, localPort: dst.port });
      return;
    }
    if (index.httpRoute(dst.port)) {
      handleHttp(socket, info);
      return;
    }
    if (index.outboundPolicy === "ALLOW_ANY") {
      await proxyTcp(ctx, state, passthroughPlan(dst.address, dst.port), { direction: "outbound", socket, localAddress: dst.address, localPort: dst.port });
      return;
    }
    ctx.clusters.get(BUILTIN_CLUSTERS.blackHole)?.count("upstream_cx_none_healthy");
    socket.destroy();
  };

  return listenOn({ address, port, onConnection, extraClose: () => httpServer.close() });
};
