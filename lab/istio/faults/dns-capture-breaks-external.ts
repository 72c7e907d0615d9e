// dns-capture-breaks-external: the VM resolves names like an Ubuntu cloud VM, through systemd-resolved's stub on
// 127.0.0.53 (/etc/resolv.conf → ../run/systemd/resolve/stub-resolv.conf; the uplink DNS in
// /run/systemd/resolve/resolv.conf). With Istio 1.8's DNS capture (every udp/53 not sent by istio-proxy is DNATed to
// the agent), the stub's own queries to the uplink come back to the agent, whose upstream is the stub: a loop, and
// outside names (azure.archive.ubuntu.com) stop resolving on the VM (istio#29224, the seed's "Fail DNS resolution for
// external URI on VM"). From 1.9 only the resolv.conf servers are captured and it works. `fault clear` removes the
// stand-in and puts the original /etc/resolv.conf back.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LabContext } from "../../cli/context.js";
import type { LabFault } from "../../faults/fault.js";
import { runInVm } from "../../vm/exec.js";
import { runningInit } from "../../vm/vm.js";
import { NODE_ESM_BUNDLE } from "../../bundle/esm.js";
import { forget, readVmFile, recall, remember, writeVmFile } from "./vm-files.js";

const FAULT = "dns-capture-breaks-external";

/** The stand-in's files on the VM. */
export const RESOLVED_FILES = {
  unit: "/lib/systemd/system/systemd-resolved.service",
  launcher: "/lib/systemd/systemd-resolved",
  program: "/lib/systemd/systemd-resolved.mjs",
  stubResolvConf: "/run/systemd/resolve/stub-resolv.conf",
} as const;

/** systemd-resolved.service as the stand-in runs it (root, Type=notify: started once it listens). */
export const RESOLVED_UNIT = `[Unit]
Description=Network Name Resolution
Documentation=man:systemd-resolved.service(8)
Documentation=man:org.freedesktop.resolve1(5)
Before=network.target nss-lookup.target shutdown.target

[Service]
Type=notify
ExecStart=${RESOLVED_FILES.launcher}
Restart=always
RestartSec=0

[Install]
WantedBy=multi-user.target
`;

const LAUNCHER = `#!/bin/sh
# systemd-resolved of the lab VM (installed by the lab's dns-capture-breaks-external fault): a stub resolver on
# 127.0.0.53 run on the VM's Node.js runtime (see lab/README.md, "Istio: faults").
exec /opt/lab/bin/node ${RESOLVED_FILES.program} "$@"
`;

/** The stub resolver bundled into one ESM file. */
const bundleStub = async (): Promise<string> => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const result = await build({
    entryPoints: [path.join(here, "resolved", "stub-resolver.js")],
    write: false,
    ...NODE_ESM_BUNDLE,
  });
  return result.outputFiles[0]!.text;
};

/** What the fault replaced. */
interface ResolvRecord {
  resolvConf: string;
}

/** Restarts the sidecar when it runs, so its DNS proxy and capture read the resolver now in /etc/resolv.conf (as on a VM that always had it). */
const restartRunningSidecar = (ctx: LabContext) => runInVm(ctx, ["sh", "-c", "if systemctl is-active --quiet istio; then systemctl restart istio; fi"], { allowFailure: true });

const resolvConfUsesStub = async (ctx: LabContext): Promise<boolean> => /^\s*nameserver\s+127\.0\.0\.53\s*$/m.test((await readVmFile(ctx, "/etc/resolv.conf")) ?? "");

/** The VM behind a systemd-resolved-like stub. */
export const dnsCaptureBreaksExternalFault: LabFault = {
  name: FAULT,
  description: "a VM resolve nomes como uma VM Ubuntu de nuvem: stub do systemd-resolved em 127.0.0.53 que encaminha ao DNS da nuvem",
  symptom: "com o Istio 1.8 (captura de todo udp/53) a consulta volta para o agente em laço e nomes externos (azure.archive.ubuntu.com) deixam de resolver na VM; a partir do 1.9 funciona",
  async apply(ctx) {
    if (await dnsCaptureBreaksExternalFault.isActive(ctx)) return;
    const original = await readVmFile(ctx, "/etc/resolv.conf");
    if (original === undefined) throw new Error("a VM não tem /etc/resolv.conf: reinicie-a (npm run lab -- vm reboot) antes de aplicar a falha dns-capture-breaks-external");
    await remember(ctx, FAULT, { resolvConf: original } satisfies ResolvRecord);
    await writeVmFile(ctx, RESOLVED_FILES.program, await bundleStub(), { mode: "644" });
    await writeVmFile(ctx, RESOLVED_FILES.launcher, LAUNCHER, { mode: "755" });
    await writeVmFile(ctx, RESOLVED_FILES.unit, RESOLVED_UNIT, { mode: "644" });
    await runInVm(ctx, ["systemctl", "enable", "--now", "systemd-resolved"]);
    await runInVm(ctx, ["ln", "-sfn", "../run/systemd/resolve/stub-resolv.conf", "/etc/resolv.conf"]);
    await restartRunningSidecar(ctx);
  },
  async clear(ctx) {
    const record = await recall<ResolvRecord>(ctx, FAULT);
    if (await runningInit(ctx)) {
      await runInVm(ctx, ["systemctl", "disable", "--now", "systemd-resolved"], { allowFailure: true });
      await runInVm(ctx, ["rm", "-f", RESOLVED_FILES.unit, RESOLVED_FILES.launcher, RESOLVED_FILES.program]);
      if (record) {
        await runInVm(ctx, ["rm", "-f", "/etc/resolv.conf"]);
        await writeVmFile(ctx, "/etc/resolv.conf", record.resolvConf, { mode: "644" });
      }
      await restartRunningSidecar(ctx);
    }
    await forget(ctx, FAULT);
  },
  async isActive(ctx) {
    if (!(await runningInit(ctx))) return false;
    if ((await runInVm(ctx, ["test", "-e", RESOLVED_FILES.unit], { allowFailure: true })).exitCode !== 0) return false;
    return resolvConfUsesStub(ctx);
  },
};
