// Standalone entry of the generic service (`node dist/lab/apps/generic-service/main.js`, or the single-file bundle in
// the lab VM and pods): reads the environment, listens (0.0.0.0:8000 by default), logs like the original to
// stdout/stderr and exits cleanly on SIGTERM or SIGINT.
import { CliArgsError, parseCliArgs, USAGE } from "./cli-args.js";
import { GenericServiceConfigError } from "./config.js";
import { GenericServiceStartError, startGenericService } from "./server.js";

const fail = (message: string, code: number): void => {
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
};

/** Runs the service until a termination signal; resolves when it has stopped. */
export const main = async (argv: readonly string[]): Promise<void> => {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliArgsError) return fail(error.message, 2);
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let service;
  try {
    service = await startGenericService({ env: process.env, host: args.host, port: args.port, workers: args.workers });
  } catch (error) {
    if (error instanceof GenericServiceConfigError || error instanceof GenericServiceStartError) return fail(error.message, 1);
    throw error;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  // A second signal while stopping ends the process at once, like uvicorn's forced exit.
  process.once(signal, () => process.exit(1));
  await service.close();
  process.exitCode = 0;
  // Every handle is closed by now; this only guards against a stray one keeping the process alive.
  setTimeout(() => process.exit(0), 2000).unref();
};

await main(process.argv.slice(2));
