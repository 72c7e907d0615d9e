// The course's legacy app runs in Docker on the VM: `docker run`, `docker logs`, `docker stop` and whether a container
// is running, with every option a separate, checked argument.
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import type { VmShell } from "./shell.js";

/** Options of dockerRun (the course: `docker run -d --rm -p 8000:8000 --hostname … --name … -e K=V … image`). */
export interface DockerRunOptions {
  image: string;
  name?: string;
  hostname?: string;
  /** Run in the background (-d; default true). */
  detach?: boolean;
  /** Remove the container when it stops (--rm; default true). */
  rm?: boolean;
  /** Published ports, e.g. ["8000:8000"]. */
  publish?: readonly string[];
  /** Environment variables (-e NAME=value), in the given order. */
  env?: Readonly<Record<string, string>>;
  /** --network, e.g. "host". */
  network?: string;
  /** Command and arguments after the image. */
  command?: readonly string[];
  /** Run docker under sudo (default false: the course's user is in the docker group). */
  sudo?: boolean;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IMAGE = /^[a-z0-9][a-z0-9._\/:@-]*$/;
const PUBLISH = /^((\d{1,3}\.){3}\d{1,3}:)?(\d{1,5}(-\d{1,5})?:)?\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a container name. */
const containerName = (name: string, what: string): string => {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new InputError(`${what}: "${name}" não é um nome de contêiner válido`, "use letras, dígitos, '_', '.' e '-', começando com letra ou dígito (por exemplo pegasus-pay)");
  }
  return name;
};

/** The argv of `docker run` for the options. */
export const dockerRunArgv = (o: DockerRunOptions): string[] => {
  if (typeof o.image !== "string" || !IMAGE.test(o.image)) {
    throw new InputError(`docker run: "${o.image}" não é uma referência de imagem válida`, "use repositório:tag, por exemplo kdop/generic-service:0.0.5");
  }
  for (const p of o.publish ?? []) {
    if (!PUBLISH.test(p)) throw new InputError(`docker run: porta publicada "${p}" inválida`, "use PORTA_HOST:PORTA_CONTÊINER, por exemplo 8000:8000");
  }
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new InputError(`docker run: "${k}" não é um nome de variável de ambiente válido`, "use letras, dígitos e '_', sem começar com dígito");
    if (typeof v !== "string" || v.includes("\0")) throw new InputError(`docker run: o valor de ${k} não é um texto válido`, "passe o valor como texto");
  }
  if (o.hostname !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(o.hostname)) {
    throw new InputError(`docker run: "${o.hostname}" não é um hostname válido`, "use letras, dígitos, '.' e '-'");
  }
  if (o.network !== undefined && !NAME.test(o.network)) throw new InputError(`docker run: rede "${o.network}" inválida`, "use, por exemplo, host ou bridge");
  return [
    "docker",
    "run",
    ...(o.detach ?? true ? ["-d"] : []),
    ...(o.rm ?? true ? ["--rm"] : []),
    ...(o.publish ?? []).flatMap((p) => ["-p", p]),
    ...(o.network !== undefined ? ["--network", o.network] : []),
    ...(o.hostname !== undefined ? ["--hostname", o.hostname] : []),
    ...(o.name !== undefined ? ["--name", containerName(o.name, "docker run")] : []),
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    o.image,
    ...(o.command ?? []),
  ];
};

/** Starts a container on the VM (`docker run …`). */
export const dockerRun = async (shell: VmShell, options: DockerRunOptions): Promise<CommandResult> =>
  shell.ssh({ argv: dockerRunArgv(options), sudo: options.sudo ?? false, timeoutMs: 300_000 });

/** A container's logs (`docker logs [--tail N] NAME`; stdout and stderr of the app together). */
export const dockerLogs = async (shell: VmShell, { name, tail, sudo = false }: { name: string; tail?: number; sudo?: boolean }): Promise<string> => {
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 1)) throw new InputError(`docker logs: tail ${tail} inválido`, "use um inteiro positivo");
  const result = await shell.ssh({ argv: ["docker", "logs", ...(tail !== undefined ? ["--tail", String(tail)] : []), containerName(name, "docker logs")], sudo });
  return result.output;
};

/** Stops a container (`docker stop NAME`). */
export const dockerStop = async (shell: VmShell, { name, sudo = false }: { name: string; sudo?: boolean }): Promise<CommandResult> =>
  shell.ssh({ argv: ["docker", "stop", containerName(name, "docker stop")], sudo, timeoutMs: 120_000 });

/** Whether a container is running (`docker inspect -f '{{.State.Running}}' NAME`; false when it does not exist). */
export const dockerIsRunning = async (shell: VmShell, { name, sudo = false }: { name: string; sudo?: boolean }): Promise<{ running: boolean; planned: boolean; result: CommandResult }> => {
  const result = await shell.ssh({ argv: ["docker", "inspect", "-f", "{{.State.Running}}", containerName(name, "docker inspect")], sudo, nothrow: true });
  shell.raiseIfNotAnswered(result);
  if (!result.ok && !/No such (object|container)/i.test(result.stderr)) throw result;
  return { running: result.ok && !result.planned && result.stdout.trim() === "true", planned: result.planned, result };
};
