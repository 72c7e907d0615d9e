// The VM's remote shell over the OpenSSH client: every command on the VM (and every copy to it) goes through here and
// through the session's one execution seam, with the same checked connection options, and comes back classified when
// ssh, sudo or the remote shell say why it failed.
import { existsSync, mkdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../errors.js";
import { quote as quoteWord } from "../run/quote.js";
import { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";
import { VmError, classifyVmFailure, explainVmFailure, type VmFailureContext } from "./failure.js";
import { inspectPrivateKey, type PrivateKeyInfo } from "./key-file.js";
import { remoteCommandLine, sshVmDisplay } from "./remote-command.js";
import { scpDestination, sshClientOptions, sshDestination, DEFAULT_CONNECT_TIMEOUT_SECONDS } from "./ssh-options.js";

/** ssh's notice when it trusts a new host key (accept-new). */
const FIRST_CONTACT = /^Warning: Permanently added '([^']+)' \(([^)]+)\) to the list of known hosts\.\r?\n/m;

/** How the runbook reaches the VM. */
export interface VmShellOptions {
  session: Session;
  /** Seconds to wait for the TCP connection and the SSH banner (default 10). */
  connectTimeoutSeconds?: number;
  /**
   * known_hosts files trusted read-only besides SSH_KNOWN_HOSTS. Default: the student's ~/.ssh/known_hosts when
   * TARGET=cluster (a key the student already verified keeps protecting the connection), none for the lab (whose VM
   * is recreated with new host keys on reset, which would otherwise trip over a stale entry the runbook must not edit).
   */
  trustedKnownHosts?: readonly string[];
}

/** One command for the VM. */
export interface SshCommand {
  /** The remote program and its arguments; each element arrives as exactly one argument. */
  argv: readonly string[];
  /** Run under `sudo -n` (never prompts; fails with a diagnosis when the user has no passwordless sudo). */
  sudo?: boolean;
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Return a failed result (classified as a VmError when the reason is known) instead of throwing it. */
  nothrow?: boolean;
  /** Do not stream output events. */
  quiet?: boolean;
  /** Values to mask in everything this command shows. */
  secrets?: readonly string[];
  signal?: AbortSignal;
  step?: string;
}

/** One scp upload. */
export interface ScpUpload {
  /** Absolute local paths of regular files. */
  sources: readonly string[];
  /** Remote destination (a folder or a file name). */
  dest: string;
  /** How the sources are shown (e.g. `bkp/vmintegration/*`); default: the paths. */
  displaySources?: readonly string[];
  timeoutMs?: number;
  nothrow?: boolean;
  step?: string;
  signal?: AbortSignal;
}

/** The remote shell of the VM. */
export class VmShell {
  readonly session: Session;
  readonly #connectTimeoutSeconds: number;
  readonly #trustedKnownHosts: readonly string[] | undefined;

  constructor({ session, connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS, trustedKnownHosts }: VmShellOptions) {
    this.session = session;
    this.#connectTimeoutSeconds = connectTimeoutSeconds;
    this.#trustedKnownHosts = trustedKnownHosts;
  }

  /** The user, host, key and known_hosts file the connection uses (for messages). */
  get context(): VmFailureContext {
    const p = this.session.params;
    return { user: p.VM_USER, host: p.VM_PUB_ADDRESS, keyPath: p.VM_PKEY_PATH, knownHostsFile: p.SSH_KNOWN_HOSTS };
  }

  /** The known_hosts files read besides the project's. */
  get trustedKnownHosts(): readonly string[] {
    if (this.#trustedKnownHosts) return this.#trustedKnownHosts;
    if (this.session.params.TARGET !== "cluster") return [];
    const own = path.join(os.homedir(), ".ssh", "known_hosts");
    return existsSync(own) && own !== this.session.params.SSH_KNOWN_HOSTS ? [own] : [];
  }

  /** Checks what the connection needs (key readable by ssh, known_hosts usable) and returns the client options. */
  connectionOptions(): { options: string[]; key: PrivateKeyInfo } {
    const p = this.session.params;
    const key = inspectPrivateKey({ path: p.VM_PKEY_PATH });
    if (key.encrypted && !process.env["SSH_AUTH_SOCK"]) {
      throw new InputError(
        `VM_PKEY_PATH: a chave "${p.VM_PKEY_PATH}" é protegida por senha, e não há ssh-agent para fornecê-la (o runbook não digita senhas)`,
        `carregue-a no agente antes de iniciar o Jupyter: \`eval "$(ssh-agent)" && ssh-add ${p.VM_PKEY_PATH}\`; ou remova a senha: \`ssh-keygen -p -f ${p.VM_PKEY_PATH}\``,
        "VM_PKEY_PATH",
      );
    }
    const file = p.SSH_KNOWN_HOSTS;
    const dir = path.dirname(file);
    if (existsSync(file) && !statSync(file).isFile()) {
      throw new InputError(`SSH_KNOWN_HOSTS: "${file}" existe mas não é um arquivo`, "aponte SSH_KNOWN_HOSTS para um arquivo (por exemplo .state/known_hosts)", "SSH_KNOWN_HOSTS");
    }
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw new InputError(`SSH_KNOWN_HOSTS: "${dir}" não é uma pasta`, "aponte SSH_KNOWN_HOSTS para um arquivo dentro de uma pasta (por exemplo .state/known_hosts)", "SSH_KNOWN_HOSTS");
    }
    const options = sshClientOptions({
      keyPath: p.VM_PKEY_PATH,
      knownHosts: { projectFile: file, readOnlyFiles: this.trustedKnownHosts },
      connectTimeoutSeconds: this.#connectTimeoutSeconds,
    });
    // ssh adds a new host key to the file but does not create its folder.
    if (this.session.mode === "run") mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { options, key };
  }

