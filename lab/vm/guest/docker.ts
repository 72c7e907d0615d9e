// `docker` inside the lab VM: the CLI half of the Docker stand-in. Talks to the lab's dockerd over
// /var/run/docker.sock with Docker's Engine API and prints what Docker prints, for the course's uses: run, logs, stop,
// ps, rm (and images). Anything else is refused in Portuguese, naming what is supported.
import http from "node:http";
import { API_VERSION, DOCKER_SOCKET, readFrames, type CreateBody } from "./docker/api.js";
import { parsePublish, parseRunArgs, SUPPORTED, UnsupportedUsageError } from "./docker/cli-args.js";
import { columns, ellipsis, humanDuration } from "./docker/format.js";
import { familiarName, parseReference } from "./docker/images.js";

interface Reply {
  status: number;
  body: string;
}

class DaemonUnreachable extends Error {}

/** One API call; resolves with status and body. */
const call = (method: string, path: string, body?: unknown): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = http.request({ socketPath: DOCKER_SOCKET, path: `/${API_VERSION}${path}`, method, headers: { "Content-Type": "application/json", Host: "docker" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      const url = `http://%2Fvar%2Frun%2Fdocker.sock/${API_VERSION}${path.split("?")[0]}`;
      const verb = method === "GET" ? "Get" : method === "DELETE" ? "Delete" : "Post";
      reject(
        new DaemonUnreachable(
          error.code === "EACCES"
            ? `permission denied while trying to connect to the Docker daemon socket at unix://${DOCKER_SOCKET}: ${verb} "${url}": dial unix ${DOCKER_SOCKET}: connect: permission denied`
            : `Cannot connect to the Docker daemon at unix://${DOCKER_SOCKET}. Is the docker daemon running?`,
        ),
      );
    });
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });

const message = (reply: Reply): string => {
  try {
    return (JSON.parse(reply.body) as { message?: string }).message ?? reply.body.trim();
  } catch {
    return reply.body.trim();
  }
};

/** Like the docker CLI's reportError: exactly one final period. */
const sentence = (text: string): string => `${text.replace(/\.$/, "")}.`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const HELP = [
  "",
  "Usage:  docker [OPTIONS] COMMAND",
  "",
  "Docker do laboratório: o daemon e o CLI desta VM são substitutos do Docker feitos pelo laboratório offline.",
  "Eles executam apenas a imagem do curso (kdop/generic-service:0.0.5) com o caminho de rede real do Docker",
  "(bridge docker0, cadeia DOCKER do iptables, DNAT das portas publicadas). Usos suportados:",
  "",
  ...SUPPORTED.map((s) => `  ${s}`),
  "",
].join("\n");

/** Follows a container's logs (multiplexed frames → stdout/stderr) until the stream ends. */
const followLogs = (ref: string, follow: boolean): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: DOCKER_SOCKET, path: `/${API_VERSION}/containers/${encodeURIComponent(ref)}/logs?stdout=1&stderr=1${follow ? "&follow=1" : ""}`, method: "GET", headers: { Host: "docker" } },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            err(`Error response from daemon: ${message({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })}`);
            resolve(1);
          });
          return;
        }
        let pending: Buffer = Buffer.alloc(0);
        res.on("data", (chunk: Buffer) => {
          const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
          pending = rest;
          for (const f of frames) (f.stream === "stdout" ? process.stdout : process.stderr).write(f.payload);
        });
        res.on("end", () => resolve(0));
      },
    );
    req.on("error", () => reject(new DaemonUnreachable(`Cannot connect to the Docker daemon at unix://${DOCKER_SOCKET}. Is the docker daemon running?`)));
    req.end();
  });

