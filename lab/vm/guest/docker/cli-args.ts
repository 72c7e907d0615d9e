// Parses the docker CLI's arguments for the uses the course makes of Docker; anything else is refused with a
// Portuguese message that says what this VM's docker supports.

/** A parsed `docker run`. */
export interface RunArgs {
  detach: boolean;
  rm: boolean;
  publish: string[];
  hostname?: string;
  name?: string;
  env: string[];
  network?: string;
  image: string;
}

/** Thrown for arguments this docker does not support; the message is for the student. */
export class UnsupportedUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedUsageError";
  }
}

/** What this docker supports (for `docker --help` and errors). */
export const SUPPORTED = [
  "docker run [-d] [--rm] [-p PORTA_HOST:PORTA_CONTÊINER]... [--hostname NOME] [--name NOME] [-e CHAVE=VALOR]... [--network host] IMAGEM",
  "docker logs [-f] CONTÊINER",
  "docker stop CONTÊINER...",
  "docker ps [-a] [-q]",
  "docker rm [-f] CONTÊINER...",
  "docker images",
];

const unsupported = (what: string): UnsupportedUsageError =>
  new UnsupportedUsageError(
    `docker (laboratório): o docker desta VM do laboratório não suporta ${what}; ele executa só a imagem do curso ` +
      `(kdop/generic-service:0.0.5) com: ${SUPPORTED.join(" | ")} (veja docker --help)`,
  );

/** Parses the arguments after `run`. */
export const parseRunArgs = (argv: readonly string[]): RunArgs => {
  const args: RunArgs = { detach: false, rm: false, publish: [], env: [], image: "" };
  const valueOf = (flag: string, inline: string | undefined, i: number): [string, number] => {
    if (inline !== undefined) return [inline, i];
    const next = argv[i + 1];
    if (next === undefined) throw new UnsupportedUsageError(`docker: flag needs an argument: ${flag}\nSee 'docker run --help'.`);
    return [next, i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      args.image = arg;
      if (argv.length > i + 1) throw unsupported(`um comando depois da imagem (${argv.slice(i + 1).join(" ")})`);
      return args;
    }
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    let value: string;
    switch (flag) {
      case "-d":
      case "--detach":
        args.detach = true;
        break;
      case "--rm":
        args.rm = true;
        break;
      case "-p":
      case "--publish":
        [value, i] = valueOf(flag, inline, i);
        args.publish.push(value);
        break;
      case "-h":
      case "--hostname":
        [value, i] = valueOf(flag, inline, i);
        args.hostname = value;
        break;
      case "--name":
        [value, i] = valueOf(flag, inline, i);
        args.name = value;
        break;
      case "-e":
      case "--env":
        [value, i] = valueOf(flag, inline, i);
        args.env.push(value);
        break;
      case "--network":
      case "--net":
        [value, i] = valueOf(flag, inline, i);
        args.network = value;
        break;
      default:
        throw unsupported(`a opção ${flag}`);
    }
  }
  throw new UnsupportedUsageError(`"docker run" requires at least 1 argument.\nSee 'docker run --help'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image`);
};

/** A `-p` value as the Engine API's PortBindings entry: `H:C`, `IP:H:C`, with an optional `/tcp` or `/udp`. */
export const parsePublish = (spec: string): { key: string; hostIp: string; hostPort: string } => {
  const [ports, proto = "tcp"] = spec.split("/");
  const parts = (ports ?? "").split(":");
  if (!["tcp", "udp"].includes(proto) || parts.some((p) => p === "")) throw new UnsupportedUsageError(`docker: invalid publish opts format (should be name=value but got '${spec}').\nSee 'docker run --help'.`);
  if (parts.length === 1) throw unsupported(`publicar uma porta sem escolher a porta do host (-p ${spec}); use -p ${spec}:${spec}`);
  const [hostIp, hostPort, containerPort] = parts.length === 3 ? parts : ["", parts[0]!, parts[1]!];
  if (![hostPort, containerPort].every((p) => /^\d+$/.test(p ?? "") && Number(p) > 0 && Number(p) < 65536)) {
    throw new UnsupportedUsageError(`docker: Invalid hostPort: ${hostPort}.\nSee 'docker run --help'.`);
  }
  return { key: `${containerPort}/${proto}`, hostIp: hostIp ?? "", hostPort: hostPort! };
};
