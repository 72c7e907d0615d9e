// Installs and removes the capture rules in a network namespace the way istio-start.sh does: clean-up first (ignoring
// errors), then `iptables-restore --noflush` so rules other programs put there (Docker's DNAT) stay, and in front.
import { inNetns, type HostCommandResult } from "../../../net/ip.js";
import type { DataPlaneProfile } from "../release.js";
import { buildCaptureRules, cleanupArgv, restoreText, type CaptureOptions, type CaptureRule } from "./rules.js";

/** Runs one argv (with optional stdin) where the rules must go; the default runs it in a network namespace. */
export type CaptureRunner = (argv: readonly string[], options: { input?: string; allowFailure?: boolean }) => Promise<HostCommandResult>;

/** A runner that executes inside network namespace `netns` (`ip netns exec`). */
export const netnsRunner = (netns: string): CaptureRunner => (argv, options) => inNetns(netns, argv, options);

/** What was installed: the rules and the exact restore input. */
export interface AppliedCapture {
  rules: CaptureRule[];
  restoreInput: string;
}

/** Runs the release's clean-up commands (errors ignored, as upstream does). */
export const cleanCapture = async ({
  profile,
  options,
  run,
}: {
  profile: DataPlaneProfile;
  options: CaptureOptions;
  run: CaptureRunner;
}): Promise<void> => {
  for (const argv of cleanupArgv(profile, buildCaptureRules(profile, options))) {
    await run(argv, { allowFailure: true });
  }
};

/** istio-start.sh's iptables step: clean previous Istio chains, then install the release's rules with iptables-restore. */
export const applyCapture = async ({
  profile,
  options,
  run,
}: {
  profile: DataPlaneProfile;
  options: CaptureOptions;
  run: CaptureRunner;
}): Promise<AppliedCapture> => {
  await cleanCapture({ profile, options, run });
  const rules = buildCaptureRules(profile, options);
  const restoreInput = restoreText(rules);
  await run(["iptables-restore", "--noflush"], { input: restoreInput });
  return { rules, restoreInput };
};

/** The current IPv4 rules (iptables-save), for checks and diagnosis. */
export const captureState = async (run: CaptureRunner): Promise<string> => (await run(["iptables-save"], {})).stdout;
