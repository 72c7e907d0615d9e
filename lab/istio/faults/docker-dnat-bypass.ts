// docker-dnat-bypass: pegasus-pay runs as the course runs it, published with `-p 8000:8000`. Docker's nat PREROUTING
// jump to DOCKER comes before the ISTIO_INBOUND jump istio-start.sh appends, so its DNAT sends the mesh's mTLS straight
// to the plaintext app and pods get `upstream connect error or disconnect/reset before headers. …` (istio-vm-facts §4).
// As a fault it puts that state back after the fix (`--network host`); `fault clear` restores what ran before.
import type { LabContext } from "../../cli/context.js";
import type { LabFault } from "../../faults/fault.js";
import { runInVm } from "../../vm/exec.js";
import { runningInit } from "../../vm/vm.js";
import { forget, recall, remember } from "./vm-files.js";

/** The course's container and image. */
export const PEGASUS = { name: "pegasus-pay", image: "kdop/generic-service:0.0.5", port: 8000 } as const;

/** How pegasus-pay runs: not at all, behind Docker's published port, or on the VM's network. */
export type PegasusMode = "absent" | "published" | "host-network";

/** The course's `docker run` for pegasus-pay, with `-p 8000:8000` or `--network host`. */
export const pegasusRunArgv = (mode: Exclude<PegasusMode, "absent">): string[] => [
  "docker",
  "run",
  "-d",
  "--rm",
  ...(mode === "published" ? ["-p", `${PEGASUS.port}:${PEGASUS.port}`] : ["--network", "host"]),
  "--hostname",
  PEGASUS.name,
  "--name",
  PEGASUS.name,
  "-e",
  `SCHED_CALL_URL_LST=http://localhost:${PEGASUS.port}/healthz`,
  "-e",
  "SCHED_CALL_INTERVAL=300",
  "-e",
  `APP=${PEGASUS.name}`,
  "-e",
  "VERSION=v1",
  PEGASUS.image,
];

/** The mode pegasus-pay runs in now, read from `docker ps` and Docker's nat DOCKER chain. */
export const pegasusMode = async (ctx: LabContext): Promise<PegasusMode> => {
  const ps = await runInVm(ctx, ["docker", "ps"], { allowFailure: true });
  if (ps.exitCode !== 0 || !new RegExp(`\\s${PEGASUS.name}\\s*$`, "m").test(ps.stdout)) return "absent";
  const nat = await runInVm(ctx, ["iptables", "-t", "nat", "-S", "DOCKER"], { allowFailure: true });
  return new RegExp(`--dport ${PEGASUS.port} -j DNAT`).test(nat.stdout) ? "published" : "host-network";
};

/** Replaces pegasus-pay with one running in `mode`. */
const runPegasus = async (ctx: LabContext, mode: PegasusMode): Promise<void> => {
  await runInVm(ctx, ["docker", "rm", "-f", PEGASUS.name], { allowFailure: true });
  if (mode !== "absent") await runInVm(ctx, pegasusRunArgv(mode));
};

/** pegasus-pay published with -p again. */
export const dockerDnatBypassFault: LabFault = {
  name: "docker-dnat-bypass",
  description: "o pegasus-pay roda publicado com `docker run -p 8000:8000` (como no curso): o DNAT do Docker vem antes da captura do Istio",
  symptom: "com mTLS, chamadas do cluster para a VM falham com 503 `upstream connect error or disconnect/reset before headers. reset reason: connection failure` (o texto do curso)",
  async apply(ctx) {
    // Judged by what runs, not by a record: a record left by an earlier apply (a reboot took the container away, or a
    // reset rebuilt the VM) must not turn this apply into a no-op.
    if (await dockerDnatBypassFault.isActive(ctx)) return;
    const before = await pegasusMode(ctx);
    await remember(ctx, "docker-dnat-bypass", { before });
    if (before !== "published") await runPegasus(ctx, "published");
  },
  async clear(ctx) {
    const record = await recall<{ before: PegasusMode }>(ctx, "docker-dnat-bypass");
    if (record && (await runningInit(ctx)) && (await pegasusMode(ctx)) === "published" && record.before !== "published") await runPegasus(ctx, record.before);
    await forget(ctx, "docker-dnat-bypass");
  },
  async isActive(ctx) {
    if (!(await recall(ctx, "docker-dnat-bypass")) || !(await runningInit(ctx))) return false;
    return (await pegasusMode(ctx)) === "published";
  },
};
