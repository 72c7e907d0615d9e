// OpenSSH client failures (texts of OpenSSH 9.x): connection, name resolution, key file, authentication, host key.
import { findAny, findLine, or } from "../evidence.js";
import type { Signature, SignatureInput } from "../types.js";

const target = (input: SignatureInput, host?: string): string => host ?? or(input.context.vmPubAddress, "a VM");

/** ssh could not open the TCP connection (timeout, refused, no route). */
const sshConnect: Signature = {
  id: "ssh-sem-conexao",
  specificity: 80,
  detect: (input) => {
    const hit = findAny(input.text, [
      /ssh: connect to host (\S+) port (\d+): (Connection timed out|Connection refused|No route to host|Network is unreachable)/,
      /Connection to (\S+) port (\d+) timed out/,
      /(Connection timed out during banner exchange)/,
    ]);
    if (!hit) return undefined;
    const host = hit.match[1] !== undefined && hit.match[2] !== undefined ? hit.match[1] : target(input);
    const port = hit.match[2] ?? "22";
    const reason = hit.match[3] ?? hit.match[1] ?? "";
    if (/refused/i.test(reason)) {
      return {
        cause: `${host} respondeu, mas nada escuta na porta ${port}: o servidor SSH (sshd) da VM está parado, ou a porta está errada`,
        fix: `inicie o sshd pela console da nuvem (ou reinicie a VM) e confira VM_PUB_ADDRESS; teste com \`nc -vz ${host} ${port}\``,
        evidence: hit.line,
        variant: "recusada",
      };
    }
    if (/route|unreachable/i.test(reason)) {
      return {
        cause: `não há rota até ${host}: a VM está desligada ou VM_PUB_ADDRESS não é um endereço alcançável daqui`,
        fix: `confira VM_PUB_ADDRESS (o endereço público da VM) e se a VM está ligada`,
        evidence: hit.line,
        variant: "sem-rota",
      };
    }
    return {
      cause: `a conexão SSH com ${host}:${port} esgotou o tempo: um firewall/grupo de segurança descarta a porta ${port}, a VM está desligada ou o endereço está errado`,
      fix: `libere a porta ${port} de entrada na VM para o seu endereço (o capítulo abre 22, 8000 e ICMP), confira VM_PUB_ADDRESS e se a VM está ligada`,
      evidence: hit.line,
      variant: "tempo",
    };
  },
};

/** The VM's public name does not resolve. */
const sshResolve: Signature = {
  id: "ssh-nome-nao-resolve",
  specificity: 85,
  detect: (input) => {
    const hit = findLine(input.text, /ssh: Could not resolve hostname (\S+?):? (.*)/);
    return hit && {
      cause: `o nome ${hit.match[1]} (VM_PUB_ADDRESS) não resolve: erro de digitação, registro DNS inexistente ou sem DNS nesta máquina`,
      fix: `confira VM_PUB_ADDRESS (por exemplo pegasus.eastus.cloudapp.azure.com) ou use o IP público da VM`,
      evidence: hit.line,
    };
  },
};

/** The private key file is readable by others: ssh ignores it. */
const keyPermissions: Signature = {
  id: "ssh-chave-permissoes",
  specificity: 95,
  detect: (input) => {
    const hit = findAny(input.text, [/Permissions (0\d{3}) for '([^']+)' are too open\./, /(WARNING: UNPROTECTED PRIVATE KEY FILE!)/]);
    if (!hit) return undefined;
    const file = hit.match[2] ?? or(input.context.pkeyPath, "<chave>");
    return {
      cause: `a chave privada ${file} pode ser lida por outros usuários${hit.match[2] ? ` (permissões ${hit.match[1]})` : ""}, e o ssh se recusa a usá-la`,
      fix: `rode \`chmod 600 ${file}\``,
      evidence: hit.line,
    };
  },
};

