// `istioctl x uninstall --purge` (≤ 1.14) / `istioctl uninstall --purge`: removes everything the installs made (the
// objects labelled with an operator component, the CRDs, and on ≤ 1.20 the IstioOperator CRs), with the release's
// warning, confirmation and "  Removed …" lines; `--revision` removes one revision's control plane objects.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type CommandDef, type RunContext } from "../cli/command.js";
import { KubeApiError, type KubeObj } from "../kube/client.js";
import { collectionPath, resourceKind } from "../kube/resources.js";
import { ProgressLog } from "../operator/progress.js";
import { deleteObjects, purgeList } from "../operator/prune.js";
import { connect, revisionFlag } from "./common.js";
import { confirm } from "./install.js";
import { runningIstiods } from "./mesh-info.js";

const ALL_REMOVED = "All Istio resources will be pruned from the cluster\n";
const NONE_REMOVED = "No resources will be pruned from the cluster. Please double check the input configs\n";

/** Control-plane objects of one revision (not the CRDs): what `uninstall --revision` removes. */
const revisionList = async (ctx: RunContext, facts: ReleaseFacts, revision: string): Promise<KubeObj[]> => {
  const client = await connect(ctx);
  const out: KubeObj[] = [];
  const kinds = ["Deployment", "Service", "ConfigMap", "Pod", "Secret", "ServiceAccount", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];
  for (const kind of kinds) {
    try {
      const list = await client.request("GET", collectionPath(resourceKind(kind)), { query: { labelSelector: `istio.io/rev=${revision},operator.istio.io/component${facts.version.minor >= 21 ? " in (Pilot,IngressGateways,EgressGateways)" : ""}` } });
      out.push(...((list["items"] ?? []) as KubeObj[]).map((o) => ({ apiVersion: list["apiVersion"], kind, ...o })));
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
    }
  }
  return out;
};

/** Runs the uninstall. */
const uninstall = async (facts: ReleaseFacts, ctx: RunContext): Promise<number> => {
  if (ctx.flags.string("filename")) throw new CommandError("o istioctl do laboratório não reproduz uninstall -f: use --purge (ou --revision)");
  const purge = ctx.flags.bool("purge");
  const client = await connect(ctx);
  const objects = purge ? await purgeList(client, facts) : await revisionList(ctx, facts, ctx.flags.string("revision"));
  const pl = new ProgressLog({ write: ctx.io.stderr, icons: facts.progressIcons });
  let message = "";
  if (purge) {
    if (facts.version.minor < 21) {
      const istiods = await runningIstiods(client, facts, ctx.flags.string("istioNamespace")).catch(() => []);
      if (!istiods.length) ctx.io.stderr("unable to find any Istiod instances\n");
    }
    message = ALL_REMOVED;
  } else if (!objects.length) {
    ctx.io.stdout(`${NONE_REMOVED}\n`);
    return 0;
  }
  if (ctx.flags.bool("skip-confirmation") || ctx.flags.bool("dry-run")) ctx.io.stdout(`${message}\n`);
  else if (purge && !confirm(facts, ctx, `${message}Proceed? (y/N)`)) {
    ctx.io.stderr("Cancelled.\n");
    return 1;
  }
  if (!ctx.flags.bool("dry-run")) await deleteObjects(client, facts, objects, ctx.io.stdout);
  pl.uninstallComplete();
  return 0;
};

/** The uninstall command. */
export const uninstallCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "uninstall",
  short: "Uninstall Istio from a cluster",
  long: "The uninstall command uninstalls Istio from a cluster",
  example: `  # Uninstall a single control plane by revision
  istioctl ${facts.uninstallCommand.join(" ")} --revision foo

  # Uninstall a single control plane by iop file
  istioctl ${facts.uninstallCommand.join(" ")} -f iop.yaml

  # Uninstall all control planes and shared resources
  istioctl ${facts.uninstallCommand.join(" ")} --purge`,
  persistentFlags: [
    ...(facts.version.minor < 21
      ? [
          { name: "kubeconfig", shorthand: "c", type: "string" as const, usage: "Path to kube config." },
          { name: "context", type: "string" as const, usage: "The name of the kubeconfig context to use." },
          { name: "istioNamespace", type: "string" as const, default: "istio-system", usage: "The namespace of Istio Control Plane." },
        ]
      : []),
    { name: "skip-confirmation", shorthand: "y", type: "bool", usage: "The skipConfirmation determines whether the user is prompted for confirmation.\nIf set to true, the user is not prompted and a Yes response is assumed in all cases." },
    { name: "force", type: "bool", usage: "Proceed even with validation errors." },
    { name: "purge", type: "bool", usage: "Delete all Istio related sources for all versions" },
    { ...revisionFlag(facts), shorthand: "r" },
    { name: "filename", shorthand: "f", type: "string", usage: "The filename of the IstioOperator CR." },
    { name: "manifests", shorthand: "d", type: "string", usage: "Specify a path to a directory of charts and profiles" },
    { name: "set", shorthand: "s", type: "stringArray", usage: "Override an IstioOperator value" },
    { name: "verbose", shorthand: "v", type: "bool", usage: "Verbose output." },
    { name: "dry-run", type: "bool", usage: "Console/log output only, make no changes." },
  ],
  args: (ctx) => {
    if (!ctx.flags.string("revision") && !ctx.flags.string("filename") && !ctx.flags.bool("purge")) {
      return facts.version.minor >= 21 ? "at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set" : "at least one of the --revision, --filename or --purge flags must be set";
    }
    if (ctx.args.length) return "istioctl uninstall does not take arguments";
    return undefined;
  },
  run: (ctx) => uninstall(facts, ctx),
});
