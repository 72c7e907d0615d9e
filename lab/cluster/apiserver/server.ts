// The API server: HTTPS listeners (the lab gateway:6443 and loopback), bearer-token authentication, the
// non-resource endpoints (/version, health, discovery, OpenAPI, OIDC) and the resource handlers, plus WebSocket
// upgrades for pods/exec.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ExecBackend, LogBackend } from "../contracts.js";
import { ApiError } from "../contracts.js";
import type { Registry } from "../registry/registry.js";
import type { UserInfo } from "../registry/request.js";
import { unauthorized } from "../store/errors.js";
import { Authenticator } from "./authn.js";
import { aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from "./discovery.js";
import { ExecServer } from "./exec.js";
import type { HandlerContext } from "./handlers/context.js";
import { handleResource } from "./handlers/resources.js";
import { negotiate, parseAccept, sendError, sendObject, sendText } from "./http.js";
import { OpenApiService } from "./openapi.js";
import type { ClusterPki } from "./pki.js";
import { requestInfo } from "./request-info.js";
import { defaultIssuer, jwks, openIdConfiguration } from "./tokens.js";

/** The Kubernetes version the stand-in reports (the kubectl it is tested with is 1.33). */
export const serverVersion = {
  major: "1",
  minor: "33",
  gitVersion: "v1.33.9+lab",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.24.0",
  compiler: "gc",
  platform: "linux/amd64",
};

/** Options of startApiServer. */
export interface ApiServerOptions {
  registry: Registry;
  pki: ClusterPki;
  /** Addresses to listen on (port 0 = any free port). */
  listen: Array<{ host: string; port: number }>;
  issuer?: string;
  exec?: () => ExecBackend | undefined;
  logs?: () => LogBackend | undefined;
  bookmarkIntervalMs?: number;
  defaultWatchSeconds?: number;
  /** One line per request (method, path, code, user, duration). */
  log?: (line: string) => void;
}

/** A running API server. */
export interface RunningApiServer {
  /** `https://host:port` of each listener, in the order given. */
  urls: string[];
  authenticator: Authenticator;
  openapi: OpenApiService;
  /** Stops accepting requests, ends watches and exec sessions, closes the listeners. */
  close(): Promise<void>;
}

const anonymousPaths = new Set(["/version", "/healthz", "/livez", "/readyz", "/.well-known/openid-configuration", "/openid/v1/jwks"]);

const healthChecks = ["ping", "log", "etcd", "poststarthook/start-apiextensions-controllers", "poststarthook/crd-informer-synced"];

/** Starts the API server. */
export const startApiServer = async (options: ApiServerOptions): Promise<RunningApiServer> => {
  const issuer = options.issuer ?? defaultIssuer;
  const { registry, pki } = options;
  const authenticator = new Authenticator({ adminToken: pki.adminToken, saPublicKey: pki.saPublicKey, issuer, store: registry.store });
  const openapi = new OpenApiService(registry.catalog, serverVersion.gitVersion);
  const streams = new Set<() => void>();
  let shuttingDown = false;
  const first = options.listen[0] ?? { host: "127.0.0.1", port: 0 };
  const context: HandlerContext = {
    registry,
    authenticator,
    openapi,
    exec: options.exec ?? (() => undefined),
    logs: options.logs ?? (() => undefined),
    saKey: pki.saKey,
    saPublicKey: pki.saPublicKey,
    issuer,
    serverAddress: `${first.host}:${first.port}`,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    defaultWatchSeconds: options.defaultWatchSeconds ?? 1800,
    shuttingDown: () => shuttingDown,
    trackStream: (end) => {
      streams.add(end);
      return () => streams.delete(end);
    },
  };
  const execServer = new ExecServer(context);
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "https://lab");
    let user: UserInfo | undefined;
    try {
      const auth = authenticator.authenticateHeader(req.headers.authorization);
      if (auth && !auth.ok) throw unauthorized();
      user = auth?.ok ? auth.user : undefined;
      if (!user && !anonymousPaths.has(url.pathname)) throw unauthorized();
      await route(context, req, res, url, user ?? { username: "system:anonymous", groups: ["system:unauthenticated"] });
    } catch (error) {
      sendError(res, error);
    } finally {
      options.log?.(`${req.method} ${url.pathname}${url.search} ${res.statusCode} ${user?.username ?? "anonymous"} ${Date.now() - started}ms`);
    }
  };

  const servers: Server[] = [];
  const urls: string[] = [];
  for (const address of options.listen) {
    const server = createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert });
    // Keep idle connections open longer than clients do (Node's agents drop idle sockets after 5 s, Go's after 90 s),
    // as kube-apiserver does: with Node's default 5 s the server sometimes closed a socket just as a client reused
    // it, and the client's next request failed with ECONNRESET.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void handle(req, res));
    server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => void execServer.handleUpgrade(req, socket, head));
    server.on("secureConnection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address.port, address.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    urls.push(`https://${address.host.includes(":") ? `[${address.host}]` : address.host}:${port}`);
    servers.push(server);
  }
  context.serverAddress = urls[0]!.replace(/^https:\/\//, "");

  return {
    urls,
    authenticator,
    openapi,
    close: async () => {
      shuttingDown = true;
      for (const end of [...streams]) end();
      execServer.closeAll();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              for (const socket of sockets) socket.destroy();
            }),
        ),
      );
    },
  };
};