const run = async (argv: string[]): Promise<number> => {
  const args = parseRunArgs(argv);
  const bindings: NonNullable<NonNullable<CreateBody["HostConfig"]>["PortBindings"]> = {};
  for (const spec of args.publish) {
    const { key, hostIp, hostPort } = parsePublish(spec);
    bindings[key] = [...(bindings[key] ?? []), { HostIp: hostIp, HostPort: hostPort }];
  }
  if (args.network && !["host", "bridge", "default"].includes(args.network)) {
    throw new UnsupportedUsageError(
      `docker (laboratório): a rede "${args.network}" não existe nesta VM; use a rede padrão (sem --network) ou --network host (veja docker --help)`,
    );
  }
  const env = args.env.map((e) => (e.includes("=") ? e : process.env[e] !== undefined ? `${e}=${process.env[e]}` : e)).filter((e) => e.includes("="));
  const body: CreateBody = {
    Image: args.image,
    Hostname: args.hostname,
    Env: env,
    HostConfig: { AutoRemove: args.rm, NetworkMode: args.network === "host" ? "host" : "default", PortBindings: bindings },
  };
  const name = args.name ? `?name=${encodeURIComponent(args.name)}` : "";
  let created = await call("POST", `/containers/create${name}`, body);
  if (created.status === 404 && message(created).startsWith("No such image")) {
    err(`Unable to find image '${familiarName(args.image)}' locally`);
    const { repository, tag } = parseReference(args.image);
    const pulled = await call("POST", `/images/create?fromImage=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`);
    if (pulled.status !== 200) {
      err(`docker: Error response from daemon: ${sentence(message(pulled))}`);
      err("See 'docker run --help'.");
      return 125;
    }
    created = await call("POST", `/containers/create${name}`, body);
  }
  if (created.status !== 201) {
    err(`docker: Error response from daemon: ${sentence(message(created))}`);
    err("See 'docker run --help'.");
    return 125;
  }
  const { Id: id, Warnings: warnings } = JSON.parse(created.body) as { Id: string; Warnings: string[] };
  for (const w of warnings ?? []) err(`WARNING: ${w}`);
  const started = await call("POST", `/containers/${id}/start`);
  if (started.status !== 204 && started.status !== 304) {
    err(`docker: Error response from daemon: ${sentence(message(started))}`);
    return 125;
  }
  if (args.detach) {
    out(id);
    return 0;
  }
  process.on("SIGINT", () => void call("POST", `/containers/${id}/stop?t=10`));
  process.on("SIGTERM", () => void call("POST", `/containers/${id}/stop?t=10`));
  const waited = call("POST", `/containers/${id}/wait`);
  await followLogs(id, true);
  const { StatusCode } = JSON.parse((await waited).body) as { StatusCode: number };
  return StatusCode;
};

