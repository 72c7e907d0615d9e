// `istioctl install [-f FILE|-]… [--set k=v]… [-y] [--readiness-timeout D]`: the IstioOperator from the profile, the
// files and --set flags; the release's confirmation prompt (read from stdin like Go's fmt.Scanln) unless -y; then the
// installer with its progress log on stderr. The readiness timeout defaults to 5m0s, or to ISTIOCTL_LAB_READINESS_TIMEOUT
// (a Go duration) when set — a lab knob for clusters whose istiod/gateway images do not run yet.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type CommandDef, type RunContext } from "../cli/command.js";
import { GoValueError, parseGoDuration } from "../cli/go-values.js";
import { applySetFlags, readIopFiles } from "../operator/iop.js";
import { runInstall } from "../operator/installer.js";
import { installPlan, USER_FACING, type InstallPlan } from "../operator/plan.js";
import { profileSpec } from "../operator/profiles.js";
import { ProgressLog } from "../operator/progress.js";
import { ISTIO_ART } from "./art.js";
import { connect, revisionFlag } from "./common.js";

/** The lab's environment override of the readiness timeout default. */
export const READINESS_TIMEOUT_ENV = "ISTIOCTL_LAB_READINESS_TIMEOUT";

/** Asks a yes/no question on stdout and reads the answer (1.8: anything but y/yes is no; current: asks again). */
export const confirm = (facts: ReleaseFacts, ctx: RunContext, prompt: string): boolean => {
  for (;;) {
    ctx.io.stdout(`${prompt} `);
    const line = ctx.io.readLine();
    if (line === undefined) return false;
    const answer = line.trim();
    if (answer === "" || /\s/.test(answer)) return false;
    const upper = answer.toUpperCase();
    if (upper === "Y" || upper === "YES") return true;
    if (facts.version.minor < 21 || upper === "N" || upper === "NO") return false;
  }
};

/** The confirmation prompt of the release. */
const installPrompt = (plan: InstallPlan): string => {
  if (plan.facts.installPrompt === "version-profile") return `This will install the Istio ${plan.facts.version.text} profile ${JSON.stringify(plan.profile)} into the cluster. Proceed? (y/N)`;
  if (plan.profile === "empty") return `This will install the Istio ${plan.profile} profile into the cluster. Proceed? (y/N)`;
  const names = plan.components.map((c) => USER_FACING[c]);
  return `This will install the Istio ${plan.profile} profile with [${names.map((n) => JSON.stringify(n)).join(" ")}] components into the cluster. Proceed? (y/N)`;
};

/** The readiness timeout in ms (flag, else the lab's environment override, else 5m0s). */
const readinessTimeout = (ctx: RunContext): number => {
  if (ctx.flags.changed("readiness-timeout")) return ctx.flags.number("readiness-timeout");
  const fromEnv = ctx.io.env[READINESS_TIMEOUT_ENV];
  if (fromEnv) {
    try {
      return parseGoDuration(fromEnv);
    } catch (error) {
      if (error instanceof GoValueError) throw new CommandError(`${READINESS_TIMEOUT_ENV}=${fromEnv}: ${error.message}`);
      throw error;
    }
  }
  return ctx.flags.number("readiness-timeout");
};

/** Whether the end-of-support warning applies today. */
const pastEol = (facts: ReleaseFacts, now = new Date()): boolean => Boolean(facts.eol && (now.getFullYear() > facts.eol.year || (now.getFullYear() === facts.eol.year && now.getMonth() + 1 >= facts.eol.month)));