  /** Runs one command on the VM (`ssh-vm …` in the course); throws the result (a VmError when classified) on failure. */
  async ssh(command: SshCommand): Promise<CommandResult> {
    const line = remoteCommandLine({ argv: command.argv, ...(command.sudo !== undefined ? { sudo: command.sudo } : {}) });
    const { options } = this.connectionOptions();
    const p = this.session.params;
    const result = await this.session.run({
      argv: ["ssh", ...options, sshDestination({ user: p.VM_USER, host: p.VM_PUB_ADDRESS }), "--", line.exact],
      target: "ssh",
      remote: line.display,
      display: sshVmDisplay(line.display),
      nothrow: true,
      ...pick(command, ["stdin", "timeoutMs", "quiet", "secrets", "signal", "step"]),
    });
    return this.#settle(this.#firstContact(result), command.nothrow);
  }

  /** Copies local files to the VM with scp (`scp -i KEY files user@host:dest` in the course). */
  async scp(upload: ScpUpload): Promise<CommandResult> {
    if (/[\0\n\r]/.test(upload.dest) || upload.dest === "") {
      throw new InputError(`o destino na VM ${JSON.stringify(upload.dest)} é vazio ou contém quebra de linha/NUL`, "passe um caminho de pasta ou arquivo da VM, por exemplo /home/peguser");
    }
    const { options } = this.connectionOptions();
    const p = this.session.params;
    const destination = scpDestination({ user: p.VM_USER, host: p.VM_PUB_ADDRESS, path: upload.dest });
    const shown = upload.displaySources ?? upload.sources;
    const result = await this.session.run({
      // Absolute sources: scp would read a relative name with a ':' before any '/' as a remote host.
      argv: ["scp", ...options, "--", ...upload.sources, destination],
      // A folder's files are shown as the course writes them (`$WORK_DIR/*`): keep the glob unquoted.
      display: ["scp", "-i", p.VM_PKEY_PATH, ...shown, destination].map((a) => (/^[^'"$`\\\s]*\/\*$/.test(a) ? a : quoteWord(a))).join(" "),
      nothrow: true,
      ...pick(upload, ["timeoutMs", "step", "signal"]),
    });
    return this.#settle(this.#firstContact(result), upload.nothrow);
  }

  /**
   * On the first connection ssh prints that it trusted the host key: tell the reader where it was recorded, and keep
   * that notice out of the result's stderr (which then holds only what the remote command printed).
   */
  #firstContact(result: CommandResult): CommandResult {
    const notice = FIRST_CONTACT.exec(result.stderr);
    if (!notice) return result;
    this.session.note(
      `primeira conexão com ${notice[1]}: a chave de host (${notice[2]}) foi aceita e registrada em ${this.context.knownHostsFile}; ` +
        "as próximas conexões serão conferidas com ela, e uma chave diferente será recusada",
    );
    return new CommandResult({ ...result.toJSON(), stderr: result.stderr.replace(FIRST_CONTACT, "") });
  }

  /** Throws (or, with nothrow, returns) a failed result, classified as a VmError when its reason is known. */
  #settle(result: CommandResult, nothrow: boolean | undefined): CommandResult {
    if (result.ok) return result;
    const signature = classifyVmFailure(result);
    const settled = signature ? new VmError({ result, failure: explainVmFailure(signature, this.context) }) : result;
    if (nothrow) return settled;
    this.session.reportFailure(settled);
    throw settled;
  }

  /** Raises a failure that a probe must not mistake for an answer: ssh or sudo failed, a program is missing, a timeout. */
  raiseIfNotAnswered(result: CommandResult): void {
    if (result instanceof VmError || (!result.ok && result.exitCode === 255) || result.timedOut || result.signal || result.cause) {
      this.session.reportFailure(result);
      throw result;
    }
  }
}

/** Copies the listed keys that are defined. */
const pick = <T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> => {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
};
