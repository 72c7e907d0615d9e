// `dockerd` inside the lab VM: a stand-in for Docker's daemon that runs exactly the course's containers (the image
// kdop/generic-service:0.0.5) with Docker's real packet path (docker0, DOCKER nat chain, DNAT of published ports,
// userland proxy). Listens on /var/run/docker.sock (root:docker 0660), like the real one.
import { chmodSync, chownSync, closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { DOCKER_SOCKET, frame, type CreateBody } from "./docker/api.js";
import { Engine, EngineError } from "./docker/engine.js";
import { LOCAL_IMAGES, familiarName, findImage, parseReference } from "./docker/images.js";
import { setUpBridgeNetwork, type PortMapping } from "./docker/network.js";
import { logPathOf, parseLogChunk, type Container } from "./docker/store.js";
import { lookupGroup } from "./systemd/processes.js";

const engine = new Engine();

const send = (res: http.ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Api-Version": "1.41", Server: "Docker/20.10.21 (linux)" }).end(`${text}\n`);
};

const readBody = async (req: http.IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

const portBindings = (body: CreateBody): PortMapping[] =>
  Object.entries(body.HostConfig?.PortBindings ?? {}).flatMap(([key, bindings]) => {
    const [port, proto] = key.split("/");
    return bindings.map((b) => ({ hostIp: b.HostIp ?? "", hostPort: Number(b.HostPort || port), containerPort: Number(port), protocol: (proto === "udp" ? "udp" : "tcp") as "tcp" | "udp" }));
  });

/** What `docker ps` / GET /containers/json returns for a container. */
const summary = (c: Container) => ({
  Id: c.Id,
  Names: [c.Name],
  Image: c.Image,
  ImageID: c.ImageId,
  Command: c.Config.DisplayCommand,
  Created: Math.floor(new Date(c.Created).getTime() / 1000),
  State: c.State.Status,
  Status: c.State.Status,
  StartedAt: c.State.StartedAt,
  ExitCode: c.State.ExitCode,
  Ports: c.HostConfig.PortBindings.map((p) => ({ IP: p.hostIp || "0.0.0.0", PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol })),
  HostConfig: { NetworkMode: c.HostConfig.NetworkMode },
  NetworkSettings: { Networks: c.HostConfig.NetworkMode === "host" ? { host: {} } : { bridge: { IPAddress: c.NetworkSettings.IPAddress } } },
});

/** Streams a container's json-file log as multiplexed frames; with follow, until the container stops or the client leaves. */
const streamLogs = async (res: http.ServerResponse, c: Container, follow: boolean, wanted: Set<string>): Promise<void> => {
  res.writeHead(200, { "Content-Type": "application/vnd.docker.multiplexed-stream" });
  const file = logPathOf(c.Id);
  let position = 0;
  let rest = "";
  let closed = false;
  res.on("close", () => (closed = true));
  const pump = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= position) return;
    const fd = openSync(file, "r");
    const buffer = Buffer.alloc(size - position);
    readSync(fd, buffer, 0, buffer.length, position);
    closeSync(fd);
    position = size;
    const parsed = parseLogChunk(rest + buffer.toString("utf8"));
    rest = parsed.rest;
    for (const entry of parsed.entries) if (wanted.has(entry.stream)) res.write(frame(entry.stream, entry.log));
  };
  pump();
  while (follow && !closed && engine.isRunning(c.Id)) {
    await sleep(100);
    pump();
  }
  if (follow) pump();
  res.end();
};

