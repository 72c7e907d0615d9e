// Command line: builds the SO_ORIGINAL_DST addon into the lab cache and prints its path (`node dist/lab/native/build-cli.js`).
import { buildOrigDstAddon } from "./build.js";

/** Builds the addon (or finds it cached) and prints `built|cached <path>`; exits 1 with the reason on failure. */
export const main = async (argv: readonly string[] = process.argv.slice(2)): Promise<number> => {
  try {
    const result = await buildOrigDstAddon({ force: argv.includes("--force") });
    process.stdout.write(`${result.built ? "built" : "cached"} ${result.path}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
};

process.exitCode = await main();
