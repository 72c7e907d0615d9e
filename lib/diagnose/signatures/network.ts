// Reaching the VM (or any host) over the network: ping without replies, no route, ICMP blocked locally, and curl's
// connection errors (exit codes 6, 7, 28, 52, 56).
import { parsePing } from "../../parse/ping.js";
import { findAny, findLine, or } from "../evidence.js";
import type { Signature, SignatureInput } from "../types.js";

const vmWord = (input: SignatureInput, host: string): string =>
  host === input.context.vmAddress || host === input.context.vmPubAddress ? `a VM (${host})` : host;

/** ping printed its statistics and no reply came back. */
const pingNoReply: Signature = {
  id: "ping-sem-resposta",
  specificity: 60,
  detect: (input) => {
    if (!/packets transmitted/.test(input.text)) return undefined;
    let summary;
    try {
      summary = parsePing(input.text);
    } catch {
      return undefined;
    }
    if (!summary.complete || summary.transmitted === 0) return undefined;
    const target = or(summary.address ?? summary.target, or(input.context.vmAddress, "o destino"));
    const evidence = input.text.split("\n").find((l) => l.includes("packets transmitted"))?.trim();
    if (summary.received === 0 && summary.errors === 0 && !summary.problems.some((p) => p.includes("sendmsg"))) {
      return {
        cause: `${vmWord(input, target)} não respondeu ao ping: ${summary.transmitted} pacotes ICMP enviados, nenhuma resposta (o tráfego é descartado no caminho)`,
        fix: `confirme que a VM está ligada e que ${target} é o endereço interno dela (VM_ADDRESS); no firewall/grupo de segurança da VM, libere ICMP de entrada vindo da rede do cluster (o capítulo abre ICMP, 22 e 8000)`,
        ...(evidence ? { evidence } : {}),
      };
    }
    if (summary.received > 0 && summary.lossPercent > 0) {
      return {
        cause: `perda parcial de pacotes até ${target} (${summary.lossPercent}%): a rede entre o cluster e a VM está instável`,
        fix: "repita o teste; se a perda continuar, verifique a rede da VM (limites de banda, MTU, regras de firewall com limite de taxa)",
        specificity: 30,
        variant: "parcial",
        ...(evidence ? { evidence } : {}),
      };
    }
    return undefined;
  },
};

/** No route: ping's "Destination Host Unreachable", "Network is unreachable" (ssh's own texts are diagnosed elsewhere). */
const noRoute: Signature = {
  id: "sem-rota",
  specificity: 65,
  detect: (input) => {
    const hit = findAny(input.text, [/From (\S+) icmp_seq=\d+ Destination (?:Host|Net) Unreachable/, /^ping: connect: Network is unreachable/, /^curl: \(7\) .*No route to host/]);
    if (!hit) return undefined;
    const target = or(input.context.vmAddress, "o destino");
    return {
      cause: `não há rota até ${target}: a VM está desligada, o endereço está errado, ou ela não está numa rede alcançável a partir daqui`,
      fix: `confira VM_ADDRESS (o endereço interno da VM, na mesma rede do cluster) e se a VM está ligada; no Azure/AWS/GCP, confira a sub-rede e o emparelhamento de redes`,
      evidence: hit.line,
    };
  },
};

/** A local firewall refuses to send ICMP. */
const icmpBlockedLocally: Signature = {
  id: "icmp-bloqueado-na-origem",
  specificity: 70,
  detect: (input) => {
    const hit = findLine(input.text, /ping: sendmsg: Operation not permitted/);
    return hit && {
      cause: "o envio de ICMP é bloqueado na própria origem do ping (uma regra de firewall de saída, iptables OUTPUT, recusa os pacotes)",
      fix: "verifique as regras de saída onde o ping roda (`iptables -S OUTPUT`); para testar a VM use também `curl` na porta 8000",
      evidence: hit.line,
    };
  },
};

