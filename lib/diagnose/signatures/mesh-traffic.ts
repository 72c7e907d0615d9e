// Requests through the mesh that fail at Envoy: `upstream connect error … reset reason: connection failure` when a
// pod calls the VM (its known causes), and `no healthy upstream`.
import { findLine, or } from "../evidence.js";
import type { Finding, Signature } from "../types.js";

/** Envoy's 503 body when the upstream connection failed, with the causes known for pod → VM. */
const upstreamConnectError: Signature = {
  id: "upstream-connect-error",
  specificity: 50,
  detect: (input) => {
    const hit = findLine(input.text, /upstream connect error or disconnect\/reset before headers\. (?:retried and the latest )?reset reason: ([a-z ]+)(?:, transport failure reason: (.*))?/);
    if (!hit) return undefined;
    const reason = hit.match[1]!.trim();
    const transport = hit.match[2] ?? "";
    const ns = or(input.context.vmNamespace, "legacy");
    const sa = or(input.context.serviceAccount, "legacy-pegasus");
    const weSa = input.context.workloadEntryServiceAccount;
    const port = /:(\d+)\b/.exec(input.result?.command ?? "")?.[1] ?? "8000";
    if (reason === "connection timeout") {
      return {
        cause: `o sidecar do cliente não conseguiu conectar na VM a tempo: o firewall da VM descarta a porta ${port} vinda dos pods, ou o endereço da WorkloadEntry não é alcançável a partir do cluster`,
        fix: `confira spec.address da WorkloadEntry (\`kubectl get workloadentry -n ${ns} -o wide\`) e libere a porta ${port} na VM para a rede dos pods`,
        evidence: hit.line,
        variant: "timeout",
      };
    }
    const findings: Finding[] = [];
    const wrongVersion = /WRONG_VERSION_NUMBER|wrong version number/i.test(transport + input.text);
    const published = input.context.dockerPublishedPorts ?? [];
    const dockerConfirmed = wrongVersion || published.length > 0;
    const bypass = `a regra DOCKER do nat PREROUTING vem antes da ISTIO_INBOUND que o Istio acrescenta no fim, então o TLS mútuo do pod chega direto no app, que só fala texto puro`;
    findings.push({
      cause: dockerConfirmed
        ? `a porta ${port} publicada pelo Docker na VM (-p ${port}:${port}) desvia a conexão antes da captura do sidecar: ${bypass}`
        : `se o app da VM roda no Docker com a porta publicada (-p ${port}:${port}, como no capítulo), a conexão é desviada antes da captura do sidecar: ${bypass}`,
      fix: `rode o app sem publicar a porta (\`docker run --network host …\` no lugar de \`-p ${port}:${port}\`) ou ponha a captura do Istio antes da do Docker (\`sudo iptables -t nat -I PREROUTING 1 -p tcp -j ISTIO_INBOUND\`); a solução de contorno do capítulo desliga o mTLS do namespace ${ns}`,
      evidence: hit.line,
      specificity: dockerConfirmed ? 88 : 62,
      variant: "docker",
    });
    const mismatch = weSa !== undefined && weSa !== sa;
    findings.push({
      cause: mismatch
        ? `a WorkloadEntry declara serviceAccount "${weSa}", mas o certificado da VM tem a identidade "${sa}" (a do WorkloadGroup): o cliente recusa a identidade apresentada`
        : `a identidade esperada pelo cliente (spec.serviceAccount da WorkloadEntry) pode não ser a do certificado da VM ("${sa}", a do WorkloadGroup)`,
      fix: `use o mesmo nome nos dois lados: spec.serviceAccount da WorkloadEntry deve ser "${sa}" (\`kubectl get workloadentry -n ${ns} -o jsonpath='{.items[*].spec.serviceAccount}'\`)`,
      evidence: hit.line,
      specificity: mismatch || /CERTIFICATE_VERIFY_FAILED/.test(transport) ? 90 : 55,
      variant: "conta-de-servico",
    });
    findings.push({
      cause: `o cliente do cluster fala TLS mútuo com a VM e o lado da VM não termina o TLS: sidecar parado, porta fora de ISTIO_INBOUND_PORTS no cluster.env, ou desviada antes da captura${input.context.peerAuthenticationMode ? ` (PeerAuthentication: ${input.context.peerAuthenticationMode})` : ""}`,
      fix: `confirme o sidecar ativo na VM (\`sudo systemctl status istio\`) e a porta ${port} capturada; como contorno (o do capítulo), uma PeerAuthentication com mtls.mode DISABLE no namespace ${ns} — isso tira a criptografia desse tráfego`,
      evidence: hit.line,
      specificity: 50,
      variant: "mtls",
    });
    return findings;
  },
};

/** Envoy has no healthy endpoint for the service. */
const noHealthyUpstream: Signature = {
  id: "sem-endpoint-saudavel",
  specificity: 70,
  detect: (input) => {
    const hit = findLine(input.text, /no healthy upstream/);
    if (!hit) return undefined;
    const ns = or(input.context.vmNamespace, "legacy");
    const app = or(input.context.vmApp, "pegasus-pay");
    return {
      cause: "o Envoy não tem nenhum endpoint saudável para o serviço: nenhuma WorkloadEntry (ou pod) casa com o seletor do Service, ou a entrada está marcada como não saudável",
      fix: `compare os rótulos (\`kubectl get workloadentry -n ${ns} --show-labels\`) com o seletor do Service (\`kubectl get svc ${app} -n ${ns} -o jsonpath='{.spec.selector}'\`) e veja se o sidecar da VM está conectado`,
      evidence: hit.line,
    };
  },
};

/** Envoy's 504 body: the route's timeout expired before the answer. */
const upstreamTimeout: Signature = {
  id: "tempo-limite-da-rota",
  specificity: 60,
  detect: (input) => {
    const hit = findLine(input.text, /upstream request timeout/);
    return hit && {
      cause: "o destino demorou mais que o tempo limite da rota: o Envoy desistiu e respondeu 504 (o /r?wait=… do generic service provoca isso de propósito)",
      fix: "se a demora é esperada, aumente o timeout da rota no VirtualService; senão veja por que o serviço de destino está lento (logs, recursos)",
      evidence: hit.line,
    };
  },
};

/** Envoy's 403 body from an AuthorizationPolicy. */
const rbacDenied: Signature = {
  id: "negado-por-authorizationpolicy",
  specificity: 70,
  detect: (input) => {
    const hit = findLine(input.text, /RBAC: access denied/);
    return hit && {
      cause: "uma AuthorizationPolicy do destino negou o pedido (o Envoy respondeu 403 com \"RBAC: access denied\")",
      fix: "liste as políticas (`kubectl get authorizationpolicy -A`) e confira se a identidade do cliente (a conta de serviço) e o caminho estão permitidos",
      evidence: hit.line,
    };
  },
};

/** Mesh traffic signatures. */
export const MESH_TRAFFIC_SIGNATURES: readonly Signature[] = [upstreamConnectError, noHealthyUpstream, upstreamTimeout, rbacDenied];
