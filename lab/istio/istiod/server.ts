// istiod's listeners: 15012 (TLS with istiod's certificate, HTTP/2: the CA's CreateCertificate and ADS, per
// lab/istio/xds/protocol.ts), 15010 (plaintext ADS, unauthenticated as upstream), 8080 (/ready), 15014 (/metrics) and
// 15017 (the webhook port: TLS, answers 404 — the lab injects in-process).
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { ADS_PATH, CLUSTER_ID_HEADER, CSR_PATH, GRPC_MESSAGE_HEADER, GRPC_STATUS_HEADER, httpStatusOfRpcCode, type CsrRequest, type CsrResponse, type RpcError } from "../xds/protocol.js";
import type { DiscoveryServer } from "./ads/discovery.js";
import { authenticateCaller, type CallerCredentials } from "./ca/authn.js";
import type { CertificateAuthority } from "./ca/authority.js";
import { splitPemCertificates } from "./ca/x509.js";
import type { IstiodLogger } from "./log.js";
import { caAuthnFailureLine, xdsAuthnFailureLine, type IstiodProfile } from "./release.js";

/** Default and maximum workload certificate lifetimes (DEFAULT_WORKLOAD_CERT_TTL 24h, MAX_WORKLOAD_CERT_TTL 90d). */
export const DEFAULT_CERT_TTL_SECONDS = 24 * 3600;
export const MAX_CERT_TTL_SECONDS = 90 * 24 * 3600;

/** What the listeners need. */
export interface IstiodServerOptions {
  profile: IstiodProfile;
  log: IstiodLogger;
  ca: CertificateAuthority;
  serving: { certPem: string; keyPem: string };
  discovery: DiscoveryServer;
  trustDomain: string;
  clusterId: string;
  review: (token: string) => Promise<{ namespace: string; serviceAccount: string } | { error: string }>;
  ready: () => boolean;
  metrics: () => string;
  ports?: { secure?: number; plaintext?: number; http?: number; monitoring?: number; webhook?: number };
}

/** The running listeners. */
export interface IstiodServers {
  close(): Promise<void>;
}

const peerOf = (stream: http2.ServerHttp2Stream): string => {
  const s = stream.session?.socket;
  return s?.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : "unknown";
};

/** The verified client certificate's URI SANs, if any. */
const clientCertificate = (stream: http2.ServerHttp2Stream): Pick<CallerCredentials, "certPresented" | "verifiedCertUris"> => {
  const socket = stream.session?.socket as TLSSocket | undefined;
  const cert = socket?.getPeerCertificate?.();
  if (!cert || !cert.raw) return { certPresented: false };
  if (!socket!.authorized) return { certPresented: true };
  const uris = String(cert.subjectaltname ?? "")
    .split(/,\s*/)
    .filter((e) => e.startsWith("URI:"))
    .map((e) => e.slice(4));
  return { certPresented: true, verifiedCertUris: uris };
};

const respondError = (stream: http2.ServerHttp2Stream, e: RpcError): void => {
  if (stream.destroyed) return;
  stream.respond({ ":status": httpStatusOfRpcCode(e.code), "content-type": "application/json", [GRPC_STATUS_HEADER]: String(e.code), [GRPC_MESSAGE_HEADER]: encodeURIComponent(e.message) });
  stream.end(JSON.stringify(e));
};

const readBody = (stream: http2.ServerHttp2Stream): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.once("error", reject);
  });

const listen = async (server: http.Server | http2.Http2Server | http2.Http2SecureServer | https.Server, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });

