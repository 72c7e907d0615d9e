// The course's legacy app runs in Docker on the VM: `docker run`, `docker logs`, `docker stop` and whether a container
// is running, with every option a separate, checked argument. Only the forms the course uses (which the lab's docker
// stand-in also accepts): no --format, --tail or inspect.
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
  /** Remove a container of the same name first (`docker rm -f NAME`), so that re-running the step starts it afresh. */
  replace?: boolean;
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
    ...(o.hostname !== undefined ? ["--hostname", o.hostname] : []),
    ...(o.name !== undefined ? ["--name", containerName(o.name, "docker run")] : []),
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...(o.network !== undefined ? ["--network", o.network] : []),
    o.image,
    ...(o.command ?? []),
  ];
};

/** Starts a container on the VM (`docker run …`); with `replace`, removes one of the same name first. */
export const dockerRun = async (shell: VmShell, options: DockerRunOptions): Promise<CommandResult> => {
  const argv = dockerRunArgv(options);
  if (options.replace) {
    if (options.name === undefined) throw new InputError("docker run: replace precisa de name", "passe name (o contêiner a substituir), por exemplo pegasus-pay");
    await dockerRemove(shell, { name: options.name, ...(options.sudo !== undefined ? { sudo: options.sudo } : {}) });
  }
  return shell.ssh({ argv, sudo: options.sudo ?? false, timeoutMs: 300_000 });
};

/** Removes a container, running or not (`docker rm -f NAME`); a missing one is not an error. */
export const dockerRemove = async (shell: VmShell, { name, sudo = false }: { name: string; sudo?: boolean }): Promise<{ removed: boolean; result: CommandResult }> => {
  const result = await shell.ssh({ argv: ["docker", "rm", "-f", containerName(name, "docker rm")], sudo, nothrow: true });
  shell.raiseIfNotAnswered(result);
  if (!result.ok && !/No such container/i.test(result.stderr)) {
    shell.session.reportFailure(result);
    throw result;
  }
  return { removed: result.ok && !result.planned, result };
};

/** A container's logs (`docker logs NAME`; the app's stdout and stderr together), the last `tail` lines when given. */
export const dockerLogs = async (shell: VmShell, { name, tail, sudo = false }: { name: string; tail?: number; sudo?: boolean }): Promise<string> => {
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 1)) throw new InputError(`docker logs: tail ${tail} inválido`, "use um inteiro positivo");
  // The course's `docker logs NAME`; the tail is cut here (the lab's docker, like the course, has no --tail).
  const result = await shell.ssh({ argv: ["docker", "logs", containerName(name, "docker logs")], sudo });
  const text = result.output;
  if (tail === undefined) return text;
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.length <= tail ? text : `${lines.slice(-tail).join("\n")}\n`;
};

/** Stops a container (`docker stop NAME`). */
export const dockerStop = async (shell: VmShell, { name, sudo = false }: { name: string; sudo?: boolean }): Promise<CommandResult> =>
  shell.ssh({ argv: ["docker", "stop", containerName(name, "docker stop")], sudo, timeoutMs: 120_000 });

/** Names of the running containers, from `docker ps` (its last column, NAMES). */
export const runningContainers = ({ table }: { table: string }): string[] =>
  table
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .flatMap((line) => (line.trim().split(/\s+/).at(-1) ?? "").split(","));

/** Whether a container is running on the VM (`docker ps`, as a student would look). */
export const dockerIsRunning = async (shell: VmShell, { name, sudo = false }: { name: string; sudo?: boolean }): Promise<{ running: boolean; planned: boolean; result: CommandResult }> => {
  const wanted = containerName(name, "docker ps");
  const result = await shell.ssh({ argv: ["docker", "ps"], sudo });
  return { running: !result.planned && runningContainers({ table: result.stdout }).includes(wanted), planned: result.planned, result };
};
