// The error a student sees for bad input: what is wrong and how to fix it, in Portuguese, raised before anything changes.
import { inspect } from "node:util";

/** Bad input (a parameter, a file, a name): carries the cause and the fix separately so cells can render them. */
export class InputError extends Error {
  constructor(
    /** What is wrong, e.g. `VM_ADDRESS "300.1.1.1" não é um endereço IP válido nem um nome DNS`. */
    readonly problem: string,
    /** What to do, e.g. `corrija VM_ADDRESS no arquivo de parâmetros (runbook.env) ou na variável de ambiente`. */
    readonly fix: string,
    /** Which parameter or input it is about, when there is one. */
    readonly subject?: string,
  ) {
    super(`${problem}\nComo corrigir: ${fix}`);
    this.name = "InputError";
  }

  /** Printed in a cell as the message alone: the stack trace would only hide the cause and the fix. */
  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}
