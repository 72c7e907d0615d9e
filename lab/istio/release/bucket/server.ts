// The release bucket stand-in: an HTTP server on the lab gateway that serves the sidecar packages the lab builds
// (`<root>/<version>/istio-sidecar.deb`, from lab/istio/package) under Google Cloud Storage's URL layout, with GCS's
// XML errors (NoSuchKey, NoSuchBucket) for anything it does not have.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseBucketPath, type PackageRequest } from "./layout.js";

/** Options of startBucketServer. */
export interface BucketServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** Folders holding `<version>/<package file>`, searched in order. */
  roots: readonly string[];
  /** One line per request (access log). */
  log?: (line: string) => void;
}

/** A running bucket server. */
export interface BucketServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const XML = "application/xml; charset=UTF-8";

/** GCS's error document. */
const gcsError = (code: string, message: string, details?: string): string =>
  `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>${details !== undefined ? `<Details>${details}</Details>` : ""}</Error>`;

/** The first existing package file for a request, or undefined. */
const findPackage = async (roots: readonly string[], request: PackageRequest): Promise<{ file: string; size: number; mtime: Date } | undefined> => {
  for (const root of roots) {
    const file = path.join(root, request.version, request.file);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return { file, size: info.size, mtime: info.mtime };
  }
  return undefined;
};

/** `sha256sum` output for a file: the `.sha256` written beside it, or computed. */
const checksumOf = async (file: string, name: string): Promise<string> => {
  const beside = await readFile(`${file}.sha256`, "utf8").catch(() => undefined);
  if (beside !== undefined) return beside;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `${hash.digest("hex")}  ${name}\n`;
};

/** Answers one request. */
const answer = async (roots: readonly string[], req: http.IncomingMessage, res: http.ServerResponse): Promise<number> => {
  const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": type, "Content-Length": String(Buffer.byteLength(body)), ...headers });
    res.end(req.method === "HEAD" ? undefined : body);
    return status;
  };
  if (req.method !== "GET" && req.method !== "HEAD") return send(405, XML, gcsError("MethodNotAllowed", "The specified method is not allowed against this resource."), { Allow: "GET, HEAD" });
  const parsed = parseBucketPath(req.url ?? "/");
  if (parsed.kind === "no-bucket") return send(404, XML, gcsError("NoSuchBucket", "The specified bucket does not exist."));
  const missing = () => send(404, XML, gcsError("NoSuchKey", "The specified key does not exist.", `No such object: istio-release/${parsed.object}`));
  if (parsed.kind === "object") return missing();
  const found = await findPackage(roots, parsed.request);
  if (!found) return missing();
  if (parsed.request.checksum) return send(200, "text/plain", await checksumOf(found.file, parsed.request.file), { "Last-Modified": found.mtime.toUTCString() });
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(found.size), "Last-Modified": found.mtime.toUTCString(), "Accept-Ranges": "none" });
  if (req.method === "HEAD") {
    res.end();
    return 200;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(found.file);
    stream.once("error", reject);
    res.once("close", () => resolve());
    stream.pipe(res);
  });
  return 200;
};

/** Starts the server; resolves once it listens. */
export const startBucketServer = async ({ host, port, roots, log = () => {} }: BucketServerOptions): Promise<BucketServer> => {
  const server = http.createServer((req, res) => {
    answer(roots, req, res).then(
      (status) => log(`${req.socket.remoteAddress ?? "-"} ${req.method} ${req.url} ${status}`),
      (error: unknown) => {
        log(`${req.method} ${req.url} failed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": XML });
        res.end(gcsError("InternalError", "We encountered an internal error. Please try again."));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    host,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