/** Runs the install. */
const install = async (facts: ReleaseFacts, ctx: RunContext): Promise<number> => {
  const revision = ctx.flags.string("revision");
  if (ctx.flags.changed("revision") && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(revision)) {
    throw new CommandError(facts.version.minor >= 21 ? `invalid revision specified: ${revision}` : `invalid revision specified:\na valid revision must consist of alphanumeric characters or '-'`);
  }
  const timeoutMs = readinessTimeout(ctx);
  if (facts.installArt) ctx.io.stderr(`${ISTIO_ART}\n`);
  const sets = [...ctx.flags.list("set"), ...(revision ? [`revision=${revision}`] : [])];
  const iop = readIopFiles(ctx.flags.list("filename"), ctx.io.readAll);
  const spec = applySetFlags(iop.spec, sets);
  const profile = typeof spec["profile"] === "string" && spec["profile"] ? spec["profile"] : "default";
  const plan = installPlan(facts, { ...iop, spec }, profileSpec(facts, profile));
  const ask = !ctx.flags.bool("skip-confirmation") && !ctx.flags.bool("dry-run");
  // 1.8 asks before it reads the kubeconfig; current releases connect, check and warn first.
  const current = facts.installPrompt === "version-profile";
  const client = current ? await connect(ctx) : undefined;
  if (current && pastEol(facts)) ctx.io.stdout(`WARNING: Istio ${facts.version.text} may be out of support (EOL) already: see https://istio.io/latest/docs/releases/supported-releases/ for supported releases\n`);
  if (ask && !confirm(facts, ctx, installPrompt(plan))) {
    ctx.io.stderr("Cancelled.\n");
    return 1;
  }
  if (ctx.flags.bool("dry-run")) return 0;
  const progress = new ProgressLog({ write: ctx.io.stderr, icons: facts.progressIcons });
  await runInstall({ client: client ?? (await connect(ctx)), plan, progress, timeoutMs, print: ctx.io.stdout });
  return 0;
};

/** The install command. */
export const installCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "install",
  ...(facts.version.minor >= 21 ? { aliases: ["apply"] } : {}),
  short: "Applies an Istio manifest, installing or reconfiguring Istio on a cluster.",
  long: "The install command generates an Istio install manifest and applies it to a cluster.",
  example: `  # Apply a default Istio installation
  istioctl install

  # Enable Tracing
  istioctl install --set meshConfig.enableTracing=true

  # Generate the demo profile and don't wait for confirmation
  istioctl install --set profile=demo --skip-confirmation

  # To override a setting that includes dots, escape them with a backslash (\\).  Your shell may require enclosing quotes.
  istioctl install --set "values.sidecarInjectorWebhook.injectedAnnotations.container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/istio-proxy=runtime/default"
`,
  persistentFlags: [
    { name: "filename", shorthand: "f", type: "stringSlice", usage: "Path to file containing IstioOperator custom resource\nThis flag can be specified multiple times to overlay multiple files. Multiple files are overlaid in left to right order." },
    ...(facts.version.minor < 21
      ? [
          { name: "kubeconfig", shorthand: "c", type: "string" as const, usage: "Path to kube config." },
          { name: "context", type: "string" as const, usage: "The name of the kubeconfig context to use." },
        ]
      : []),
    { name: "readiness-timeout", type: "duration", default: 300_000, usage: "Maximum time to wait for Istio resources in each component to be ready." },
    { name: "skip-confirmation", shorthand: "y", type: "bool", usage: "The skipConfirmation determines whether the user is prompted for confirmation.\nIf set to true, the user is not prompted and a Yes response is assumed in all cases." },
    { name: "force", type: "bool", usage: "Proceed even with validation errors." },
    ...(facts.version.minor >= 21 ? [{ name: "verify", type: "bool" as const, usage: "Verify the Istio control plane after installation/in-place upgrade" }] : []),
    { name: "set", shorthand: "s", type: "stringArray", usage: `Override an IstioOperator value, e.g. to choose a profile\n(--set profile=demo), enable or disable components (--set components.cni.enabled=true), or override Istio\nsettings (--set meshConfig.enableTracing=true). See documentation for more info:https://istio.io/v${facts.version.minor}/docs/reference/config/istio.operator.v1alpha1/#IstioOperatorSpec` },
    { name: "charts", type: "string", usage: "Deprecated, use --manifests instead.", hidden: true },
    { name: "manifests", shorthand: "d", type: "string", usage: `Specify a path to a directory of charts and profiles\n(e.g. ~/Downloads/istio-${facts.version.text}/manifests)\nor release tar URL (e.g. https://github.com/istio/istio/releases/download/${facts.version.text}/istio-${facts.version.text}-linux-amd64.tar.gz).\n` },
    { ...revisionFlag(facts), shorthand: "r" },
    { name: "dry-run", type: "bool", usage: "Console/log output only, make no changes." },
  ],
  args: (ctx) => (ctx.args.length ? `accepts 0 arg(s), received ${ctx.args.length}` : undefined),
  run: (ctx) => install(facts, ctx),
});
