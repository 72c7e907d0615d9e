// Causes of failed structured checks that have no error text of their own: no WorkloadEntry, no external IP,
// missing generated files, a sidecar log without the ADS connection.
import { or } from "../evidence.js";
import type { Signature } from "../types.js";

/** The VM was not auto-registered. */
const noWorkloadEntry: Signature = {
  id: "workloadentry-ausente",
  specificity: 60,
  detect: (input) => {
    if (input.kind !== "workload-entry" || !/nenhuma WorkloadEntry/.test(input.text)) return undefined;
    const ns = or(input.context.vmNamespace, "legacy");
    return {
      cause: `nenhuma WorkloadEntry da VM no namespace ${ns}: o autorregistro não aconteceu — o istiod está sem PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION (desligado por padrão no 1.8 e 1.9), os arquivos foram gerados sem --autoregister (sem ISTIO_META_AUTO_REGISTER_GROUP no cluster.env), ou o sidecar da VM ainda não se conectou ao istiod`,
      fix: `instale o Istio com \`--set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true\`, gere os arquivos com \`--autoregister\` e reinicie o sidecar; ou crie a WorkloadEntry à mão (a seção "[Desnecessário se o autoregistro estiver ligado]" do capítulo)`,
    };
  },
};

/** The auto-registered entry has the VM's other address. */
const otherAddress: Signature = {
  id: "workloadentry-outro-endereco",
  specificity: 65,
  detect: (input) => {
    if (input.kind !== "workload-entry" || !/outro endereço/.test(input.text)) return undefined;
    return {
      cause: "o autorregistro usa o primeiro endereço da VM (em nuvem, o privado; istio/istio#39519), que não é o esperado",
      fix: `use nas verificações o endereço registrado, ou defina o endereço certo criando a WorkloadEntry à mão (VM_ADDRESS=${or(input.context.vmAddress, "?")})`,
    };
  },
};

/** A LoadBalancer without an address. */
const noExternalIp: Signature = {
  id: "loadbalancer-sem-ip",
  specificity: 60,
  detect: (input) => {
    if (input.kind !== "external-ip") return undefined;
    return {
      cause: "o Service do tipo LoadBalancer ainda não tem endereço externo (<pending>)",
      fix: "em nuvem, espere alguns minutos pelo balanceador; em clusters locais (kind, minikube, k3d) é preciso um provedor de LoadBalancer (MetalLB, `minikube tunnel`) — ou gere os arquivos da VM com --ingressIP apontando para um endereço alcançável",
    };
  },
};

/** Generated files missing or empty. */
const filesMissing: Signature = {
  id: "arquivos-da-vm-ausentes",
  specificity: 60,
  detect: (input) => {
    if (input.kind !== "files") return undefined;
    const emptyHosts = /hosts.*vazio/.test(input.text);
    return emptyHosts
      ? {
          cause: "o arquivo hosts gerado está vazio: o balanceador do east-west gateway só tem nome DNS, sem IP (istio/istio#31624)",
          fix: "gere os arquivos de novo com `--ingressIP <IP do gateway>`",
          variant: "hosts-vazio",
        }
      : {
          cause: "faltam arquivos que `istioctl x workload entry configure` deveria ter gerado",
          fix: `rode de novo \`istioctl x workload entry configure -f workloadgroup.yaml -o "${or(input.context.workDir, "$WORK_DIR")}"\` e confira se ele terminou sem erro (o namespace e a conta de serviço precisam existir)`,
        };
  },
};

/** The WorkloadEntry names another identity than the VM's certificate. */
const entryServiceAccount: Signature = {
  id: "workloadentry-conta-de-servico",
  specificity: 70,
  detect: (input) => {
    if (input.kind !== "workload-entry" || !/tem serviceAccount/.test(input.text)) return undefined;
    const sa = or(input.context.serviceAccount, "legacy-pegasus");
    return {
      cause: `a WorkloadEntry declara outra conta de serviço que a do certificado da VM ("${sa}", a do WorkloadGroup): os pods vão recusar a identidade da VM (upstream connect error)`,
      fix: `corrija spec.serviceAccount da WorkloadEntry para "${sa}" e aplique de novo`,
    };
  },
};

/** The sidecar log never shows the connection to istiod. */
const neverConnected: Signature = {
  id: "sidecar-sem-conexao-ads",
  specificity: 30,
  detect: (input) => {
    if (input.kind !== "sidecar-log" || !/nunca abriu a conexão|caiu e não voltou|não tem linhas do sidecar/.test(input.text)) return undefined;
    return {
      cause: "o sidecar da VM não está conectado ao istiod (ainda iniciando, parado, ou sem acesso à porta 15012)",
      fix: "confira o serviço (`sudo systemctl status istio`), leia o /var/log/istio/istio.log inteiro e o istio.err.log, e teste a porta 15012 do east-west gateway a partir da VM",
    };
  },
};

/** Structured-check signatures. */
export const STRUCTURED_SIGNATURES: readonly Signature[] = [noWorkloadEntry, otherAddress, entryServiceAccount, noExternalIp, filesMissing, neverConnected];
