// Parses `lab` command lines; bad input gets a Portuguese message naming the cause and the fix, before anything runs.

/** A parsed command line. */
export interface LabArgs {
  command: string[];
  instance: number;
}

/** Error for a bad command line (the message is for the student). */
export class LabUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabUsageError";
  }
}

/** The usage text. */
export const USAGE = `uso: npm run lab -- <comando> [--instance N]

comandos:
  up                  sobe o laboratório (idempotente) e grava/mostra o arquivo de parâmetros
  down                remove tudo o que o laboratório criou (namespaces, interfaces, montagens, processos)
  status              mostra o estado de cada parte
  reset               volta a uma VM nova (disco apagado) e reinicia as partes (mantém os caches)
  vm reboot           reinicia a VM (o disco é mantido)
  vm ssh [COMANDO]    abre um ssh na VM como o aluno (ou roda COMANDO)
  fault list          lista as falhas que podem ser injetadas
  fault <nome>        injeta uma falha
  fault clear [nome]  remove as falhas injetadas (todas, ou só a indicada)

opções:
  --instance N        laboratório N (0 a 15, padrão 0): endereços e estado próprios`;

/** An `--instance N` or `--instance=N` that ends `args`: its value and how many words it takes. */
const trailingInstance = (args: readonly string[]): { value: string | undefined; words: number } | undefined => {
  const n = args.length;
  if (n >= 2 && args[n - 2] === "--instance") return { value: args[n - 1], words: 2 };
  if (n >= 1 && args[n - 1]!.startsWith("--instance=")) return { value: args[n - 1]!.slice("--instance=".length), words: 1 };
  return undefined;
};

/** Parses argv (after `lab`). `vm ssh` keeps everything after it as the remote command, except an --instance that
 * comes right after `ssh` or ends the line. */
export const parseLabArgs = (argv: readonly string[]): LabArgs => {
  const command: string[] = [];
  let instance = 0;
  const setInstance = (value: string | undefined) => {
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 15) {
      throw new LabUsageError(`--instance precisa de um número de 0 a 15 (recebido: ${value ?? "nada"}); exemplo: npm run lab -- up --instance 1`);
    }
    instance = Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (command[0] === "vm" && command[1] === "ssh" && !arg.startsWith("--instance")) {
      let remote = argv.slice(i);
      const tail = trailingInstance(remote);
      if (tail) {
        setInstance(tail.value);
        remote = remote.slice(0, remote.length - tail.words);
      }
      command.push(...remote.filter((a, j) => !(j === 0 && a === "--")));
      break;
    }
    if (arg === "--instance" || arg.startsWith("--instance=")) {
      setInstance(arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i]);
    } else if (arg === "--help" || arg === "-h") {
      command.splice(0, command.length, "help");
    } else if (arg.startsWith("-")) {
      throw new LabUsageError(`opção desconhecida: ${arg}; a única opção é --instance N (veja npm run lab -- --help)`);
    } else command.push(arg);
  }
  return { command: command.length ? command : ["help"], instance };
};
