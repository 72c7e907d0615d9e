// `istioctl proxy-status` (alias ps): the sync status of every proxy, in the release's table (1.8: NAME CDS LDS EDS RDS
// ISTIOD VERSION; current: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES). The lab's istiod stand-in does not report
// xDS state yet: every proxy the API shows (see mesh-info.ts) is listed as SYNCED / subscribed to CDS, LDS, EDS, RDS.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type CommandDef, type RunContext } from "../cli/command.js";
import { tabwriter } from "../cli/tabwriter.js";
import { connect, revisionFlag } from "./common.js";
import { dataPlaneProxies, istiodVersion, runningIstiods } from "./mesh-info.js";

/** Runs the command. */
const proxyStatus = async (facts: ReleaseFacts, ctx: RunContext): Promise<void> => {
  if (ctx.args.length) throw new CommandError("o istioctl do laboratório não reproduz proxy-status <pod> (a comparação com o config_dump do Envoy); use proxy-status sem argumentos");
  const ns = ctx.flags.string("istioNamespace");
  const client = await connect(ctx);
  const istiods = await runningIstiods(client, facts, ns);
  if (!istiods.length) throw new CommandError(facts.proxyStatusNoIstiod.replace("{ns}", ns));
  const istiod = istiods[0]!;
  const version = (await istiodVersion(client, istiod)).version;
  const istiodName = String(istiod["metadata"]["name"]);
  const proxies = await dataPlaneProxies(client, version);
  const filter = facts.version.minor >= 21 ? ctx.flags.string("namespace") : "";
  const rows = proxies.filter((p) => !filter || p.id.endsWith(`.${filter}`));
  if (facts.proxyStatusFormat === "synced-columns") {
    ctx.io.stdout(tabwriter([["NAME", "CDS", "LDS", "EDS", "RDS", "ISTIOD", "VERSION"], ...rows.map((p) => [p.id, "SYNCED", "SYNCED", "SYNCED", "SYNCED", istiodName, p.version])], 5));
    return;
  }
  ctx.io.stdout(tabwriter([["NAME", "CLUSTER", "ISTIOD", "VERSION", "SUBSCRIBED TYPES"], ...rows.map((p) => [p.id, p.clusterId, istiodName, p.version, "4 (CDS,LDS,EDS,RDS)"])], 5));
};

/** The proxy-status command. */
export const proxyStatusCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "proxy-status [<type>/]<name>[.<namespace>]",
  aliases: ["ps"],
  short: "Retrieves the synchronization status of each Envoy in the mesh",
  long: "\nRetrieves last sent and last acknowledged xDS sync from Istiod to each Envoy in the mesh\n",
  flags: [
    revisionFlag(facts),
    { name: "file", type: "string", usage: "Envoy config dump JSON file" },
    { name: "proxy-admin-port", type: "int", default: 15000, usage: "Envoy proxy admin port" },
    ...(facts.version.minor >= 21
      ? [
          { name: "output", shorthand: "o", type: "string" as const, default: "table", usage: "Output format: one of json|yaml|table" },
          { name: "verbosity", shorthand: "v", type: "int" as const, usage: "Verbosity level for proxy status output. 0=default, 1=show all xDS types (max verbosity)" },
        ]
      : []),
  ],
  run: (ctx) => proxyStatus(facts, ctx),
});
