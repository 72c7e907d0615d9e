// The chapter's variables as typed parameters: name, meaning (Portuguese, for the student), default and validation.
import { isDnsName, isHttpUrl, isIpAddress, isRfc1123Label, isRfc1123Subdomain, parseIstioVersion } from "./validate.js";

/** Every parameter of the runbook, by name (the chapter's variable names where it has them). */
export interface RunbookParams {
  /** "lab" (the offline lab) or "cluster" (a real cluster and VM). */
  TARGET: "lab" | "cluster";
  KUBECONFIG: string;
  /** Kube context to use; empty = the kubeconfig's current-context. */
  KUBE_CONTEXT: string;
  KUBECTL: string;
  ISTIOCTL: string;
  ISTIO_VERSION: string;
  /** Folder of the Istio release the student downloaded (istio-<version>/, with bin/ and samples/). */
  ISTIO_DIR: string;
  /** Base URL of the release bucket; the sidecar package is <base>/<version>/deb/istio-sidecar.deb. */
  ISTIO_SIDECAR_BASE_URL: string;
  CLUSTER_ID: string;
  CLUSTER_NETWORK: string;
  MESH_ID: string;
  VM_ADDRESS: string;
  VM_PUB_ADDRESS: string;
  VM_APP: string;
  VM_NAMESPACE: string;
  WORK_DIR: string;
  SERVICE_ACCOUNT: string;
  VM_USER: string;
  VM_PKEY_PATH: string;
  /** known_hosts file the project owns (host keys accepted on first use, then checked). */
  SSH_KNOWN_HOSTS: string;
}

/** A parameter's name. */
export type ParamName = keyof RunbookParams;

/** How one parameter is described, defaulted and validated. */
export interface ParamSpec {
  name: ParamName;
  /** One line for the student (Portuguese). */
  description: string;
  /** Default value; undefined = required. */
  default?: string;
  /** A path: relative values are resolved against the project folder. */
  path?: boolean;
  /** Returns a problem (Portuguese) for a bad value, or undefined. Empty values of optional parameters are not validated. */
  validate?: (value: string) => string | undefined;
}

const host = (v: string) => (isIpAddress(v) || isDnsName(v) ? undefined : `"${v}" não é um endereço IP válido nem um nome DNS`);
const label = (v: string) =>
  isRfc1123Label(v) ? undefined : `"${v}" não é um nome válido no Kubernetes (RFC 1123: minúsculas, dígitos e '-', até 63 caracteres, começando e terminando com letra ou dígito)`;
const subdomain = (v: string) => (isRfc1123Subdomain(v) ? undefined : `"${v}" não é um nome válido no Kubernetes (RFC 1123)`);
const unixUser = (v: string) => (/^[a-z_][a-z0-9_-]{0,31}$/.test(v) ? undefined : `"${v}" não é um nome de usuário Linux válido`);

/** The parameters, in the order the chapter introduces them. */
export const PARAM_SPECS: readonly ParamSpec[] = [
  { name: "TARGET", description: "alvo: lab (laboratório offline) ou cluster (cluster e VM reais)", default: "cluster", validate: (v) => (v === "lab" || v === "cluster" ? undefined : `"${v}" não é um alvo conhecido (use lab ou cluster)`) },
  { name: "VM_ADDRESS", description: "endereço interno da VM (o que o cluster alcança)", validate: host },
  { name: "VM_PUB_ADDRESS", description: "endereço público da VM (usado pelo ssh)", validate: host },
  { name: "VM_APP", description: "nome da aplicação legada na VM", default: "pegasus-pay", validate: label },
  { name: "VM_NAMESPACE", description: "namespace onde a VM é registrada", default: "legacy", validate: label },
  { name: "WORK_DIR", description: "pasta local para os arquivos gerados para a VM", default: "bkp/vmintegration", path: true },
  { name: "SERVICE_ACCOUNT", description: "conta de serviço (identidade) da VM", default: "legacy-pegasus", validate: subdomain },
  { name: "VM_USER", description: "usuário ssh da VM", default: "peguser", validate: unixUser },
  { name: "VM_PKEY_PATH", description: "chave privada ssh da VM", default: "bkp/pegasus_key.pem", path: true },
  { name: "SSH_KNOWN_HOSTS", description: "arquivo known_hosts do projeto (chaves de host aceitas no primeiro uso e conferidas depois)", default: ".state/known_hosts", path: true },
  { name: "ISTIO_VERSION", description: "versão do Istio", default: "1.8.1", validate: (v) => (parseIstioVersion(v) ? undefined : `"${v}" não é uma versão do Istio conhecida (1.8.x a 1.30.x, no formato 1.MINOR.PATCH)`) },
  { name: "ISTIO_DIR", description: "pasta da distribuição do Istio baixada (istio-<versão>)", default: "istio-${ISTIO_VERSION}", path: true },
  { name: "ISTIOCTL", description: "binário do istioctl", default: "${ISTIO_DIR}/bin/istioctl" },
  { name: "ISTIO_SIDECAR_BASE_URL", description: "URL base dos pacotes do sidecar", default: "https://storage.googleapis.com/istio-release/releases", validate: (v) => (isHttpUrl(v) ? undefined : `"${v}" não é uma URL http(s)`) },
  { name: "KUBECONFIG", description: "kubeconfig do cluster", default: "~/.kube/config" },
  { name: "KUBE_CONTEXT", description: "contexto do kubeconfig (vazio = contexto atual)", default: "" },
  { name: "KUBECTL", description: "binário do kubectl", default: "kubectl" },
  { name: "CLUSTER_ID", description: "ID do cluster no Istio", default: "Kubernetes", validate: (v) => (/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v) ? undefined : `"${v}" não é um ID de cluster válido (letras, dígitos, '-', '_' e '.')`) },
  { name: "CLUSTER_NETWORK", description: "rede do Istio (vazio = rede única)", default: "", validate: label },
  { name: "MESH_ID", description: "ID da malha (vazio = padrão)", default: "", validate: label },
];

/** The spec of one parameter. */
export const paramSpec = (name: ParamName): ParamSpec => {
  const spec = PARAM_SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown parameter ${name}`);
  return spec;
};

/** True when `name` is a runbook parameter. */
export const isParamName = (name: string): name is ParamName => PARAM_SPECS.some((s) => s.name === name);