const route = async (context: HandlerContext, req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo): Promise<void> => {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  const catalog = context.registry.catalog;
  if (path === "/version") return sendObject(res, 200, serverVersion);
  if (path === "/healthz" || path === "/livez" || path === "/readyz" || /^\/(healthz|livez|readyz)\//.test(path)) {
    const ready = !(path.startsWith("/readyz") && context.shuttingDown());
    if (url.searchParams.has("verbose")) {
      const lines = healthChecks.map((c) => `[+]${c} ok`);
      if (path.startsWith("/readyz")) lines.push(ready ? "[+]shutdown ok" : "[-]shutdown failed: reason withheld");
      const kind = path.slice(1).split("/")[0];
      return sendText(res, ready ? 200 : 500, `${lines.join("\n")}\n${kind} check ${ready ? "passed" : "failed"}\n`);
    }
    return sendText(res, ready ? 200 : 500, ready ? "ok" : "[-]shutdown failed: reason withheld\nreadyz check failed\n");
  }
  if (path === "/.well-known/openid-configuration") return sendObject(res, 200, openIdConfiguration(context.issuer));
  if (path === "/openid/v1/jwks") return sendObject(res, 200, jwks(context.saPublicKey), { contentType: "application/jwk-set+json" });
  if (path === "/openapi/v3") return sendObject(res, 200, context.openapi.index());
  if (path.startsWith("/openapi/v3/")) {
    const doc = context.openapi.document(path.slice("/openapi/v3/".length));
    if (!doc) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    const immutable = url.searchParams.get("hash") === doc.hash;
    res.writeHead(200, { "Content-Type": "application/json", ETag: `"${doc.hash}"`, "Cache-Control": immutable ? "public, immutable" : "no-cache, private", Expires: immutable ? new Date(Date.now() + 365 * 86400_000).toUTCString() : "0" });
    res.end(doc.body);
    return;
  }
  if (path === "/openapi/v2") {
    const wantsJson = parseAccept(req.headers.accept).some((m) => m.type === "application/json" || m.type === "*/*");
    if (!wantsJson) throw new ApiError(406, "NotAcceptable", "the lab's API server serves /openapi/v2 as application/json only (use /openapi/v3)");
    return sendObject(res, 200, context.openapi.swagger());
  }
  if (path === "/api" || path === "/apis") {
    const n = negotiate(req.headers.accept, { allowDiscovery: true });
    if (n.discovery) {
      return sendObject(res, 200, aggregatedDiscovery(catalog, path === "/api", `apidiscovery.k8s.io/${n.discovery}`), {
        contentType: `application/json;g=apidiscovery.k8s.io;v=${n.discovery};as=APIGroupDiscoveryList`,
        headers: { Vary: "Accept" },
      });
    }
    return sendObject(res, 200, path === "/api" ? apiVersions(context.serverAddress) : apiGroupList(catalog), { format: n.format, headers: { Vary: "Accept" } });
  }
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "api" && parts.length === 2) {
    const list = apiResourceList(catalog, "", parts[1]!);
    if (!list) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return sendObject(res, 200, list, { format: negotiate(req.headers.accept).format });
  }
  if (parts[0] === "apis" && parts.length === 2) {
    const group = apiGroupDocument(catalog, parts[1]!);
    if (!group) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return sendObject(res, 200, group, { format: negotiate(req.headers.accept).format });
  }
  if (parts[0] === "apis" && parts.length === 3) {
    const list = apiResourceList(catalog, parts[1]!, parts[2]!);
    if (!list) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return sendObject(res, 200, list, { format: negotiate(req.headers.accept).format });
  }
  const info = requestInfo(method, url.pathname, url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1");
  if (!info.isResourceRequest) {
    if (parts[0] === "api" || parts[0] === "apis") throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return sendText(res, 404, "404 page not found\n");
  }
  if (info.verb === "connect" && info.subresource !== "exec") throw new ApiError(404, "NotFound", `the lab's API server does not support ${info.resource}/${info.subresource}`);
  await handleResource(context, req, res, info, user, url.searchParams);
};
