// Files on the VM: copy local files over (scp), create folders, install a copied file as root, append a line to a
// root-owned file only if it is absent, read, tail and test files.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import type { CommandResult } from "../run/result.js";
import { remotePath } from "./remote-path.js";
import type { VmShell } from "./shell.js";

/** Local paths to upload: files, or folders standing for their files (like the course's `$WORK_DIR/*`). */
export interface CopyToOptions {
  files: readonly string[];
  /** Folder (or file name) on the VM; default the user's home, /home/<VM_USER>, as in the course. */
  dest?: string;
  timeoutMs?: number;
}

/** How a local path is shown: relative to the current folder when inside it. */
const shownPath = (absolute: string): string => {
  const relative = path.relative(process.cwd(), absolute);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolute;
};

/** Expands the local sources (a folder → its regular files, sorted), checking that each exists. */
export const localSources = ({ files, planned = false }: { files: readonly string[]; planned?: boolean }): { sources: string[]; shown: string[] } => {
  if (!Array.isArray(files) || files.length === 0) {
    throw new InputError("copyTo: nenhum arquivo para copiar", "passe em files os arquivos (ou a pasta) a enviar, por exemplo [WORK_DIR]");
  }
  const sources: string[] = [];
  const shown: string[] = [];
  for (const file of files) {
    const absolute = path.resolve(file);
    // A plan records the command as written: the files are made by earlier steps that did not run.
    if (planned && !existsSync(absolute)) {
      sources.push(absolute);
      shown.push(shownPath(absolute));
      continue;
    }
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      throw new InputError(`copyTo: o arquivo local "${file}" não existe`, "confira o caminho; os arquivos da VM são gerados por `istioctl x workload entry configure` em WORK_DIR");
    }
    if (stat.isDirectory()) {
      const inside = readdirSync(absolute)
        .filter((name) => !name.startsWith("."))
        .sort()
        .map((name) => path.join(absolute, name))
        .filter((p) => statSync(p).isFile());
      if (inside.length === 0) {
        throw new InputError(`copyTo: a pasta "${file}" não tem arquivos`, "gere os arquivos antes (istioctl x workload entry configure -o WORK_DIR) ou confira o caminho");
      }
      sources.push(...inside);
      shown.push(`${shownPath(absolute)}/*`);
    } else if (stat.isFile()) {
      sources.push(absolute);
      shown.push(shownPath(absolute));
    } else {
      throw new InputError(`copyTo: "${file}" não é um arquivo comum`, "passe arquivos ou pastas");
    }
  }
  return { sources, shown };
};

