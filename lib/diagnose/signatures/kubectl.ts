// kubectl failures (texts of kubectl 1.33): unknown context, cluster unreachable, svc/NAME without pods or selector,
// missing objects, completed pods, wrong container, wait timeouts.
import { findAny, findLine, or } from "../evidence.js";
import type { Signature } from "../types.js";

/** The kube context asked for does not exist. */
const contextMissing: Signature = {
  id: "kubectl-contexto-inexistente",
  specificity: 95,
  detect: (input) => {
    const hit = findAny(input.text, [/error: context "([^"]+)" does not exist/, /context was not found for specified context: (\S+)/, /error: no context exists with the name: "([^"]+)"/]);
    return hit && {
      cause: `o contexto "${hit.match[1]}" não existe no kubeconfig${input.context.kubeconfig ? ` (${input.context.kubeconfig})` : ""}`,
      fix: "liste os contextos com `kubectl config get-contexts` e ponha o certo em KUBE_CONTEXT (vazio = o contexto atual do kubeconfig)",
      evidence: hit.line,
    };
  },
};

/** The API server cannot be reached. */
const clusterUnreachable: Signature = {
  id: "kubectl-cluster-inacessivel",
  specificity: 85,
  detect: (input) => {
    const hit = findAny(input.text, [/The connection to the server (\S+) was refused - did you specify the right host or port\?/, /Unable to connect to the server: (.*)/]);
    if (!hit) return undefined;
    if (/^localhost:8080$/.test(hit.match[1] ?? "")) {
      return {
        cause: "o kubectl não achou um kubeconfig e tentou o padrão localhost:8080",
        fix: `aponte KUBECONFIG para o arquivo do seu cluster (agora: ${or(input.context.kubeconfig, "não definido")}) e confira com \`kubectl config get-contexts\``,
        evidence: hit.line,
        specificity: 90,
        variant: "sem-kubeconfig",
      };
    }
    return {
      cause: `o servidor de API do cluster não responde (${hit.match[1]}): o cluster está parado, a rede/VPN não chega nele, ou o contexto aponta para outro cluster`,
      fix: `confira o contexto (\`kubectl config current-context\`${input.context.kubeContext ? `; KUBE_CONTEXT=${input.context.kubeContext}` : ""}) e se o cluster está no ar (\`kubectl cluster-info\`)`,
      evidence: hit.line,
    };
  },
};

/** `kubectl exec svc/NAME` found no pod before its timeout. */
const svcWithoutPods: Signature = {
  id: "kubectl-servico-sem-pods",
  specificity: 85,
  detect: (input) => {
    const hit = findLine(input.text, /error: timed out waiting for the condition$/);
    const svc = /\b(?:svc|service|services)\/([a-z0-9.-]+)/.exec(input.result?.command ?? "")?.[1];
    if (!hit || svc === undefined || !/\b(exec|logs|port-forward|attach)\b/.test(input.result?.command ?? "")) return undefined;
    const ns = /(?:-n|--namespace)[ =](\S+)/.exec(input.result?.command ?? "")?.[1] ?? "default";
    return {
      cause: `nenhum pod atende svc/${svc} no namespace ${ns}: o kubectl esperou um pod aparecer e desistiu`,
      fix: `veja o seletor e os pods: \`kubectl get svc ${svc} -n ${ns} -o wide\` e \`kubectl get pods -n ${ns} -l app=${svc}\`; o simul-shop (capítulo 4) precisa estar implantado`,
      evidence: hit.line,
    };
  },
};

/** `kubectl exec svc/NAME` on a service without selector. */
const svcWithoutSelector: Signature = {
  id: "kubectl-servico-sem-seletor",
  specificity: 90,
  detect: (input) => {
    const hit = findLine(input.text, /invalid service '([^']+)': Service is defined without a selector/);
    return hit && {
      cause: `o Service ${hit.match[1]} não tem seletor, então não há pod para o kubectl usar`,
      fix: `use um pod diretamente (\`kubectl get pods\`) ou um Service com seletor`,
      evidence: hit.line,
    };
  },
};

/** An object does not exist. */
const notFound: Signature = {
  id: "kubectl-recurso-inexistente",
  specificity: 70,
  detect: (input) => {
    const hit = findLine(input.text, /Error from server \(NotFound\): (\S+?)(?:\.[\w.]+)? "([^"]+)" not found/);
    if (!hit) return undefined;
    const kind = hit.match[1]!;
    const name = hit.match[2]!;
    const ns = /(?:-n|--namespace)[ =](\S+)/.exec(input.result?.command ?? "")?.[1];
    return {
      cause: `${kind} "${name}" não existe${ns ? ` no namespace ${ns}` : " no namespace usado"}`,
      fix: kind === "namespaces"
        ? `crie o namespace (\`kubectl create namespace ${name}\`) ou rode o passo que o cria`
        : `liste o que existe (\`kubectl get ${kind} -A\`) e confira o nome e o namespace${/^(services|pods|deployments)$/.test(kind) ? "; os serviços do simul-shop (capítulo 4) ficam no namespace default" : ""}`,
      evidence: hit.line,
    };
  },
};

/** exec into a finished pod. */
const completedPod: Signature = {
  id: "kubectl-pod-terminado",
  specificity: 90,
  detect: (input) => {
    const hit = findLine(input.text, /cannot exec into a container in a completed pod; current phase is (\w+)/);
    return hit && {
      cause: `o pod escolhido já terminou (fase ${hit.match[1]}): não dá para executar comandos nele`,
      fix: "veja os pods (`kubectl get pods`), apague os terminados ou use o nome de um pod em Running",
      evidence: hit.line,
    };
  },
};

/** The container named with -c does not exist in the pod. */
const containerNotFound: Signature = {
  id: "kubectl-conteiner-inexistente",
  specificity: 85,
  detect: (input) => {
    const hit = findAny(input.text, [/container not found \("([^"]+)"\)/, /container (\S+) is not valid for pod (\S+)/]);
    return hit && {
      cause: `o contêiner "${hit.match[1]}" não existe nesse pod`,
      fix: "liste os contêineres com `kubectl get pod <pod> -o jsonpath='{.spec.containers[*].name}'` e corrija o -c",
      evidence: hit.line,
    };
  },
};

/** `kubectl wait` gave up. */
const waitTimeout: Signature = {
  id: "kubectl-espera-esgotada",
  specificity: 80,
  detect: (input) => {
    const hit = findLine(input.text, /error: timed out waiting for the condition on (\S+)/);
    return hit && {
      cause: `${hit.match[1]} não chegou à condição esperada dentro do tempo`,
      fix: `veja o motivo em \`kubectl describe ${hit.match[1]}\` (eventos no fim) e nos logs; imagens que não baixam e falta de recursos são as causas mais comuns`,
      evidence: hit.line,
    };
  },
};

/** kubectl signatures. */
export const KUBECTL_SIGNATURES: readonly Signature[] = [contextMissing, clusterUnreachable, svcWithoutPods, svcWithoutSelector, notFound, completedPod, containerNotFound, waitTimeout];
