// istiod-down: the control plane is gone (Deployment istiod scaled to 0, as after a failed upgrade or a node loss).
// The east-west gateway still answers on its LoadBalancer address but has no istiod endpoint behind 15012, so the VM's
// agent gets its connection refused or reset through the gateway and Envoy never gets its configuration (`Envoy proxy
// is NOT ready: config not received from Pilot (is Pilot running?)` in 1.8, `… from XDS server (is Istiod running?)`
// now). The replica count is kept in an annotation on the Deployment and restored by `fault clear`.
import type { LabFault } from "../../faults/fault.js";
import { kubectl, kubectlJson } from "./kube.js";

/** Annotation holding the replicas istiod had before the fault. */
export const REPLICAS_ANNOTATION = "lab.istio-em-vms/replicas-before-fault";

interface DeploymentView {
  metadata?: { annotations?: Record<string, string> };
  spec?: { replicas?: number };
}

const deployment = (ctx: Parameters<LabFault["apply"]>[0]) => kubectlJson<DeploymentView>(ctx, ["-n", "istio-system", "get", "deployment", "istiod"]);

/** Scales istiod to zero (and back). */
export const istiodDownFault: LabFault = {
  name: "istiod-down",
  description: "o istiod está fora do ar (deployment istiod com 0 réplicas): o east-west gateway não tem para onde encaminhar a porta 15012",
  symptom: "o sidecar da VM não recebe configuração: `connection refused`/`connection reset` através do gateway e `Envoy proxy is NOT ready: config not received …`",
  async apply(ctx) {
    const d = await deployment(ctx);
    if (!d) throw new Error("não há deployment istiod em istio-system: instale o Istio (istioctl install) antes de aplicar a falha istiod-down");
    if (d.metadata?.annotations?.[REPLICAS_ANNOTATION] === undefined) {
      await kubectl(ctx, ["-n", "istio-system", "annotate", "deployment", "istiod", `${REPLICAS_ANNOTATION}=${d.spec?.replicas ?? 1}`]);
    }
    await kubectl(ctx, ["-n", "istio-system", "scale", "deployment", "istiod", "--replicas=0"]);
    await kubectl(ctx, ["-n", "istio-system", "wait", "--for=delete", "pod", "-l", "app=istiod", "--timeout=120s"], { allowFailure: true });
  },
  async clear(ctx) {
    const d = await deployment(ctx);
    const before = d?.metadata?.annotations?.[REPLICAS_ANNOTATION];
    if (!d || before === undefined) return;
    await kubectl(ctx, ["-n", "istio-system", "scale", "deployment", "istiod", `--replicas=${Number(before) || 1}`]);
    await kubectl(ctx, ["-n", "istio-system", "annotate", "deployment", "istiod", `${REPLICAS_ANNOTATION}-`]);
    await kubectl(ctx, ["-n", "istio-system", "rollout", "status", "deployment", "istiod", "--timeout=120s"], { allowFailure: true });
  },
  async isActive(ctx) {
    const d = await deployment(ctx);
    return d !== undefined && d.spec?.replicas === 0;
  },
};
