// Runs debootstrap (minbase + an explicit package list) and turns its chatter into a few progress lines.
import { runStreamed } from "../host/stream.js";

/** Options of debootstrap(). */
export interface DebootstrapOptions {
  target: string;
  suite: string;
  mirror: string;
  packages: readonly string[];
  /** Full debootstrap output is appended here. */
  logFile: string;
  onProgress?: (line: string) => void;
}

const phases: Array<[RegExp, string]> = [
  [/^I: Retrieving (InRelease|Release)/, "baixando o índice do repositório"],
  [/^I: Resolving dependencies/, "resolvendo dependências"],
  [/^I: Retrieving /, "baixando pacotes"],
  [/^I: Extracting /, "extraindo pacotes essenciais"],
  [/^I: Installing (core|required) packages/, "instalando pacotes essenciais"],
  [/^I: Unpacking /, "desempacotando pacotes"],
  [/^I: Configuring /, "configurando pacotes"],
  [/^I: Base system installed successfully/, "sistema base instalado"],
];

/** Turns debootstrap's output lines into progress messages: one per phase, then a counter every 25 packages. */
export const debootstrapProgress = (onProgress: (line: string) => void): ((line: string) => void) => {
  let phase = "";
  let count = 0;
  return (line: string) => {
    const hit = phases.find(([re]) => re.test(line));
    if (!hit) return;
    const [, name] = hit;
    if (name !== phase) {
      phase = name;
      count = 0;
      onProgress(`rootfs: ${name}`);
    }
    count += 1;
    if (count % 25 === 0) onProgress(`rootfs: ${name} (${count})`);
  };
};

/** Runs `debootstrap --variant=minbase --include=<packages> <suite> <target> <mirror>`; throws with the log's tail on failure. */
export const debootstrap = async ({ target, suite, mirror, packages, logFile, onProgress }: DebootstrapOptions): Promise<void> => {
  const argv = ["debootstrap", "--variant=minbase", `--include=${packages.join(",")}`, suite, target, mirror];
  const result = await runStreamed({
    argv,
    logFile,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
    onLine: onProgress ? debootstrapProgress(onProgress) : undefined,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `o debootstrap falhou (código ${result.exitCode}) ao criar o disco da VM a partir de ${mirror}; ` +
        `veja o registro completo em ${logFile} e verifique se o espelho Debian está acessível (apt-get update)\n` +
        result.tail.join("\n"),
    );
  }
};