const ps = async (argv: string[]): Promise<number> => {
  const bad = argv.find((a) => !["-a", "--all", "-q", "--quiet", "-aq", "-qa"].includes(a));
  if (bad) throw new UnsupportedUsageError(`docker (laboratório): a opção ${bad} de "docker ps" não é suportada; use docker ps [-a] [-q] (veja docker --help)`);
  const all = argv.some((a) => a.includes("a"));
  const quiet = argv.some((a) => a.includes("q"));
  const reply = await call("GET", `/containers/json${all ? "?all=1" : ""}`);
  const list = JSON.parse(reply.body) as Array<{ Id: string; Names: string[]; Image: string; Command: string; Created: number; State: string; StartedAt: string; ExitCode: number; Ports: Array<{ IP: string; PrivatePort: number; PublicPort: number; Type: string }> }>;
  if (quiet) {
    for (const c of list) out(c.Id.slice(0, 12));
    return 0;
  }
  const now = Date.now();
  const rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]];
  for (const c of list) {
    const status = c.State === "running" ? `Up ${humanDuration(now - new Date(c.StartedAt).getTime())}` : c.State === "created" ? "Created" : `Exited (${c.ExitCode})`;
    const ports = c.State === "running" ? c.Ports.map((p) => `${p.IP}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`).join(", ") : "";
    rows.push([c.Id.slice(0, 12), c.Image, `"${ellipsis(c.Command, 20)}"`, `${humanDuration(now - c.Created * 1000)} ago`, status, ports, c.Names.map((n) => n.replace(/^\//, "")).join(",")]);
  }
  for (const line of columns(rows)) out(line);
  return 0;
};

const eachContainer = async (argv: string[], verb: string, request: (ref: string) => Promise<Reply>): Promise<number> => {
  const refs = argv.filter((a) => !a.startsWith("-"));
  if (refs.length === 0) {
    err(`"docker ${verb}" requires at least 1 argument.\nSee 'docker ${verb} --help'.`);
    return 1;
  }
  let code = 0;
  for (const ref of refs) {
    const reply = await request(ref);
    if (reply.status >= 200 && reply.status < 400) out(ref);
    else {
      err(`Error response from daemon: ${message(reply)}`);
      code = 1;
    }
  }
  return code;
};

const images = async (): Promise<number> => {
  const list = JSON.parse((await call("GET", "/images/json")).body) as Array<{ Id: string; RepoTags: string[]; Created: number; Size: number }>;
  const rows = [["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]];
  for (const i of list) {
    const [repo, tag] = (i.RepoTags[0] ?? "<none>:<none>").split(":");
    rows.push([repo ?? "", tag ?? "", i.Id.replace("sha256:", "").slice(0, 12), `${humanDuration(Date.now() - i.Created * 1000)} ago`, `${(i.Size / 1e9).toFixed(2)}GB`]);
  }
  for (const line of columns(rows)) out(line);
  return 0;
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    out(HELP);
    return 0;
  }
  if (rest.includes("--help")) {
    out(HELP);
    return 0;
  }
  switch (command) {
    case "run":
      return run(rest);
    case "ps":
      return ps(rest);
    case "logs": {
      const bad = rest.find((a) => a.startsWith("-") && a !== "-f" && a !== "--follow");
      if (bad) throw new UnsupportedUsageError(`docker (laboratório): a opção ${bad} de "docker logs" não é suportada; use docker logs [-f] CONTÊINER (veja docker --help)`);
      const refs = rest.filter((a) => !a.startsWith("-"));
      if (refs.length !== 1) {
        err(`"docker logs" requires exactly 1 argument.\nSee 'docker logs --help'.`);
        return 1;
      }
      process.on("SIGINT", () => process.exit(0));
      return followLogs(refs[0]!, rest.includes("-f") || rest.includes("--follow"));
    }
    case "stop":
      return eachContainer(rest, "stop", (ref) => call("POST", `/containers/${encodeURIComponent(ref)}/stop?t=10`));
    case "rm": {
      const bad = rest.find((a) => a.startsWith("-") && a !== "-f" && a !== "--force");
      if (bad) throw new UnsupportedUsageError(`docker (laboratório): a opção ${bad} de "docker rm" não é suportada; use docker rm [-f] CONTÊINER (veja docker --help)`);
      const force = rest.includes("-f") || rest.includes("--force");
      return eachContainer(rest, "rm", (ref) => call("DELETE", `/containers/${encodeURIComponent(ref)}${force ? "?force=1" : ""}`));
    }
    case "images":
      return images();
    default:
      throw new UnsupportedUsageError(
        `docker (laboratório): o comando "docker ${command}" não é suportado pelo docker desta VM; use: ${SUPPORTED.join(" | ")} (veja docker --help)`,
      );
  }
};

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UnsupportedUsageError) {
    err(error.message);
    process.exitCode = process.argv[2] === "run" ? 125 : 1;
  } else if (error instanceof DaemonUnreachable) {
    err(process.argv[2] === "run" ? `docker: ${error.message}.\nSee 'docker run --help'.` : error.message);
    process.exitCode = process.argv[2] === "run" ? 125 : 1;
  } else throw error;
}
