// Why a command on the VM failed, told apart from what ssh, sudo and the remote shell print: a small classifier
// (stable kinds the diagnoses module maps), the cause and fix in Portuguese, and the error that carries both.
import { CommandResult } from "../run/result.js";

/** Distinguishable reasons for a failed VM command. */
export type VmFailureKind =
  | "ssh-client-missing"
  | "host-key-changed"
  | "host-key-unverified"
  | "auth-denied"
  | "key-unusable"
  | "connection-refused"
  | "connection-timeout"
  | "no-route"
  | "dns"
  | "connection-closed"
  | "negotiation"
  | "sudo-password-required"
  | "sudo-not-allowed"
  | "command-not-found";

/** A classified failure: the kind and the stderr line that shows it. */
export interface VmFailureSignature {
  kind: VmFailureKind;
  /** The line of output that matched (for diagnoses and reports). */
  evidence: string;
}

/** What the explanation may mention. */
export interface VmFailureContext {
  user: string;
  host: string;
  keyPath: string;
  knownHostsFile: string;
}

/** A classified failure with its cause and fix in Portuguese. */
export interface VmFailure extends VmFailureSignature {
  cause: string;
  fix: string;
}

/** Signatures on ssh's own errors (exit 255), most specific first. */
const SSH_SIGNATURES: ReadonlyArray<[VmFailureKind, RegExp]> = [
  ["host-key-changed", /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/],
  ["host-key-unverified", /Host key verification failed|No \S+ host key is known for/],
  ["key-unusable", /UNPROTECTED PRIVATE KEY FILE|bad permissions|Load key "[^"]*": |no such identity: |Identity file .* not accessible/],
  ["auth-denied", /Permission denied \(|Too many authentication failures|Received disconnect from .*: (2|14): /],
  ["connection-refused", /port \d+: Connection refused/],
  ["connection-timeout", /port \d+: (Connection|Operation) timed out|Connection timed out during banner exchange/],
  ["no-route", /port \d+: (No route to host|Network is unreachable|Host is unreachable)/],
  ["dns", /Could not resolve hostname|Name or service not known|Temporary failure in name resolution|nodename nor servname/],
  ["negotiation", /Unable to negotiate|no matching (host key type|key exchange method|cipher) found|no mutual signature algorithm/],
  ["connection-closed", /kex_exchange_identification|Connection (closed|reset) by|Connection to \S+ closed by remote host|Broken pipe|banner exchange: /],
];

/** Signatures on the remote side (sudo, the remote shell). */
const REMOTE_SIGNATURES: ReadonlyArray<[VmFailureKind, RegExp]> = [
  ["sudo-password-required", /^sudo: (a password is required|a terminal is required|\d+ incorrect password attempts?)/m],
  ["sudo-not-allowed", /is not in the sudoers file|is not allowed to run sudo|may not run sudo|is not allowed to execute /],
];

const COMMAND_NOT_FOUND = /(?:^|: )(?:line \d+: |\d+: )?(\S+): (?:command )?not found$/m;
const SUDO_COMMAND_NOT_FOUND = /^sudo: (\S+): command not found$/m;

/** The line of `text` where `re` matches. */
const lineOf = (text: string, re: RegExp): string => {
  const m = re.exec(text);
  if (!m) return "";
  const start = text.lastIndexOf("\n", m.index) + 1;
  const end = text.indexOf("\n", m.index);
  return text.slice(start, end < 0 ? undefined : end).trim();
};

/** Classifies a failed VM command by its exit code and stderr; undefined when it is the remote command's own failure. */
export const classifyVmFailure = ({ exitCode, stderr, cause }: { exitCode: number | null; stderr: string; cause?: string }): VmFailureSignature | undefined => {
  if (cause?.startsWith("comando não encontrado: ")) return { kind: "ssh-client-missing", evidence: cause };
  if (exitCode === 255) {
    for (const [kind, re] of SSH_SIGNATURES) if (re.test(stderr)) return { kind, evidence: lineOf(stderr, re) };
  }
  for (const [kind, re] of REMOTE_SIGNATURES) if (re.test(stderr)) return { kind, evidence: lineOf(stderr, re) };
  if (exitCode === 127 && COMMAND_NOT_FOUND.test(stderr)) return { kind: "command-not-found", evidence: lineOf(stderr, COMMAND_NOT_FOUND) };
  if (exitCode === 1 && SUDO_COMMAND_NOT_FOUND.test(stderr)) return { kind: "command-not-found", evidence: lineOf(stderr, SUDO_COMMAND_NOT_FOUND) };
  return undefined;
};

/** The cause and fix (Portuguese) of a classified failure. */
export const explainVmFailure = (signature: VmFailureSignature, ctx: VmFailureContext): VmFailure => {
  const at = `${ctx.user}@${ctx.host}`;
  const text = ((): { cause: string; fix: string } => {
    switch (signature.kind) {
      case "ssh-client-missing":
        return { cause: "o cliente OpenSSH (ssh/scp) não está instalado nesta máquina", fix: "instale-o: `sudo apt-get install -y openssh-client` (Debian/Ubuntu)" };
      case "host-key-changed":
        return {
          cause: `a chave de host de ${ctx.host} MUDOU desde a última conexão (registrada em ${ctx.knownHostsFile}); a conexão foi recusada: ou a VM foi recriada/reinstalada, ou alguém está interceptando a conexão`,
          fix: `confira a impressão digital nova no console da VM (nuvem) e, só se ela bater, esqueça a antiga: \`ssh-keygen -R ${ctx.host} -f ${ctx.knownHostsFile}\` (ou vm.forgetHostKey()) e conecte de novo`,
        };
      case "host-key-unverified":
        return {
          cause: `não foi possível verificar a chave de host de ${ctx.host}`,
          fix: `verifique se ${ctx.knownHostsFile} pode ser gravado e se o seu ~/.ssh/config não força StrictHostKeyChecking=yes para esse host`,
        };
      case "key-unusable":
        return { cause: `o ssh não conseguiu usar a chave privada ${ctx.keyPath}`, fix: `confira o arquivo e as permissões (\`chmod 600 ${ctx.keyPath}\`) e se é a chave privada (não a .pub)` };
      case "auth-denied":
        return {
          cause: `a VM recusou o login de ${at} com a chave ${ctx.keyPath}: a chave pública correspondente não está em ~${ctx.user}/.ssh/authorized_keys, ou o usuário está errado`,
          fix: `confira VM_USER (${ctx.user}) e VM_PKEY_PATH; a chave pública é \`ssh-keygen -y -f ${ctx.keyPath}\` e deve estar em /home/${ctx.user}/.ssh/authorized_keys na VM`,
        };
      case "connection-refused":
        return {
          cause: `${ctx.host} respondeu, mas nada aceita conexões na porta do ssh (22): o sshd está parado na VM ou escuta em outra porta`,
          fix: "inicie o sshd na VM pelo console da nuvem (`sudo systemctl start ssh`) ou, se usa outra porta, configure-a no ~/.ssh/config (Host … Port …)",
        };
      case "connection-timeout":
        return {
          cause: `nenhuma resposta de ${ctx.host} na porta 22 dentro do tempo limite: firewall/grupo de segurança bloqueando, VM desligada ou endereço errado`,
          fix: "confira se a VM está ligada, se VM_PUB_ADDRESS é o endereço público dela e se a regra de firewall da nuvem libera a porta 22 para o seu IP",
        };
      case "no-route":
        return {
          cause: `não há rota até ${ctx.host}: a rede não alcança esse endereço (VM desligada, endereço errado ou privado de outra rede)`,
          fix: "confira VM_PUB_ADDRESS (deve ser o endereço que esta máquina alcança, em geral o público) e se a VM está ligada",
        };
      case "dns":
        return { cause: `o nome ${ctx.host} não pôde ser resolvido (DNS)`, fix: "confira a grafia de VM_PUB_ADDRESS ou use o endereço IP público da VM" };
      case "negotiation":
        return {
          cause: `o ssh local e o sshd da VM não têm algoritmos em comum (servidor ou cliente muito antigo, ou chave de um tipo desativado)`,
          fix: "atualize o openssh-server da VM ou use uma chave ed25519/RSA de 2048+ bits",
        };
      case "connection-closed":
        return {
          cause: `${ctx.host} aceitou a conexão TCP mas fechou-a antes do login: a porta 22 não é de um sshd, o sshd está sobrecarregado (MaxStartups) ou um bloqueio (fail2ban/firewall) cortou a conexão`,
          fix: "espere um pouco e tente de novo; se persistir, confira no console da VM os logs do sshd (`journalctl -u ssh`)",
        };
      case "sudo-password-required":
        return {
          cause: `o usuário ${ctx.user} não tem sudo sem senha na VM (ou não tem sudo nenhum): o sudo pediu uma senha, e o runbook nunca digita senhas`,
          fix: `na VM, como root: \`echo '${ctx.user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${ctx.user} && chmod 440 /etc/sudoers.d/${ctx.user}\``,
        };
      case "sudo-not-allowed":
        return {
          cause: `o usuário ${ctx.user} não tem permissão de sudo na VM`,
          fix: `na VM, como root: \`echo '${ctx.user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${ctx.user} && chmod 440 /etc/sudoers.d/${ctx.user}\` (ou use um usuário administrador em VM_USER)`,
        };
      case "command-not-found":
        return { cause: `um programa não existe na VM (${signature.evidence})`, fix: "instale o pacote que fornece esse programa na VM (por exemplo `sudo apt-get install -y <pacote>`) ou corrija o nome do comando" };
    }
  })();
  return { ...signature, ...text };
};

/** A failed VM command whose reason was recognized: the same result shape, plus the classified failure. */
export class VmError extends CommandResult {
  readonly failure: VmFailure;
  constructor({ result, failure }: { result: CommandResult; failure: VmFailure }) {
    super(result.toJSON());
    this.name = "VmError";
    this.failure = failure;
    this.message = `${failure.cause}\nComo corrigir: ${failure.fix}\n\n${result.message}`;
  }
}
