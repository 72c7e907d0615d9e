// The `lab` commands: up, down, status, reset, vm reboot|ssh, fault list|clear|<name>.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import path from "node:path";
import { LAB_FAULTS } from "../faults/index.js";
import { rebootVm, runningInit, VM_USER } from "../vm/vm.js";
import { LabUsageError } from "./args.js";
import type { LabContext } from "./context.js";
import { writeParamsFile } from "./params-file.js";
import { LAB_PARTS } from "./parts.js";
import { instanceLeftovers, sweepInstance } from "./sweep.js";

/** Output of a command: lines for stdout, and the exit code. */
export interface CommandResult {
  lines: string[];
  exitCode: number;
}

/** `up`: every part in order; writes the parameters file and returns its lines. */
export const up = async (ctx: LabContext): Promise<CommandResult> => {
  const params: Record<string, string> = {};
  for (const part of LAB_PARTS) Object.assign(params, await part.up(ctx));
  const lines = await writeParamsFile(ctx.paths.paramsFile, params);
  ctx.progress(`parâmetros gravados em ${ctx.paths.paramsFile}`);
  return { lines, exitCode: 0 };
};

/** `down`: clears faults, every part in reverse, sweeps the rest, then verifies nothing of the instance is left. */
export const down = async (ctx: LabContext): Promise<CommandResult> => {
  const removed: string[] = [];
  for (const fault of LAB_FAULTS) {
    if (await fault.isActive(ctx).catch(() => false)) {
      ctx.progress(`removendo a falha ${fault.name}…`);
      await fault.clear(ctx);
      removed.push(`falha ${fault.name}`);
    }
  }
  for (const part of [...LAB_PARTS].reverse()) {
    ctx.progress(`parando ${part.name}…`);
    removed.push(...(await part.down(ctx)));
  }
  ctx.progress("procurando restos da instância (namespaces, interfaces, montagens, processos)…");
  removed.push(...(await sweepInstance(ctx)));
  const left = [...(await instanceLeftovers(ctx))];
  for (const part of LAB_PARTS) left.push(...(await part.leftovers(ctx)));
  const lines = [
    removed.length ? `removido: ${removed.join("; ")}` : `nada a remover: o laboratório ${ctx.instance} não estava no ar`,
    left.length ? `ATENÇÃO: ainda restam: ${[...new Set(left)].join("; ")}` : `verificado: nada do laboratório ${ctx.instance} ficou no host (namespaces, interfaces, montagens, /etc/netns, processos)`,
  ];
  return { lines, exitCode: left.length ? 1 : 0 };
};

/** `status`: one line per part, then the active faults. */
export const status = async (ctx: LabContext): Promise<CommandResult> => {
  const lines: string[] = [];
  let ok = true;
  for (const part of LAB_PARTS) {
    for (const line of await part.status(ctx)) {
      ok &&= line.ok;
      lines.push(`${line.ok ? "ok  " : "--  "} ${line.part}: ${line.text}`);
    }
  }
  const active: string[] = [];
  for (const fault of LAB_FAULTS) if (await fault.isActive(ctx).catch(() => false)) active.push(fault.name);
  lines.push(`falhas ativas: ${active.length ? active.join(", ") : "nenhuma"}`);
  return { lines, exitCode: ok ? 0 : 3 };
};

/** `reset`: faults cleared, every part back to a fresh state, then `up` (parameters rewritten). */
export const reset = async (ctx: LabContext): Promise<CommandResult> => {
  for (const fault of LAB_FAULTS) if (await fault.isActive(ctx).catch(() => false)) await fault.clear(ctx);
  // What inactive faults still remember (originals they replaced) describes the VM and cluster being rebuilt: forget it.
  await rm(path.join(ctx.paths.state, "faults"), { recursive: true, force: true });
  for (const part of LAB_PARTS) {
    if (part.reset) await part.reset(ctx);
    else {
      await part.down(ctx);
      await part.up(ctx);
    }
  }
  return up(ctx);
};

/** `vm reboot`. */
export const vmReboot = async (ctx: LabContext): Promise<CommandResult> => {
  const info = await rebootVm({ plan: ctx.plan, paths: ctx.paths, onProgress: ctx.progress });
  return { lines: [`VM reiniciada (pid ${info.initPid})`], exitCode: 0 };
};

/** `vm ssh [command…]`: the student's ssh, with the terminal attached. */
export const vmSsh = async (ctx: LabContext, remote: string[]): Promise<CommandResult> => {
  if (!(await runningInit({ plan: ctx.plan, paths: ctx.paths }))) {
    throw new LabUsageError(`a VM do laboratório ${ctx.instance} não está em execução: rode \`npm run lab -- up --instance ${ctx.instance}\``);
  }
  const child = spawn(
    "ssh",
    ["-i", ctx.paths.sshKey, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", `${VM_USER}@${ctx.plan.vmPublicAddress}`, ...remote],
    { stdio: "inherit" },
  );
  const [code] = (await once(child, "exit")) as [number | null];
  return { lines: [], exitCode: code ?? 255 };
};

/** `fault list | clear [name] | <name>`. */
export const fault = async (ctx: LabContext, args: string[]): Promise<CommandResult> => {
  const [what, name] = args;
  const byName = (n: string) => {
    const found = LAB_FAULTS.find((f) => f.name === n);
    if (!found) throw new LabUsageError(`falha desconhecida: "${n}"; as falhas disponíveis são ${LAB_FAULTS.map((f) => f.name).join(", ")} (veja npm run lab -- fault list)`);
    return found;
  };
  if (!what || what === "list") {
    const lines: string[] = [];
    for (const f of LAB_FAULTS) {
      const active = await f.isActive(ctx).catch(() => false);
      lines.push(`${f.name.padEnd(22)} ${active ? "[ATIVA] " : ""}${f.description}; sintoma: ${f.symptom}`);
    }
    return { lines, exitCode: 0 };
  }
  if (what === "clear") {
    const targets = name ? [byName(name)] : LAB_FAULTS;
    const cleared: string[] = [];
    const unknown: string[] = [];
    for (const f of targets) {
      // For a named fault, a probe that fails is reported, never taken for "not active": the fault could still be in
      // place. Clearing them all skips a part that does not answer (a lab without a cluster has no istiod to scale).
      let active: boolean;
      try {
        active = await f.isActive(ctx);
      } catch (error) {
        if (!name) continue;
        unknown.push(`não foi possível verificar a falha ${f.name} (${(error as Error).message.split("\n")[0]}); confira o laboratório (npm run lab -- status --instance ${ctx.instance}) e rode fault clear ${f.name} de novo`);
        continue;
      }
      if (active) {
        await f.clear(ctx);
        cleared.push(f.name);
      }
    }
    return { lines: [cleared.length ? `falhas removidas: ${cleared.join(", ")}` : "nenhuma falha ativa", ...unknown], exitCode: unknown.length ? 1 : 0 };
  }
  if (args.length > 1) throw new LabUsageError(`use \`fault <nome>\` com uma falha por vez (recebido: ${args.join(" ")})`);
  const f = byName(what);
  await f.apply(ctx);
  return { lines: [`falha ${f.name} ativa: ${f.description}; sintoma: ${f.symptom}. Para desfazer: npm run lab -- fault clear ${f.name}`], exitCode: 0 };
};