/** The key file is not a private key ssh can read. */
const keyInvalid: Signature = {
  id: "ssh-chave-invalida",
  specificity: 90,
  detect: (input) => {
    const hit = findLine(input.text, /Load key "([^"]+)": (invalid format|error in libcrypto|incorrect passphrase supplied to decrypt private key)/);
    return hit && {
      cause: `o arquivo ${hit.match[1]} não é uma chave privada que o ssh consiga ler (${hit.match[2]}): talvez seja a chave pública (.pub), esteja corrompido ou tenha senha`,
      fix: `aponte VM_PKEY_PATH para a chave privada baixada ao criar a VM (o arquivo que começa com "-----BEGIN … PRIVATE KEY-----")`,
      evidence: hit.line,
    };
  },
};

/** The key file does not exist. */
const keyMissing: Signature = {
  id: "ssh-chave-ausente",
  specificity: 90,
  detect: (input) => {
    const hit = findLine(input.text, /Warning: Identity file (\S+) not accessible: (.*)\./);
    return hit && {
      cause: `o arquivo de chave ${hit.match[1]} não está acessível (${hit.match[2]})`,
      fix: `copie a chave privada da VM para ${hit.match[1]} ou corrija VM_PKEY_PATH`,
      evidence: hit.line,
    };
  },
};

/** The server refused the key. */
const authDenied: Signature = {
  id: "ssh-autenticacao-recusada",
  specificity: 70,
  detect: (input) => {
    const hit = findLine(input.text, /(\S+)@(\S+): Permission denied \(([^)]*)\)/);
    return hit && {
      cause: `a VM recusou o login de ${hit.match[1]}: a chave não está no authorized_keys desse usuário, ou o usuário está errado`,
      fix: `confira VM_USER (${or(input.context.vmUser, "o usuário criado com a VM")}) e VM_PKEY_PATH (a chave privada que corresponde à pública instalada na VM); teste com \`ssh -v -i ${or(input.context.pkeyPath, "<chave>")} ${hit.match[1]}@${hit.match[2]}\``,
      evidence: hit.line,
    };
  },
};

/** The VM's host key differs from the one recorded. */
const hostKeyChanged: Signature = {
  id: "ssh-chave-de-host-mudou",
  specificity: 95,
  detect: (input) => {
    const hit = findAny(input.text, [/Host key for (\S+) has changed and you have requested strict checking\./, /(WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!)/]);
    if (!hit) return undefined;
    const host = hit.match[1]?.startsWith("WARNING") ? target(input) : (hit.match[1] ?? target(input));
    const file = /Offending \S+ key in (\S+):\d+/.exec(input.text)?.[1] ?? or(input.context.knownHostsPath, "~/.ssh/known_hosts");
    return {
      cause: `a chave de host de ${host} mudou desde a última conexão: a VM foi recriada (ou o endereço passou para outra máquina)`,
      fix: `se você recriou a VM, apague a chave antiga com \`ssh-keygen -f "${file}" -R "${host}"\` e conecte de novo; se não recriou, não prossiga e investigue`,
      evidence: hit.line,
    };
  },
};

/** Strict checking with no recorded host key. */
const hostKeyUnknown: Signature = {
  id: "ssh-chave-de-host-desconhecida",
  specificity: 90,
  detect: (input) => {
    const hit = findLine(input.text, /No (\S+) host key is known for (\S+) and you have requested strict checking\./);
    return hit && {
      cause: `não há chave de host registrada para ${hit.match[2]} e a verificação estrita está ligada`,
      fix: `registre a chave na primeira conexão (StrictHostKeyChecking=accept-new) ou adicione-a com \`ssh-keyscan ${hit.match[2]!.replace(/^\[([^\]]+)\]:(\d+)$/, "-p $2 $1")} >> ${or(input.context.knownHostsPath, "~/.ssh/known_hosts")}\` depois de conferir a impressão digital na console da nuvem`,
      evidence: hit.line,
    };
  },
};

/** SSH signatures. */
export const SSH_SIGNATURES: readonly Signature[] = [sshConnect, sshResolve, keyPermissions, keyInvalid, keyMissing, authDenied, hostKeyChanged, hostKeyUnknown];
