// The OpenSSH client options every ssh and scp call of the runbook uses: the student's key only, no prompts, host keys
// accepted on first use into a known_hosts file the project owns and checked on every later connection.
import { isIP } from "node:net";
import { InputError } from "../errors.js";

/** Default seconds to wait for the TCP connection and the SSH banner. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** Where host keys are read from and written to. */
export interface KnownHostsPolicy {
  /** The project's known_hosts (SSH_KNOWN_HOSTS): new host keys are added here, and only here. */
  projectFile: string;
  /** Further known_hosts files that are only read (the student's ~/.ssh/known_hosts on a real VM). */
  readOnlyFiles?: readonly string[];
}

/** Options of sshClientOptions. */
export interface SshClientOptionsInput {
  keyPath: string;
  knownHosts: KnownHostsPolicy;
  connectTimeoutSeconds?: number;
}

/**
 * Escapes a path for an ssh_config value: `%` is a token character (`%%` is a literal one) and the whole value is
 * double-quoted so that spaces do not split it into several files; `"` cannot be represented and is refused.
 */
export const sshConfigPath = ({ value, name }: { value: string; name: string }): string => {
  if (value.includes('"') || /[\n\r]/.test(value)) {
    throw new InputError(
      `o caminho de ${name} (${JSON.stringify(value)}) contém aspas duplas ou quebra de linha, que o ssh não aceita em caminhos de configuração`,
      `use um caminho sem aspas nem quebras de linha em ${name}`,
      name,
    );
  }
  const escaped = value.replace(/%/g, "%%");
  return /\s/.test(escaped) ? `"${escaped}"` : escaped;
};

/** The `-i … -o …` options shared by ssh and scp, in a fixed order (the same for every call, so the transcript is stable). */
export const sshClientOptions = ({ keyPath, knownHosts, connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS }: SshClientOptionsInput): string[] => {
  if (!Number.isInteger(connectTimeoutSeconds) || connectTimeoutSeconds < 1 || connectTimeoutSeconds > 600) {
    throw new InputError(
      `o tempo limite de conexão ssh (${connectTimeoutSeconds}) não é um número inteiro de segundos entre 1 e 600`,
      "passe connectTimeoutSeconds como um inteiro, por exemplo 10",
    );
  }
  const files = [knownHosts.projectFile, ...(knownHosts.readOnlyFiles ?? [])].map((f) => sshConfigPath({ value: f, name: "SSH_KNOWN_HOSTS" }));
  return [
    // ssh checks a `-i` path literally but later %-expands it: a path with `%` must go through the config syntax.
    ...(keyPath.includes("%") ? ["-o", `IdentityFile=${sshConfigPath({ value: keyPath, name: "VM_PKEY_PATH" })}`] : ["-i", keyPath]),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=accept-new",
    "-o",
    `UserKnownHostsFile=${files.join(" ")}`,
    "-o",
    `ConnectTimeout=${connectTimeoutSeconds}`,
  ];
};

/** `user@host` for ssh. */
export const sshDestination = ({ user, host }: { user: string; host: string }): string => `${user}@${host}`;

/** `user@host:path` for scp (an IPv6 literal in brackets). */
export const scpDestination = ({ user, host, path }: { user: string; host: string; path: string }): string =>
  `${user}@${isIP(host) === 6 ? `[${host}]` : host}:${path}`;
