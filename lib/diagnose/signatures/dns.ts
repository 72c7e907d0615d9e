// DNS on the VM once the sidecar captures it: outside names break with Istio 1.8's capture (istio/istio#29224),
// every name breaks while istiod is unreachable (#43276), cluster names need the DNS proxy.
import { findAny, isClusterName } from "../evidence.js";
import type { Signature, SignatureInput } from "../types.js";

const FAILURES: readonly RegExp[] = [
  /server can't find (\S+?):? (NXDOMAIN|SERVFAIL|REFUSED)/,
  /curl: \(6\) Could not resolve host: (\S+)/,
  /ping: (\S+): (?:Temporary failure in name resolution|Name or service not known)/,
  /(;; connection timed out; no servers could be reached)/,
  /Host (\S+) not found: \d\((NXDOMAIN|SERVFAIL|REFUSED)\)/,
];

const failedName = (input: SignatureInput): { name?: string; line: string } | undefined => {
  if (!input.onVm) return undefined;
  const hit = findAny(input.text, FAILURES);
  if (!hit) return undefined;
  const name = hit.match[1]?.startsWith(";;") ? undefined : hit.match[1]?.replace(/\.$/, "");
  return { ...(name !== undefined ? { name } : {}), line: hit.line };
};

/** An outside name fails on the VM while the sidecar captures DNS. */
const outsideNames: Signature = {
  id: "dns-da-vm-nomes-externos",
  specificity: 75,
  detect: (input) => {
    const failed = failedName(input);
    if (!failed || (failed.name !== undefined && isClusterName(failed.name)) || input.context.dnsCapture === false) return undefined;
    const name = failed.name ?? "nomes de fora do cluster";
    if (input.istioMinor !== undefined && input.istioMinor >= 9) {
      return {
        cause: `o proxy de DNS do sidecar responde SERVFAIL para tudo até receber a tabela de nomes do istiod: se o istiod está inacessível, ${name} e todo o resto deixam de resolver na VM (istio/istio#43276)`,
        fix: "resolva primeiro a conexão da VM com o istiod (veja /var/log/istio/istio.log); para testar, pare o sidecar (`sudo systemctl stop istio`) e veja se o DNS volta",
        evidence: failed.line,
        specificity: 55,
        variant: "sem-istiod",
      };
    }
    return {
      cause: `no Istio 1.8 a captura de DNS da VM (ISTIO_META_DNS_CAPTURE='true' no cluster.env) redireciona todo o DNS (udp/53) para o proxy do sidecar em 127.0.0.1:15053; com um resolvedor local (systemd-resolved em 127.0.0.53) as consultas dão volta e ${name} não resolve (istio/istio#29224, corrigido no 1.9)`,
      fix: "gere os arquivos com `--capture-dns=false` (ou ponha ISTIO_META_DNS_CAPTURE='false' no cluster.env) e reinicie o sidecar; ou use em /etc/resolv.conf um servidor DNS fora do loopback (o capítulo acrescentou 8.8.8.8); ou use Istio 1.9 ou mais novo",
      evidence: failed.line,
    };
  },
};

/** A cluster name fails on the VM: the DNS proxy is not answering for it. */
const clusterNames: Signature = {
  id: "dns-da-vm-nomes-do-cluster",
  specificity: 70,
  detect: (input) => {
    const failed = failedName(input);
    if (!failed?.name || !isClusterName(failed.name)) return undefined;
    if (input.context.dnsCapture === false) {
      return {
        cause: `a captura de DNS está desligada (ISTIO_META_DNS_CAPTURE='false'), e ${failed.name} só resolve na VM pelo proxy de DNS do sidecar`,
        fix: "gere os arquivos com --capture-dns=true (o padrão), copie o cluster.env para /var/lib/istio/envoy/ e reinicie o sidecar",
        evidence: failed.line,
        variant: "captura-desligada",
      };
    }
    return {
      cause: `${failed.name} só resolve na VM pelo proxy de DNS do sidecar, que não respondeu: o sidecar está parado ou ainda não recebeu a tabela de nomes do istiod`,
      fix: "confirme o sidecar ativo (`sudo systemctl status istio`) e conectado (sem erros de conexão com a porta 15012 em /var/log/istio/istio.log); depois repita",
      evidence: failed.line,
    };
  },
};

/** DNS signatures. */
export const DNS_SIGNATURES: readonly Signature[] = [outsideNames, clusterNames];
