// The VM's sidecar reaching istiod through the east-west gateway (port 15012): unreachable address, nothing on
// the port, missing /etc/hosts entry, DNS timeouts, and the agent's "not ready" and stream-closed lines.
import { findAny, findLine, or } from "../evidence.js";
import type { Signature, SignatureInput } from "../types.js";

/** The port test from the VM, as istio-proxy: with the sidecar running, the outbound capture hands anyone else's
 * connection to Envoy, which accepts it, so a plain `nc -vz` "succeeds" even when the path is cut. */
const portTest = (ip: string): string => `\`sudo -u istio-proxy nc -vz -w 3 ${ip} 15012\` (como istio-proxy: com o sidecar no ar, a conexão de outro usuário é capturada e aceita pelo próprio Envoy)`;

const gatewayCheck = (input: SignatureInput, ip: string): string =>
  `confira o endereço e as portas do gateway: \`kubectl get svc istio-eastwestgateway -n ${input.context.istioNamespace}\` (EXTERNAL-IP e as portas 15012, 15017 e 15443); da VM, teste ${portTest(ip)}`;

/** dial tcp <ip>:15012 failed. */
const istiodUnreachable: Signature = {
  id: "istiod-inacessivel",
  specificity: 90,
  detect: (input) => {
    const hit = findAny(input.text, [
      /dial tcp (\[[^\]]+\]|[\d.]+):15012: (?:connect: )?(i\/o timeout|connection refused|connection timed out|no route to host)/i,
      // The same test by hand from the VM: curl and netcat.
      /curl: \(\d+\) Failed to connect to (\S+) port 15012(?: after \d+ ms)?: (Timeout was reached|Connection refused|Connection timed out|No route to host|Couldn't connect to server)/,
      /nc: connect to (\S+) port 15012 \(tcp\) (?:failed: )?(Connection refused|timed out|No route to host)/,
    ]);
    if (!hit) {
      // The gateway took the connection and closed it before TLS: nothing behind it answers 15012.
      const closed = findLine(input.text, /(?:Failed to create certificate|upstream grpc client|connection error).*transport: authentication handshake failed: EOF/);
      const ew = or(input.context.eastWestAddress, "<IP do gateway>");
      const ns = input.context.istioNamespace;
      // The agent's xDS proxy gave up waiting for the connection: the gateway is unreachable or has no istiod behind it.
      const deadline = closed ? undefined : findLine(input.text, /failed to connect to upstream (\S+?):15012: context deadline exceeded/);
      if (deadline) {
        return {
          // gRPC dialing with WithBlock reports a failed TLS handshake as the same deadline: the log alone cannot tell
          // a closed path from a certificate the VM does not trust.
          cause: `o sidecar não conseguiu abrir a conexão com o istiod (${deadline.match[1]}:15012) dentro do prazo: a VM não alcança o east-west gateway, o gateway não tem um istiod pronto para onde encaminhar, ou o certificado do istiod não é aceito pelo certificado raiz da VM (/etc/certs/root-cert.pem de outra instalação)`,
          fix: `da VM, teste ${portTest(ew)}; no cluster, confira \`kubectl -n ${ns} get deployment istiod\` e \`kubectl -n ${ns} get endpoints istiod\`; compare o /etc/certs/root-cert.pem da VM com \`kubectl -n ${input.context.vmNamespace ?? "legacy"} get configmap istio-ca-root-cert -o jsonpath='{.data.root-cert\\.pem}'\` (se diferirem, gere e copie os arquivos de novo); depois reinicie o sidecar: \`sudo systemctl restart istio\``,
          evidence: deadline.line,
          specificity: 80,
          variant: "prazo-esgotado",
        };
      }
      if (!closed) return undefined;
      return {
        cause: `a VM chega ao east-west gateway (${ew}:15012), mas ele fecha a conexão antes do TLS: não há istiod pronto atrás dele (Deployment parado ou sem réplicas, ou o gateway não encaminha a porta 15012 ao istiod)`,
        fix: `confira o istiod: \`kubectl -n ${ns} get deployment istiod\` e \`kubectl -n ${ns} get endpoints istiod\` (se preciso, \`kubectl -n ${ns} scale deployment istiod --replicas=1\`) e se expose-istiod.yaml está aplicado (\`kubectl -n ${ns} get gateway istiod-gateway\`); depois reinicie o sidecar: \`sudo systemctl restart istio\``,
        evidence: closed.line,
        variant: "sem-istiod-no-gateway",
      };
    }
    const ip = hit.match[1]!;
    const raw = hit.match[2]!.toLowerCase();
    // curl 7.88 prints "Couldn't connect to server" for both a refusal and a missing route.
    const reason = raw.includes("couldn't connect") ? "conexão recusada ou sem rota" : /refused/.test(raw) ? "connection refused" : /route/.test(raw) ? "no route to host" : /timeout|timed out/.test(raw) && !raw.includes("i/o") ? "connection timed out" : raw;
    const ew = input.context.eastWestAddress;
    const mismatch = ew !== undefined && ew !== "" && ew !== ip;
    const hostsNote = mismatch ? ` O /etc/hosts da VM aponta istiod para ${ip}, mas o east-west gateway está em ${ew}.` : "";
    if (reason === "connection refused") {
      return {
        cause: `a VM chega em ${ip}, mas nada escuta na porta 15012: o east-west gateway não expõe o istiod (ou o endereço não é o do gateway).${hostsNote}`,
        fix: mismatch
          ? `corrija a linha do istiod no /etc/hosts da VM para ${ew} e reinicie: \`sudo systemctl restart istio\``
          : `aplique samples/multicluster/expose-istiod.yaml (\`kubectl apply -n ${input.context.istioNamespace} -f …/expose-istiod.yaml\`) e ${gatewayCheck(input, ip)}`,
        evidence: hit.line,
        specificity: mismatch ? 95 : 90,
        variant: "recusada",
      };
    }
    return {
      cause: `a VM não alcança o istiod em ${ip}:15012 (${reason}): o tráfego da VM até o east-west gateway é descartado ou o endereço está errado.${hostsNote}`,
      fix: mismatch
        ? `corrija a linha do istiod no /etc/hosts da VM para ${ew} e reinicie: \`sudo systemctl restart istio\``
        : `${gatewayCheck(input, ip)}; libere a saída da VM para essas portas e a entrada no balanceador`,
      evidence: hit.line,
      specificity: mismatch ? 95 : 90,
    };
  },
};

