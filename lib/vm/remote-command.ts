// The command line the VM's login shell runs: built from an argv with the tested quote(), optionally under sudo, plus
// the form a student types after the course's `ssh-vm` alias.
import { InputError } from "../errors.js";
import { quoteArgv } from "../run/quote.js";

/**
 * Largest remote command line sent (bytes). sshd hands it to the login shell as one `-c` argument, and Linux caps a
 * single argument at 128 KiB (MAX_ARG_STRLEN); larger content belongs in stdin or a copied file.
 */
export const MAX_REMOTE_COMMAND_BYTES = 100 * 1024;

/** A remote command: what runs, and what the reader sees. */
export interface RemoteCommandLine {
  /** The line the remote login shell runs (`sudo -n -- …` under sudo). */
  exact: string;
  /** The same command as the course writes it on the VM (`sudo cp …`): what `vm$` shows. */
  display: string;
}

/** Builds the remote command line for `argv` (under `sudo -n` when `sudo`); throws InputError for an unsendable argv. */
export const remoteCommandLine = ({ argv, sudo = false }: { argv: readonly string[]; sudo?: boolean }): RemoteCommandLine => {
  if (argv.length === 0 || argv[0] === "") {
    throw new InputError("o comando para a VM está vazio", "passe o programa e seus argumentos em argv, por exemplo [\"hostname\"]");
  }
  const bad = argv.findIndex((a) => a.includes("\0"));
  if (bad >= 0) {
    throw new InputError(
      `o argumento ${bad + 1} do comando para a VM contém o caractere NUL (\\0), que nenhum argumento de programa pode conter`,
      "remova o \\0 do valor; para enviar dados binários use stdin ou copie um arquivo (copyTo)",
    );
  }
  // -n: never wait for a password prompt (there is no terminal); --: the command may start with a dash.
  const exact = sudo ? `sudo -n -- ${quoteArgv(argv)}` : quoteArgv(argv);
  const display = sudo ? `sudo ${quoteArgv(argv)}` : exact;
  const bytes = Buffer.byteLength(exact);
  if (bytes > MAX_REMOTE_COMMAND_BYTES) {
    throw new InputError(
      `o comando para a VM tem ${bytes} bytes, mais do que o shell remoto aceita com segurança (${MAX_REMOTE_COMMAND_BYTES})`,
      "envie o conteúdo grande por stdin ou copie-o como arquivo (copyTo) e passe o caminho no comando",
    );
  }
  return { exact, display };
};

/** Characters that keep their meaning inside double quotes (or trigger history expansion in an interactive bash). */
const DOUBLE_QUOTE_ACTIVE = /[$`"!]|\\[$`"\\\n]|\\$/;

/**
 * The remote line as a student types it after the course's alias `ssh-vm` in a local shell, so that the local shell
 * hands ssh exactly `line`: as is when it is plain words, in double quotes when that changes nothing, else single-quoted.
 */
export const sshVmDisplay = (line: string): string => {
  if (/^[A-Za-z0-9_@%+=:,./ -]+$/.test(line) && !/^-| {2}|^ | $/.test(line)) return `ssh-vm ${line}`;
  if (!DOUBLE_QUOTE_ACTIVE.test(line)) return `ssh-vm "${line}"`;
  return `ssh-vm '${line.replace(/'/g, `'\\''`)}'`;
};