/** curl (7): nothing accepted the connection (refused or no route; curl 7.88 prints the same text for both). */
const curlCouldNotConnect: Signature = {
  id: "curl-conexao-recusada",
  specificity: 50,
  detect: (input) => {
    const hit = findLine(input.text, /curl: \(7\) Failed to connect to (\S+) port (\d+)(?: after \d+ ms)?: (.*)/);
    if (!hit) return undefined;
    const host = hit.match[1]!;
    const port = hit.match[2]!;
    // The sidecar's admin port and istiod's port have their own, more precise diagnoses.
    if (port === "15000" || port === "15012") return undefined;
    const onVmApp = host === input.context.vmAddress || host === input.context.vmPubAddress || (input.onVm && /^(localhost|127\.0\.0\.1)$/.test(host));
    return {
      cause: onVmApp
        ? `nada aceita conexões em ${host}:${port}: o serviço da VM não está rodando ou não publica a porta ${port}`
        : `não foi possível conectar em ${host}:${port} (porta fechada, conexão recusada ou sem rota)`,
      fix: onVmApp
        ? `na VM, \`docker ps\` deve listar ${or(input.context.vmApp, "o app")} com 0.0.0.0:${port}->${port}/tcp; se não, rode o \`docker run … -p ${port}:${port} …\` do capítulo e veja \`docker logs ${or(input.context.vmApp, "<nome>")}\``
        : `confira o endereço e a porta e se o serviço está rodando; teste com \`nc -vz ${host} ${port}\``,
      evidence: hit.line,
    };
  },
};

/** curl (28): the connection or the answer timed out. */
const curlTimeout: Signature = {
  id: "curl-tempo-esgotado",
  specificity: 55,
  detect: (input) => {
    const connect = findAny(input.text, [/curl: \(28\) Failed to connect to (\S+) port (\d+) after \d+ ms/, /curl: \(28\) Connection timed out after \d+ milliseconds/]);
    if (connect) {
      const host = connect.match[1] ?? or(input.context.vmAddress, "o destino");
      const port = connect.match[2] ?? "8000";
      return {
        cause: `os pacotes para ${host}:${port} são descartados no caminho (tempo esgotado ao conectar): um firewall/grupo de segurança bloqueia a porta ${port}, ou o endereço está errado`,
        fix: `libere a porta ${port} de entrada na VM para a rede do cluster (o capítulo abre 22, 8000 e ICMP) e confira o endereço; teste com \`nc -vz -w 3 ${host} ${port}\``,
        evidence: connect.line,
      };
    }
    const answer = findLine(input.text, /curl: \(28\) Operation timed out after \d+ milliseconds/);
    return answer && {
      cause: "a conexão foi aceita, mas a resposta não chegou a tempo (o servidor está lento ou travado, ou o pedido pediu espera, como /r?wait=…)",
      fix: "aumente o tempo limite (--max-time) se a espera é esperada; senão veja os logs do serviço (`docker logs …` na VM, `kubectl logs …` no cluster)",
      evidence: answer.line,
      variant: "resposta",
    };
  },
};

/** curl (6): the name does not resolve (the VM's DNS has its own, more precise diagnoses). */
const curlResolve: Signature = {
  id: "curl-nome-nao-resolve",
  specificity: 40,
  detect: (input) => {
    const hit = findLine(input.text, /curl: \(6\) Could not resolve host: (\S+)/);
    return hit && {
      cause: `o nome ${hit.match[1]} não resolve onde o curl rodou`,
      fix: `confira a grafia do nome; nomes do cluster (<serviço>.<namespace>.svc) só resolvem em pods ou, na VM, pelo proxy de DNS do sidecar`,
      evidence: hit.line,
    };
  },
};

/** curl (52): the server closed without answering. */
const curlEmptyReply: Signature = {
  id: "curl-resposta-vazia",
  specificity: 45,
  detect: (input) => {
    const hit = findLine(input.text, /curl: \(52\) Empty reply from server/);
    return hit && {
      cause: "a conexão foi aceita e fechada sem resposta HTTP: o lado servidor esperava TLS mútuo (um sidecar com mTLS) e recebeu texto puro, ou a aplicação caiu no meio do pedido",
      fix: "se o destino está na malha, chame-o de dentro da malha (de um pod com sidecar ou da VM com o sidecar ativo); senão veja os logs da aplicação",
      evidence: hit.line,
    };
  },
};

/** curl (56): the connection was reset. */
const curlReset: Signature = {
  id: "curl-conexao-reiniciada",
  specificity: 45,
  detect: (input) => {
    const hit = findLine(input.text, /curl: \(56\) (.*)/);
    return hit && {
      cause: "a conexão foi reiniciada pelo outro lado: comum quando o destino exige mTLS (PeerAuthentication STRICT) e o cliente não está na malha, ou quando o sidecar de entrada recusa a conexão",
      fix: `confira a PeerAuthentication do namespace de destino (\`kubectl get peerauthentication -A\`) e se o cliente tem sidecar; veja o log do sidecar do destino`,
      evidence: hit.line,
    };
  },
};

/** Network signatures. */
export const NETWORK_SIGNATURES: readonly Signature[] = [pingNoReply, noRoute, icmpBlockedLocally, curlCouldNotConnect, curlTimeout, curlResolve, curlEmptyReply, curlReset];