/** Starts every listener. */
export const startIstiodServers = async (o: IstiodServerOptions): Promise<IstiodServers> => {
  const ports = { secure: 15012, plaintext: 15010, http: 8080, monitoring: 15014, webhook: 15017, ...o.ports };
  const { log, profile } = o;
  const credentialsOf = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): CallerCredentials => ({
    ...clientCertificate(stream),
    authorization: typeof headers["authorization"] === "string" ? headers["authorization"] : undefined,
    clusterId: typeof headers[CLUSTER_ID_HEADER] === "string" ? headers[CLUSTER_ID_HEADER] : undefined,
  });
  const authenticate = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) =>
    authenticateCaller({ profile, credentials: credentialsOf(stream, headers), localClusterId: o.clusterId, trustDomain: o.trustDomain, review: o.review });

  const handleCsr = async (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): Promise<void> => {
    const body = await readBody(stream);
    const result = await authenticate(stream, headers);
    if ("failures" in result) {
      log.log(profile.authnFailure.level, profile.authnFailure.scope, caAuthnFailureLine(profile, peerOf(stream), result.failures));
      respondError(stream, { code: 16, message: "request authenticate failure" });
      return;
    }
    let request: CsrRequest;
    try {
      request = JSON.parse(body) as CsrRequest;
    } catch {
      respondError(stream, { code: 3, message: "invalid request body" });
      return;
    }
    const ttl = request.validityDuration > 0 && request.validityDuration <= MAX_CERT_TTL_SECONDS ? request.validityDuration : DEFAULT_CERT_TTL_SECONDS;
    try {
      const leaf = await o.ca.signCsr({ csrPem: request.csr, identities: result.caller.identities, ttlSeconds: ttl });
      const response: CsrResponse = { certChain: [leaf, ...splitPemCertificates(o.ca.rootPem)] };
      stream.respond({ ":status": 200, "content-type": "application/json", [GRPC_STATUS_HEADER]: "0" });
      stream.end(JSON.stringify(response));
    } catch (error) {
      const scope = "serverca";
      log.error(scope, profile.minor === 8 ? `CSR signing error (${(error as Error).message})` : `CSR signing error: ${(error as Error).message}`);
      respondError(stream, { code: 3, message: `CSR signing error (${(error as Error).message})` });
    }
  };

  const handleAds = async (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, secure: boolean): Promise<void> => {
    let identities: string[] = [];
    if (secure) {
      const result = await authenticate(stream, headers);
      if ("failures" in result) {
        const line = xdsAuthnFailureLine(profile, peerOf(stream), result.failures);
        log.error(line.scope, line.message);
        respondError(stream, { code: 16, message: "authentication failure" });
        return;
      }
      identities = result.caller.identities;
    }
    stream.respond({ ":status": 200, "content-type": "application/json" });
    await o.discovery.serveStream({ stream, peer: peerOf(stream), identities: secure ? identities : undefined });
  };

  const onStream = (secure: boolean) => (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on("error", () => undefined);
    const path = headers[":path"];
    const work =
      path === CSR_PATH && secure
        ? handleCsr(stream, headers)
        : path === ADS_PATH
          ? handleAds(stream, headers, secure)
          : Promise.resolve(respondError(stream, { code: 12, message: `unknown service ${String(path)}` }));
    work.catch((error: Error) => {
      log.error("default", `request ${String(path)} failed: ${error.message}`);
      respondError(stream, { code: 13, message: error.message });
    });
  };

  const secure = http2.createSecureServer({ key: o.serving.keyPem, cert: o.serving.certPem, ca: o.ca.rootPem, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.2" });
  secure.on("stream", onStream(true));
  secure.on("sessionError", () => undefined);
  const plaintext = http2.createServer();
  plaintext.on("stream", onStream(false));
  const admin = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/ready") res.writeHead(o.ready() ? 200 : 503).end();
    else res.writeHead(404).end();
  });
  const monitoring = http.createServer((req, res) => {
    if ((req.url ?? "/").startsWith("/metrics")) res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(o.metrics());
    else res.writeHead(404).end();
  });
  const webhook = https.createServer({ key: o.serving.keyPem, cert: o.serving.certPem }, (_req, res) => res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n"));
  const servers: Array<http.Server | http2.Http2Server | http2.Http2SecureServer | https.Server> = [];
  const sessions = new Set<http2.Http2Session>();
  for (const s of [secure, plaintext]) s.on("session", (session: http2.Http2Session) => (sessions.add(session), session.once("close", () => sessions.delete(session))));
  for (const [server, port, what] of [
    [secure, ports.secure, "secure gRPC discovery service"],
    [plaintext, ports.plaintext, "gRPC discovery service"],
    [admin, ports.http, "Http service"],
    [monitoring, ports.monitoring, "monitoring"],
    [webhook, ports.webhook, "webhook service"],
  ] as const) {
    await listen(server, port);
    servers.push(server);
    if (what !== "monitoring") log.info("default", `starting ${what} at [::]:${port}`);
  }
  return {
    close: async () => {
      for (const s of sessions) s.destroy();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              if ("closeAllConnections" in s && typeof s.closeAllConnections === "function") s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
};
