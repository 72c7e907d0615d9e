// The release bucket as its own small process: `node dist/lab/istio/release/bucket/main.js --listen HOST:PORT --root DIR…`.
// Prints `ready http://HOST:PORT` once listening; stops on SIGTERM/SIGINT. Access log lines go to stdout.
import path from "node:path";
import { startBucketServer } from "./server.js";

/** Parsed command line. */
export interface BucketArgs {
  host: string;
  port: number;
  roots: string[];
}

/** Parses `--listen HOST:PORT --root DIR [--root DIR]…`; throws naming the problem. */
export const parseBucketArgs = (argv: readonly string[]): BucketArgs => {
  let listen: { host: string; port: number } | undefined;
  const roots: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === "--listen") {
      const m = value ? /^(.+):(\d+)$/.exec(value) : null;
      if (!m || Number(m[2]) > 65535) throw new Error(`--listen precisa de ENDEREÇO:PORTA (recebeu ${value === undefined ? "nada" : `"${value}"`})`);
      listen = { host: m[1]!, port: Number(m[2]) };
      i++;
    } else if (arg === "--root") {
      if (!value) throw new Error("--root precisa de uma pasta (onde ficam <versão>/istio-sidecar.deb)");
      roots.push(path.resolve(value));
      i++;
    } else throw new Error(`opção desconhecida "${arg}". Use: main.js --listen ENDEREÇO:PORTA --root PASTA [--root PASTA]`);
  }
  if (!listen) throw new Error("falta --listen ENDEREÇO:PORTA");
  if (!roots.length) throw new Error("falta --root PASTA");
  return { ...listen, roots };
};

const main = async (): Promise<void> => {
  const args = parseBucketArgs(process.argv.slice(2));
  const server = await startBucketServer({ ...args, log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) });
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdout.write(`ready http://${server.host}:${server.port}\n`);
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    process.stderr.write(`erro: o bucket de releases não iniciou: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