const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? "/", "http://docker");
  const pathName = url.pathname.replace(/^\/v1\.\d+/, "");
  const method = req.method ?? "GET";
  const q = url.searchParams;
  const truthy = (k: string) => ["1", "true", "True"].includes(q.get(k) ?? "");
  let m: RegExpExecArray | null;
  if (pathName === "/_ping") {
    res.writeHead(200, { "Content-Type": "text/plain", "Api-Version": "1.41" }).end("OK");
  } else if (method === "GET" && pathName === "/version") {
    send(res, 200, { Version: "20.10.21", ApiVersion: "1.41", Os: "linux", Arch: "amd64", Components: [{ Name: "Engine (lab stand-in)", Version: "20.10.21" }] });
  } else if (method === "GET" && pathName === "/images/json") {
    send(res, 200, LOCAL_IMAGES.map((i) => ({ Id: i.id, RepoTags: [`${i.repository}:${i.tag}`], Created: Math.floor(new Date(i.created).getTime() / 1000), Size: i.sizeBytes })));
  } else if (method === "POST" && pathName === "/images/create") {
    const reference = `${q.get("fromImage") ?? ""}${q.get("tag") ? `:${q.get("tag")}` : ""}`;
    if (findImage(reference)) {
      const { tag } = parseReference(reference);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(`${JSON.stringify({ status: `Pulling from ${parseReference(reference).repository}`, id: tag })}\n${JSON.stringify({ status: `Status: Image is up to date for ${familiarName(reference)}` })}\n`);
    } else {
      const { repository } = parseReference(reference);
      send(res, 404, { message: `pull access denied for ${repository}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied` });
    }
  } else if (method === "GET" && pathName === "/containers/json") {
    send(res, 200, engine.list(truthy("all")).map(summary));
  } else if (method === "POST" && pathName === "/containers/create") {
    const body = JSON.parse((await readBody(req)) || "{}") as CreateBody;
    const mode = body.HostConfig?.NetworkMode ?? "default";
    if (!["default", "bridge", "host"].includes(mode)) {
      throw new EngineError(404, `network ${mode} not found`);
    }
    const { container, warnings } = engine.create({
      name: q.get("name") ?? undefined,
      image: body.Image,
      hostname: body.Hostname || undefined,
      env: body.Env ?? [],
      autoRemove: body.HostConfig?.AutoRemove ?? false,
      networkMode: mode === "host" ? "host" : "default",
      ports: portBindings(body),
    });
    send(res, 201, { Id: container.Id, Warnings: warnings });
  } else if ((m = /^\/containers\/([^/]+)\/start$/.exec(pathName)) && method === "POST") {
    await engine.start(decodeURIComponent(m[1]!));
    send(res, 204);
  } else if ((m = /^\/containers\/([^/]+)\/stop$/.exec(pathName)) && method === "POST") {
    const c = engine.find(decodeURIComponent(m[1]!));
    if (!c.State.Running) return send(res, 304);
    await engine.stop(c.Id, Number(q.get("t") ?? 10));
    send(res, 204);
  } else if ((m = /^\/containers\/([^/]+)\/wait$/.exec(pathName)) && method === "POST") {
    send(res, 200, { StatusCode: await engine.wait(decodeURIComponent(m[1]!)) });
  } else if ((m = /^\/containers\/([^/]+)\/json$/.exec(pathName)) && method === "GET") {
    send(res, 200, engine.find(decodeURIComponent(m[1]!)));
  } else if ((m = /^\/containers\/([^/]+)\/logs$/.exec(pathName)) && method === "GET") {
    const c = engine.find(decodeURIComponent(m[1]!));
    const wanted = new Set([...(truthy("stdout") ? ["stdout"] : []), ...(truthy("stderr") ? ["stderr"] : [])]);
    await streamLogs(res, c, truthy("follow"), wanted);
  } else if ((m = /^\/containers\/([^/]+)$/.exec(pathName)) && method === "DELETE") {
    await engine.remove(decodeURIComponent(m[1]!), truthy("force"));
    send(res, 204);
  } else {
    send(res, 404, { message: `page not found` });
  }
};

const server = http.createServer((req, res) => {
  route(req, res).catch((error: unknown) => {
    if (res.headersSent) return res.end();
    if (error instanceof EngineError) send(res, error.status, { message: error.message });
    else send(res, 500, { message: (error as Error).message });
  });
});

const shutdown = async () => {
  server.close();
  await engine.stopAll();
  rmSync(DOCKER_SOCKET, { force: true });
  process.exit(0);
};

setUpBridgeNetwork();
engine.load();
rmSync(DOCKER_SOCKET, { force: true });
await new Promise<void>((resolve) => server.listen(DOCKER_SOCKET, resolve));
chownSync(DOCKER_SOCKET, 0, lookupGroup("docker") ?? 0);
chmodSync(DOCKER_SOCKET, 0o660);
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
process.stderr.write(`time="${new Date().toISOString()}" level=info msg="API listen on ${DOCKER_SOCKET}"\n`);
