// What a failed kubectl (or API call) most likely means, for the student: signatures of kubectl's error output mapped
// to a cause and a fix in Portuguese (diagnosis material for checks and failed steps).
import type { Diagnosis } from "../run/events.js";

interface Signature {
  id: string;
  pattern: RegExp;
  cause: (m: RegExpExecArray) => string;
  fix: (m: RegExpExecArray) => string;
}

const SIGNATURES: readonly Signature[] = [
  {
    id: "kube-connection-refused",
    pattern: /connection to the server (\S+) was refused|dial tcp (\S+): connect: connection refused/,
    cause: (m) => `o servidor da API do Kubernetes (${m[1] ?? m[2]}) recusou a conexão: nada escuta nesse endereço`,
    fix: () => "confira se o cluster está no ar (no laboratório: `npm run lab -- status`) e se KUBECONFIG/KUBE_CONTEXT apontam para ele",
  },
  {
    id: "kube-timeout",
    pattern: /Unable to connect to the server: (?:dial tcp (\S+): )?(?:i\/o timeout|net\/http: TLS handshake timeout|context deadline exceeded)/,
    cause: (m) => `o servidor da API${m[1] ? ` (${m[1]})` : ""} não respondeu a tempo: rede, firewall ou VPN no caminho`,
    fix: () => "teste a conectividade com o endereço do servidor do kubeconfig; se o cluster é na nuvem, confira se a sua rede pode alcançá-lo",
  },
  {
    id: "kube-dns",
    pattern: /dial tcp: lookup (\S+)(?: on \S+)?: no such host/,
    cause: (m) => `o nome ${m[1]} do servidor da API não resolve no DNS`,
    fix: () => "confira o endereço do servidor no kubeconfig (kubectl config view --minify) ou o DNS desta máquina",
  },
  {
    id: "kube-certificate",
    pattern: /x509: certificate (signed by unknown authority|has expired or is not yet valid|is valid for [^\n]+)/,
    cause: (m) => `o certificado do servidor da API não confere com o kubeconfig (${m[1]})`,
    fix: () => "gere o kubeconfig de novo com a ferramenta do provedor do cluster",
  },
  {
    id: "kube-unauthorized",
    pattern: /error: You must be logged in to the server \(Unauthorized\)|\(Unauthorized\)/,
    cause: () => "o servidor da API recusou as credenciais do kubeconfig (token ou certificado expirado)",
    fix: () => "gere o kubeconfig de novo (ou renove o login) e repita o passo",
  },
  {
    id: "kube-forbidden",
    pattern: /Error from server \(Forbidden\): (?!.*being terminated)(.+)/,
    cause: (m) => `o usuário do kubeconfig não tem permissão: ${m[1]}`,
    fix: () => "use um usuário com acesso de administrador ao cluster (o Istio instala recursos do cluster inteiro)",
  },
  {
    id: "kube-namespace-terminating",
    pattern: /unable to create new content in namespace (\S+) because it is being terminated/,
    cause: (m) => `o namespace ${m[1]} ainda está sendo removido`,
    fix: (m) => `espere a remoção terminar (\`kubectl wait --for=delete namespace/${m[1]}\`) e repita o passo`,
  },
  {
    id: "kube-no-kind",
    pattern: /no matches for kind "(\w+)" in version "([^"]+)"|the server doesn't have a resource type "([^"]+)"/,
    cause: (m) => `o cluster não conhece ${m[1] ? `o tipo ${m[1]} (${m[2]})` : `o tipo "${m[3]}"`}: os CRDs ${m[2]?.includes("istio") || m[3]?.includes("istio") || /^(workload|peer|service|gateway|virtual|destination)/i.test(m[1] ?? m[3] ?? "") ? "do Istio " : ""}não estão instalados ou a versão da API não é servida`,
    fix: () => "instale o Istio antes (istioctl install) ou use a apiVersion que a sua versão do Istio serve (v1alpha3/v1beta1 no 1.8, v1 a partir do 1.22)",
  },
  {
    id: "kube-namespace-missing",
    pattern: /namespaces? "([^"]+)" not found/,
    cause: (m) => `o namespace ${m[1]} não existe`,
    fix: (m) => `crie o namespace antes (\`kubectl create namespace ${m[1]}\`)`,
  },
  {
    id: "kube-not-found",
    pattern: /Error from server \(NotFound\): (\S+) "([^"]+)" not found/,
    cause: (m) => `o objeto ${m[1]}/${m[2]} não existe no cluster`,
    fix: () => "confira o nome e o namespace (-n); se ele é criado por um passo anterior, rode esse passo primeiro",
  },
  {
    id: "kube-already-exists",
    pattern: /Error from server \(AlreadyExists\): (\S+) "([^"]+)" already exists/,
    cause: (m) => `o objeto ${m[1]}/${m[2]} já existe`,
    fix: () => "nada a fazer se ele é o que você quer; para recriá-lo, apague-o antes (kubectl delete) ou use kubectl apply",
  },
  {
    id: "kube-context-missing",
    pattern: /context "([^"]+)" does not exist|error: no context exists with the name: "([^"]+)"/,
    cause: (m) => `o contexto ${m[1] ?? m[2]} não existe no kubeconfig`,
    fix: () => "corrija KUBE_CONTEXT (veja `kubectl config get-contexts`)",
  },
  {
    id: "kube-wait-timeout",
    pattern: /timed out waiting for the condition(?: on (\S+))?/,
    cause: (m) => `a condição esperada não foi atingida no tempo dado${m[1] ? ` (${m[1]})` : ""}`,
    fix: () => "veja o estado do objeto (kubectl describe) e os eventos do namespace (kubectl get events); se ele só é lento, repita com um tempo maior",
  },
  {
    id: "kube-exec-no-pod",
    pattern: /no running pod for (\S+)|unable to upgrade connection: container not found \("([^"]+)"\)|container (\S+) not found in pod/,
    cause: (m) => (m[1] ? `não há pod em execução para ${m[1]}` : `o contêiner ${m[2] ?? m[3]} não existe no pod escolhido`),
    fix: () => "confira os pods com `kubectl get pods -n <namespace>` (devem estar Running e prontos) e o nome do contêiner (-c)",
  },
  {
    id: "kube-exec-exit-code",
    pattern: /command terminated with exit code (\d+)/,
    cause: (m) => `o comando dentro do contêiner terminou com código ${m[1]}`,
    fix: () => "leia a saída do comando acima: o erro é do programa executado no pod, não do kubectl",
  },
];

/** The diagnoses that match kubectl's (or the API's) error output, most specific first; [] when none does. */
export const diagnoseKubeFailure = (output: string): Diagnosis[] => {
  const found: Diagnosis[] = [];
  for (const signature of SIGNATURES) {
    const m = signature.pattern.exec(output);
    if (!m) continue;
    found.push({ id: signature.id, cause: signature.cause(m), fix: signature.fix(m), evidence: m[0].slice(0, 300) });
  }
  return found;
};

/** The ids of every signature (for coverage tests and the diagnosis catalog). */
export const KUBE_FAILURE_IDS: readonly string[] = SIGNATURES.map((s) => s.id);
