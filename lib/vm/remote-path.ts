// Paths on the VM given by a notebook: checked once (Portuguese errors) and made safe to pass to remote programs.
import { InputError } from "../errors.js";

/** Checks a path on the VM; `absolute` requires a leading `/` (for files written as root). Returns it ready for argv. */
export const remotePath = ({ value, what, absolute = false }: { value: string; what: string; absolute?: boolean }): string => {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InputError(`${what}: o caminho na VM está vazio`, `passe o caminho completo, por exemplo /etc/hosts`);
  }
  if (/[\0\n\r]/.test(value)) {
    throw new InputError(`${what}: o caminho na VM ${JSON.stringify(value)} contém quebra de linha ou NUL`, "confira o valor: um caminho de arquivo não deve ter quebras de linha");
  }
  if (absolute && !value.startsWith("/")) {
    throw new InputError(
      `${what}: "${value}" não é um caminho absoluto na VM`,
      `use o caminho completo, começando com / (por exemplo /home/<usuário>/${value.replace(/^\.?\/*/, "")})`,
    );
  }
  // A relative name starting with '-' would be read as an option by the remote program.
  return value.startsWith("-") ? `./${value}` : value;
};
