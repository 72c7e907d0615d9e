// Entry point of the package's capture step on the VM (bundled into /usr/local/lib/istio-lab/istio-iptables.mjs): the
// pilot-agent launcher runs it for `pilot-agent istio-iptables …` and `pilot-agent istio-clean-iptables`, with the
// release in LAB_ISTIO_VERSION. Exit status 0 on success (istio-start.sh runs under `set -e`).
import { readFile } from "node:fs/promises";
import { parseIptablesArgs, runIptablesStep } from "../iptables-step.js";

/** Environment variable the launcher sets to the package's release. */
export const VERSION_ENV = "LAB_ISTIO_VERSION";

const readOr = (file: string): Promise<string> => readFile(file, "utf8").catch(() => "");

const main = async (): Promise<number> => {
  let action;
  try {
    action = parseIptablesArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  const istioVersion = process.env[VERSION_ENV];
  if (!istioVersion) {
    process.stderr.write(`${VERSION_ENV} is not set: run this through /usr/local/bin/pilot-agent\n`);
    return 1;
  }
  return runIptablesStep({
    istioVersion,
    action,
    env: process.env,
    passwd: await readOr("/etc/passwd"),
    resolvConf: await readOr("/etc/resolv.conf"),
    print: (text) => process.stdout.write(text),
  });
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