/** Copies local files to the VM (scp). */
export const copyTo = async (shell: VmShell, { files, dest, timeoutMs }: CopyToOptions): Promise<CommandResult> => {
  const { sources, shown } = localSources({ files, planned: shell.session.mode === "plan" });
  const target = remotePath({ value: dest ?? `/home/${shell.session.params.VM_USER}`, what: "copyTo.dest" });
  return shell.scp({ sources, dest: target, displaySources: shown, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
};

/** Creates a folder and its parents on the VM (`sudo mkdir -p`; `sudo: false` for the user's own folders). */
export const mkdirP = async (shell: VmShell, { path: dir, sudo = true }: { path: string; sudo?: boolean }): Promise<CommandResult> =>
  shell.ssh({ argv: ["mkdir", "-p", remotePath({ value: dir, what: "mkdirP.path", absolute: sudo })], sudo });

/** Options of installFile. */
export interface InstallFileOptions {
  /** A file already on the VM (copied with copyTo), e.g. /home/peguser/root-cert.pem. */
  from: string;
  /** Where it goes, as root, e.g. /etc/certs/root-cert.pem (its folder must exist: mkdirP). */
  to: string;
  /** `user` or `user:group` to chown it to. */
  owner?: string;
  /** Octal mode, e.g. "0640". */
  mode?: string;
}

const OWNER = /^[a-z_][a-z0-9_-]{0,31}\$?(:[a-z_][a-z0-9_-]{0,31}\$?)?$/;
const MODE = /^[0-7]{3,4}$/;

/** Installs a file on the VM as root: `sudo cp from to`, then `sudo chown`/`sudo chmod` when asked (as the course does). */
export const installFile = async (shell: VmShell, { from, to, owner, mode }: InstallFileOptions): Promise<CommandResult[]> => {
  const source = remotePath({ value: from, what: "installFile.from", absolute: true });
  const target = remotePath({ value: to, what: "installFile.to", absolute: true });
  if (owner !== undefined && !OWNER.test(owner)) {
    throw new InputError(`installFile.owner: "${owner}" não é um usuário (ou usuário:grupo) Linux válido`, "use, por exemplo, istio-proxy ou istio-proxy:istio-proxy");
  }
  if (mode !== undefined && !MODE.test(mode)) {
    throw new InputError(`installFile.mode: "${mode}" não é um modo octal`, "use 3 ou 4 dígitos octais, por exemplo 0644 ou 600");
  }
  const results = [await shell.ssh({ argv: ["cp", source, target], sudo: true })];
  if (owner !== undefined) results.push(await shell.ssh({ argv: ["chown", owner, target], sudo: true }));
  if (mode !== undefined) results.push(await shell.ssh({ argv: ["chmod", mode, target], sudo: true }));
  return results;
};

/**
 * The remote program of appendLineOnce: prints "presente" when the exact line is in the file; otherwise appends it
 * (first ending an unterminated last line, so it is never glued to it) and prints "adicionada". Values arrive as $1/$2.
 */
export const APPEND_LINE_ONCE_SCRIPT =
  `if grep -qxF -e "$1" -- "$2" 2>/dev/null; then echo presente; else ` +
  `if [ -s "$2" ] && [ -n "$(tail -c 1 -- "$2")" ]; then echo >> "$2"; fi; printf "%s\\n" "$1" >> "$2" && echo adicionada; fi`;

/** Result of appendLineOnce. */
export interface AppendLineResult {
  /** True when the line was added by this call (false: it was already there, or planned). */
  appended: boolean;
  planned: boolean;
  result: CommandResult;
}

/** Appends `line` to the root-owned `file` on the VM only if that exact line is absent (idempotent; e.g. /etc/hosts). */
export const appendLineOnce = async (shell: VmShell, { file, line }: { file: string; line: string }): Promise<AppendLineResult> => {
  const target = remotePath({ value: file, what: "appendLineOnce.file", absolute: true });
  if (typeof line !== "string" || line.trim() === "" || /[\0\n\r]/.test(line)) {
    throw new InputError(
      `appendLineOnce.line: ${JSON.stringify(line)} não é uma única linha com conteúdo`,
      "passe uma linha só, sem quebras de linha (para o conteúdo do arquivo hosts gerado pelo istioctl, leia-o e passe cada linha)",
    );
  }
  const result = await shell.ssh({ argv: ["sh", "-c", APPEND_LINE_ONCE_SCRIPT, "sh", line, target], sudo: true });
  if (result.planned) return { appended: false, planned: true, result };
  const said = result.stdout.trim();
  if (said !== "adicionada" && said !== "presente") {
    throw new Error(`appendLineOnce: resposta inesperada da VM: ${JSON.stringify(said)}`);
  }
  return { appended: said === "adicionada", planned: false, result };
};

/** Reads a whole file on the VM (`cat`; `sudo` for root-only files). Empty in plan mode. */
export const readFile = async (shell: VmShell, { path: file, sudo = false }: { path: string; sudo?: boolean }): Promise<string> => {
  const result = await shell.ssh({ argv: ["cat", remotePath({ value: file, what: "readFile.path" })], sudo });
  return result.stdout;
};

/** The last lines of a file on the VM (`tail`, 10 lines by default as in the course). Empty in plan mode. */
export const tail = async (shell: VmShell, { file, lines = 10, sudo = false }: { file: string; lines?: number; sudo?: boolean }): Promise<string> => {
  if (!Number.isInteger(lines) || lines < 1 || lines > 100_000) {
    throw new InputError(`tail.lines: ${lines} não é um número de linhas válido`, "use um inteiro entre 1 e 100000");
  }
  const target = remotePath({ value: file, what: "tail.file" });
  const result = await shell.ssh({ argv: lines === 10 ? ["tail", target] : ["tail", "-n", String(lines), target], sudo });
  return result.stdout;
};

/** Result of fileExists. */
export interface FileProbe {
  path: string;
  exists: boolean;
  planned: boolean;
  result: CommandResult;
}

/** Whether a path exists on the VM (`test -e`; `sudo` to see inside root-only folders). False in plan mode. */
export const fileExists = async (shell: VmShell, { path: file, sudo = false }: { path: string; sudo?: boolean }): Promise<FileProbe> => {
  const target = remotePath({ value: file, what: "fileExists.path" });
  const result = await shell.ssh({ argv: ["test", "-e", target], sudo, nothrow: true });
  shell.raiseIfNotAnswered(result);
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    shell.session.reportFailure(result);
    throw result;
  }
  return { path: target, exists: result.exitCode === 0 && !result.planned, planned: result.planned, result };
};
