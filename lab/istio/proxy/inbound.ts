// The inbound listener (virtualInbound, :15006): connections captured by ISTIO_IN_REDIRECT. The workload port's
// effective PeerAuthentication picks the filter chain: STRICT (mTLS only; plaintext is reset), PERMISSIVE (mTLS when the
// ClientHello offers Istio's ALPN, other TLS passed through untouched, plaintext accepted), DISABLE (no TLS chain: all
// bytes are handled as plaintext). mTLS is terminated with the workload certificate and a verified client certificate.
import type net from "node:net";
import tls from "node:tls";
import type { ActiveState } from "./context.js";
import { inspectFirstFlight, offersIstioAlpn, offersIstioHttpAlpn, type FirstFlight } from "./client-hello.js";
import { forwardHttpRequest, type DownstreamInfo } from "./http-router.js";
import { peekFirstBytes } from "./peek.js";
import { workloadPortMtls } from "./peer-authn.js";
import { looksLikeHttp1 } from "./protocol.js";
import { proxyTcp } from "./tcp-proxy.js";
import { inboundPlan } from "./upstream-plan.js";
import { capturedHttpServer, listenOn, type CaptureListenerOptions, type Listener } from "./listen.js";
import { certificateSpiffeUri } from "./identity.js";

/** Envoy's answer to bytes its HTTP/1 codec cannot parse. */
const BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nBad Request";

/** Which filter chain a connection takes. */
export type InboundChain = "mtls" | "tls-passthrough" | "plaintext" | "reject";

/** The filter chain Envoy's virtualInbound selects for a first flight under a mode. */
export const selectInboundChain = (mode: "STRICT" | "PERMISSIVE" | "DISABLE", flight: FirstFlight): InboundChain => {
  const isTls = flight.kind === "tls";
  if (mode === "DISABLE") return "plaintext";
  if (mode === "STRICT") return isTls ? "mtls" : "reject";
  if (!isTls) return "plaintext";
  return offersIstioAlpn(flight.alpn) ? "mtls" : "tls-passthrough";
};

/** Completes the server side of an mTLS handshake; resolves with the TLS socket and the client's certificate. */
const terminateMtls = (socket: net.Socket, state: ActiveState): Promise<{ secure: tls.TLSSocket; peerUri?: string; peerCertDer: Buffer }> =>
  new Promise((resolve, reject) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: state.serverContext, requestCert: true, rejectUnauthorized: true });
    secure.once("error", reject);
    secure.once("secure", () => {
      secure.off("error", reject);
      const cert = secure.getPeerCertificate();
      if (!cert || !cert.raw) {
        secure.destroy();
        reject(new Error("client certificate missing"));
        return;
      }
      resolve({ secure, peerUri: certificateSpiffeUri(cert.raw), peerCertDer: cert.raw });
    });
  });

/** Starts the inbound listener on `address:port`. */
export const startInboundListener = async ({ ctx, pools, originalDst, address = "0.0.0.0", port }: CaptureListenerOptions): Promise<Listener> => {
  const conns = new WeakMap<net.Socket, DownstreamInfo>();
  const httpServer = capturedHttpServer({
    ctx,
    conns,
    onRequest: ({ req, res, state, info }) => {
      const plan = inboundPlan(ctx, state, { address: info.localAddress, port: info.localPort });
      void forwardHttpRequest({ ctx, pools, state, req, res, info, plan });
    },
  });
  httpServer.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end(BAD_REQUEST);
    else socket.destroy();
  });

  const onConnection = async (socket: net.Socket): Promise<void> => {
    socket.on("error", () => socket.destroy());
    const state = ctx.state();
    if (!state) {
      socket.destroy();
      return;
    }
    const dst = originalDst(socket);
    if (dst.port === port) {
      socket.destroy(); // a direct connection to the capture port itself
      return;
    }
    const { mode } = workloadPortMtls({
      policies: state.config.peerAuthentications,
      rootNamespace: state.config.meshRootNamespace,
      namespace: state.config.workload.namespace,
      labels: state.config.workload.labels,
      port: dst.port,
    });
    const peeked = await peekFirstBytes<FirstFlight>(
      socket,
      (head) => {
        const flight = inspectFirstFlight(head);
        return flight.kind === "need-more" ? undefined : flight;
      },
      () => ({ kind: "plaintext" }),
    );
    const chain = selectInboundChain(mode, peeked.decision);
    if (chain === "reject") {
      socket.resetAndDestroy();
      return;
    }
    const declared = state.index.inboundPort(dst.port);
    const base: DownstreamInfo = {
      direction: "inbound",
      remoteAddress: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
      localAddress: dst.address,
      localPort: dst.port,
    };
    const plan = inboundPlan(ctx, state, dst);
    if (chain === "mtls") {
      let terminated: Awaited<ReturnType<typeof terminateMtls>>;
      try {
        terminated = await terminateMtls(socket, state);
      } catch {
        socket.destroy();
        return;
      }
      const flight = peeked.decision as Extract<FirstFlight, { kind: "tls" }>;
      const info: DownstreamInfo = { ...base, mtls: { peerUri: terminated.peerUri, peerCertDer: terminated.peerCertDer }, sni: flight.sni };
      const asHttp = declared ? declared.handling === "http" || (declared.handling === "sniff" && offersIstioHttpAlpn(flight.alpn)) : offersIstioHttpAlpn(flight.alpn);
      if (asHttp) {
        conns.set(terminated.secure, info);
        httpServer.emit("connection", terminated.secure);
      } else {
        await proxyTcp(ctx, state, plan, { direction: "inbound", socket: terminated.secure, localAddress: dst.address, localPort: dst.port, mtls: { peerUri: terminated.peerUri }, sni: flight.sni });
      }
      return;
    }
    if (chain === "tls-passthrough") {
      await proxyTcp(ctx, state, plan, { direction: "inbound", socket, head: peeked.head, ended: peeked.ended, localAddress: dst.address, localPort: dst.port });
      return;
    }
    const asHttp = declared ? declared.handling === "http" || (declared.handling === "sniff" && looksLikeHttp1(peeked.head) === true) : looksLikeHttp1(peeked.head) === true;
    if (asHttp && !peeked.ended) {
      conns.set(socket, base);
      httpServer.emit("connection", socket);
      socket.resume(); // deliver the peeked bytes, pushed back into the paused stream, to the HTTP parser
      return;
    }
    await proxyTcp(ctx, state, plan, { direction: "inbound", socket, head: peeked.head, ended: peeked.ended, localAddress: dst.address, localPort: dst.port });
  };

  return listenOn({ address, port, onConnection, extraClose: () => httpServer.close() });
};
