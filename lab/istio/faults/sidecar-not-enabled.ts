// sidecar-not-enabled-after-reboot: istio.service was started (`systemctl start istio`) but never enabled, and the
// VM rebooted (maintenance, a resize, a host failure). The package does not enable the unit, so after the boot the
// sidecar is down: no istio.log lines since the boot, nothing on 15000/15021, the VM's WorkloadEntry disconnected.
// `fault clear` runs the fix: `systemctl enable --now istio`.
import type { LabFault } from "../../faults/fault.js";
import { runInVm } from "../../vm/exec.js";
import { rebootVm, runningInit } from "../../vm/vm.js";
import type { LabContext } from "../../cli/context.js";
import { forget, recall, remember } from "./vm-files.js";

const UNIT_FILE = "/lib/systemd/system/istio.service";

const unitInstalled = async (ctx: LabContext): Promise<boolean> => (await runInVm(ctx, ["test", "-e", UNIT_FILE], { allowFailure: true })).exitCode === 0;

const systemctlQuiet = async (ctx: LabContext, verb: "is-enabled" | "is-active"): Promise<boolean> =>
  (await runInVm(ctx, ["systemctl", verb, "--quiet", "istio"], { allowFailure: true })).exitCode === 0;

/** Started, not enabled, then rebooted. */
export const sidecarNotEnabledFault: LabFault = {
  name: "sidecar-not-enabled-after-reboot",
  description: "o istio.service foi iniciado (systemctl start) mas não habilitado (systemctl enable), e a VM reiniciou",
  symptom: "depois do reboot o sidecar está parado: `systemctl status istio` mostra inactive (dead) e disabled, nada responde em localhost:15000",
  async apply(ctx) {
    if (!(await unitInstalled(ctx))) throw new Error("o pacote istio-sidecar não está instalado na VM (falta /lib/systemd/system/istio.service): instale-o com dpkg -i antes de aplicar a falha sidecar-not-enabled-after-reboot");
    await remember(ctx, "sidecar-not-enabled-after-reboot", { wasEnabled: await systemctlQuiet(ctx, "is-enabled") });
    await runInVm(ctx, ["systemctl", "disable", "istio"], { allowFailure: true });
    await runInVm(ctx, ["systemctl", "start", "istio"], { allowFailure: true });
    await rebootVm({ plan: ctx.plan, paths: ctx.paths, onProgress: ctx.progress });
  },
  async clear(ctx) {
    if ((await recall(ctx, "sidecar-not-enabled-after-reboot")) && (await runningInit(ctx)) && (await unitInstalled(ctx))) {
      await runInVm(ctx, ["systemctl", "enable", "--now", "istio"]);
    }
    await forget(ctx, "sidecar-not-enabled-after-reboot");
  },
  async isActive(ctx) {
    if (!(await recall(ctx, "sidecar-not-enabled-after-reboot")) || !(await runningInit(ctx)) || !(await unitInstalled(ctx))) return false;
    return !(await systemctlQuiet(ctx, "is-enabled")) && !(await systemctlQuiet(ctx, "is-active"));
  },
};
