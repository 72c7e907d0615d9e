// workloadentry-sa-mismatch: the VM's WorkloadEntry (auto-registered `<wg>-<ip>` or written by hand) names a service
// account other than the one in the VM's certificate, as in the chapter's own manual entry (`serviceAccount:
// pegasus-legacy` for a VM whose identity is legacy-pegasus). Pods' sidecars then expect the wrong SPIFFE identity
// and refuse the VM's certificate: `upstream connect error or disconnect/reset before headers. … CERTIFICATE_VERIFY_FAILED`.
// The original name is kept in an annotation on each entry and put back by `fault clear`.
import type { LabContext } from "../../cli/context.js";
import type { LabFault } from "../../faults/fault.js";
import { kubectl, kubectlJson } from "./kube.js";

/** Annotation holding the entry's service account before the fault. */
export const SA_ANNOTATION = "lab.istio-em-vms/service-account-before-fault";

interface EntryView {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec?: { address?: string; serviceAccount?: string };
}

/** The mistaken name: the words of the real one in reverse order (legacy-pegasus → pegasus-legacy), or `<name>-vm`. */
export const mistakenServiceAccount = (serviceAccount: string): string => {
  const reversed = serviceAccount.split("-").reverse().join("-");
  return reversed !== serviceAccount ? reversed : `${serviceAccount}-vm`;
};

/** WorkloadEntries whose address is one of the VM's. */
const vmEntries = async (ctx: LabContext): Promise<EntryView[]> => {
  const list = await kubectlJson<{ items: EntryView[] }>(ctx, ["get", "workloadentries.networking.istio.io", "-A"]);
  const addresses = new Set([ctx.plan.vmAddress, ctx.plan.vmPublicAddress]);
  return (list?.items ?? []).filter((e) => addresses.has(e.spec?.address ?? ""));
};

const patch = (ctx: LabContext, e: EntryView, body: unknown) =>
  kubectl(ctx, ["-n", e.metadata.namespace, "patch", "workloadentries.networking.istio.io", e.metadata.name, "--type", "merge", "-p", JSON.stringify(body)]);

/** Renames the service account of the VM's WorkloadEntries (and back). */
export const workloadEntrySaMismatchFault: LabFault = {
  name: "workloadentry-sa-mismatch",
  description: "o WorkloadEntry da VM (auto-registrado ou manual) declara uma conta de serviço diferente da identidade do certificado da VM",
  symptom: "chamadas do cluster para a VM falham na verificação TLS: `upstream connect error … CERTIFICATE_VERIFY_FAILED`",
  async apply(ctx) {
    const entries = await vmEntries(ctx);
    if (!entries.length) {
      throw new Error(
        `nenhum WorkloadEntry com o endereço da VM (${ctx.plan.vmAddress}): registre a VM (auto-registro ao iniciar o sidecar, ou o WorkloadEntry manual do capítulo) antes de aplicar a falha workloadentry-sa-mismatch`,
      );
    }
    for (const e of entries) {
      if (e.metadata.annotations?.[SA_ANNOTATION] !== undefined) continue;
      const sa = e.spec?.serviceAccount ?? "default";
      await patch(ctx, e, { metadata: { annotations: { [SA_ANNOTATION]: sa } }, spec: { serviceAccount: mistakenServiceAccount(sa) } });
    }
  },
  async clear(ctx) {
    for (const e of await vmEntries(ctx)) {
      const before = e.metadata.annotations?.[SA_ANNOTATION];
      if (before === undefined) continue;
      await patch(ctx, e, { metadata: { annotations: { [SA_ANNOTATION]: null } }, spec: { serviceAccount: before } });
    }
  },
  async isActive(ctx) {
    return (await vmEntries(ctx)).some((e) => {
      const before = e.metadata.annotations?.[SA_ANNOTATION];
      return before !== undefined && before !== e.spec?.serviceAccount;
    });
  },
};
