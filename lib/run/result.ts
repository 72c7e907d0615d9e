// One result shape for every command, success or failure: a failed command throws this same object.
import { inspect } from "node:util";
import type { CommandTarget } from "./events.js";

/** Meaning of well-known exit codes, shown in failure messages (Portuguese, for the student). */
const EXIT_MEANINGS: Record<number, string> = {
  1: "erro geral",
  2: "uso incorreto",
  124: "tempo esgotado",
  126: "comando não executável (permissão)",
  127: "comando não encontrado",
  130: "interrompido (Ctrl-C)",
  137: "morto (SIGKILL)",
  143: "terminado (SIGTERM)",
  255: "falha do ssh (conexão ou autenticação)",
};

/** Fields of a CommandResult. */
export interface CommandResultFields {
  id: string;
  step?: string;
  target: CommandTarget;
  /** Display form of the command, secrets masked. */
  command: string;
  /** The argv that ran (masked; for SSH, the local ssh argv). */
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  /** Masked output. */
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Recorded in plan mode, not run. */
  planned: boolean;
  /** A spawn error (e.g. ENOENT), when the process could not start. */
  cause?: string;
}

/** The outcome of one command. `ok` is true for exit code 0; a failed result is thrown unless `nothrow` was asked. */
export class CommandResult extends Error {
  readonly id: string;
  readonly step: string | undefined;
  readonly target: CommandTarget;
  readonly command: string;
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly planned: boolean;
  override readonly cause: string | undefined;

  constructor(fields: CommandResultFields) {
    super(describe(fields));
    this.name = "CommandResult";
    this.id = fields.id;
    this.step = fields.step;
    this.target = fields.target;
    this.command = fields.command;
    this.argv = fields.argv;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stdout = fields.stdout;
    this.stderr = fields.stderr;
    this.durationMs = fields.durationMs;
    this.timedOut = fields.timedOut;
    this.planned = fields.planned;
    this.cause = fields.cause;
  }

  /** True when the command exited with 0 (or was only planned). */
  get ok(): boolean {
    return this.planned || (this.exitCode === 0 && !this.timedOut);
  }

  /** stdout and stderr together, stdout first. */
  get output(): string {
    return [this.stdout, this.stderr].filter(Boolean).join(this.stdout.endsWith("\n") || !this.stdout ? "" : "\n");
  }

  /** The stdout without the trailing newline. */
  text(): string {
    return this.stdout.replace(/\n$/, "");
  }

  /** Parses stdout as JSON. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.stdout) as T;
    } catch (error) {
      throw new Error(`a saída de \`${this.command}\` não é JSON válido: ${(error as Error).message}`);
    }
  }

  /** How a notebook cell prints this value: nothing when it succeeded (the cell already shows the command and its
   * output), the Portuguese message without a stack trace when it failed. */
  [inspect.custom](): string {
    return this.ok ? "" : `CommandResult: ${this.message}`;
  }

  /** A plain object copy (for reports and events). */
  toJSON(): CommandResultFields & { ok: boolean } {
    return {
      id: this.id,
      ...(this.step !== undefined ? { step: this.step } : {}),
      target: this.target,
      command: this.command,
      argv: this.argv,
      exitCode: this.exitCode,
      signal: this.signal,
      stdout: this.stdout,
      stderr: this.stderr,
      durationMs: this.durationMs,
      timedOut: this.timedOut,
      planned: this.planned,
      ...(this.cause !== undefined ? { cause: this.cause } : {}),
      ok: this.ok,
    };
  }
}

/** The message of a result: the command, how it ended and the last lines of stderr (Portuguese). */
const describe = (f: CommandResultFields): string => {
  if (f.planned) return `planejado: ${f.command}`;
  const how = f.timedOut
    ? `tempo esgotado após ${(f.durationMs / 1000).toFixed(1)} s`
    : f.cause
      ? `não foi possível executar (${f.cause})`
      : f.signal
        ? `terminado pelo sinal ${f.signal}`
        : `código de saída ${f.exitCode}${f.exitCode !== null && EXIT_MEANINGS[f.exitCode] ? ` (${EXIT_MEANINGS[f.exitCode]})` : ""}`;
  const tail = f.stderr.trim().split("\n").slice(-5).join("\n");
  return `${f.exitCode === 0 && !f.timedOut ? "ok" : "falhou"}: ${f.command}\n${how}${tail ? `\n${tail}` : ""}`;
};
