// Command-line flags of the standalone entry, named after the uvicorn flags of the original image's CMD
// (`uvicorn --host=0.0.0.0 --port=8000 --workers=2 …`).

/** Parsed flags. */
export interface CliArgs {
  host: string;
  port: number;
  workers: number;
  help: boolean;
}

/** Usage text (Portuguese: a student can print it). */
export const USAGE = `uso: node generic-service.js [--host ENDEREÇO] [--port PORTA] [--workers N]
  --host     endereço de escuta (padrão 0.0.0.0)
  --port     porta de escuta (padrão 8000)
  --workers  workers do uvicorn emulados, cada um com seu agendador (padrão 2, como a imagem original)
Variáveis de ambiente: APP, VERSION, SCHED_CALL_URL_LST, SCHED_CALL_INTERVAL, SPLIT_CALL_URL_LST.`;

/** Thrown for bad flags; the message (Portuguese) names the flag and how to fix it. */
export class CliArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliArgsError";
  }
}

const integer = (flag: string, text: string, min: number, max: number): number => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliArgsError(`Valor inválido para ${flag}: "${text}". Use um número inteiro entre ${min} e ${max}.\n${USAGE}`);
  }
  return Number(text);
};

/** Parses `argv` (without node and the script); accepts `--flag value` and `--flag=value`. */
export const parseCliArgs = (argv: readonly string[]): CliArgs => {
  const args: CliArgs = { host: "0.0.0.0", port: 8000, workers: 2, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      args.help = true;
      continue;
    }
    const match = /^(--host|--port|--workers)(?:=(.*))?$/.exec(arg);
    if (!match) throw new CliArgsError(`Opção desconhecida: "${arg}". As opções aceitas são --host, --port e --workers.\n${USAGE}`);
    const flag = match[1] ?? "";
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      i += 1;
      if (value === undefined) throw new CliArgsError(`Falta o valor de ${flag}. Exemplo: ${flag}=${flag === "--host" ? "0.0.0.0" : flag === "--port" ? "8000" : "2"}.\n${USAGE}`);
    }
    if (flag === "--host") {
      if (!value) throw new CliArgsError(`O valor de --host está vazio. Exemplo: --host=0.0.0.0.\n${USAGE}`);
      args.host = value;
    } else if (flag === "--port") args.port = integer(flag, value, 0, 65535);
    else args.workers = integer(flag, value, 1, 64);
  }
  return args;
};