/** lookup istiod.istio-system.svc … no such host: the hosts entry is missing. */
const hostsEntryMissing: Signature = {
  id: "istiod-sem-entrada-no-hosts",
  specificity: 95,
  detect: (input) => {
    const hit = findLine(input.text, /lookup (istiod[\w.-]*) on (\S+?):? no such host/);
    if (!hit) return undefined;
    const user = or(input.context.vmUser, "<usuário>");
    return {
      cause: `a VM não conhece o nome ${hit.match[1]}: falta no /etc/hosts da VM a linha do arquivo hosts gerado pelo istioctl`,
      fix: `anexe o arquivo ao /etc/hosts da VM (\`ssh-vm sudo sh -c 'cat /home/${user}/hosts >> /etc/hosts'\`), confira que ele não está vazio (se o balanceador só tem nome DNS, gere os arquivos com --ingressIP) e reinicie o sidecar: \`sudo systemctl restart istio\``,
      evidence: hit.line,
    };
  },
};

/** lookup istiod… i/o timeout: no DNS server answers. */
const istiodDnsTimeout: Signature = {
  id: "istiod-dns-sem-resposta",
  specificity: 85,
  detect: (input) => {
    const hit = findLine(input.text, /lookup (istiod[\w.-]*) on (\S+?):? (?:read udp \S+: )?i\/o timeout/);
    return hit && {
      cause: `a consulta DNS de ${hit.match[1]} esgotou o tempo (servidor ${hit.match[2]}): o nome não está no /etc/hosts e o DNS não responde`,
      fix: `anexe o arquivo hosts gerado pelo istioctl ao /etc/hosts da VM (a entrada evita o DNS) e reinicie o sidecar`,
      evidence: hit.line,
    };
  },
};

/** The agent reports Envoy without configuration. */
const notReady: Signature = {
  id: "envoy-sem-configuracao",
  specificity: 40,
  detect: (input) => {
    const hit = findLine(input.text, /Envoy proxy is NOT ready: config not received from (?:XDS server|Pilot)/);
    return hit && {
      cause: "o Envoy da VM ainda não recebeu configuração do istiod",
      fix: "procure nas linhas anteriores do /var/log/istio/istio.log erros de conexão (porta 15012), de token ou de certificado; até isso se resolver, o DNS da VM também não resolve nomes do cluster",
      evidence: hit.line,
    };
  },
};

/** Envoy's ADS stream closed with gRPC Unavailable (14) or Unauthenticated (16). */
const streamClosed: Signature = {
  id: "xds-fluxo-fechado",
  specificity: 60,
  detect: (input) => {
    const hit = findAny(input.text, [/StreamAggregatedResources gRPC config stream (?:to \S+ )?closed(?: since \d+s ago)?: (14|16), (.*)/]);
    if (!hit) return undefined;
    if (hit.match[1] === "16") {
      return {
        cause: "o istiod recusou a autenticação do sidecar da VM (gRPC 16, Unauthenticated)",
        fix: "gere o istio-token de novo (istioctl x workload entry configure), copie para /var/run/secrets/tokens/istio-token e reinicie o sidecar",
        evidence: hit.line,
        variant: "autenticacao",
      };
    }
    return {
      cause: "o Envoy da VM perdeu (ou não conseguiu abrir) o fluxo de configuração com o istiod (gRPC 14, Unavailable)",
      fix: `verifique a conexão da VM com o istiod: ${gatewayCheck(input, or(input.context.eastWestAddress, "<IP do gateway>"))}`,
      evidence: hit.line,
    };
  },
};

/** istiod signatures. */
export const ISTIOD_SIGNATURES: readonly Signature[] = [istiodUnreachable, hostsEntryMissing, istiodDnsTimeout, notReady, streamClosed];
