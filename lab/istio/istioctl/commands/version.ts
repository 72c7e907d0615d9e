// `istioctl version [--short=false] [--remote=false] [-o json|yaml]`: client, control plane and data plane versions in
// the release's format — 1.8 prints the bare client version (after "no running Istio pods in …") when no control plane
// answers; current releases always print "client version:" and report the missing control plane on stderr.
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type CommandDef, type RunContext } from "../cli/command.js";
import { goYamlMarshal, type YamlValue } from "../yaml/go-yaml.js";
import { buildInfoLongForm, buildInfoOf, dataPlaneProxies, istiodVersion, runningIstiods, type BuildInfo, type ProxyInfo } from "./mesh-info.js";
import { connect, revisionFlag } from "./common.js";

/** What the remote side answered. */
interface Remote {
  mesh?: Array<{ component: string; revision: string; info: BuildInfo }>;
  proxies?: ProxyInfo[];
}

/** Asks the cluster; prints the release's "not present" message where it does. */
const remoteVersions = async (facts: ReleaseFacts, ctx: RunContext): Promise<Remote> => {
  const ns = ctx.flags.string("istioNamespace");
  let client;
  try {
    client = await connect(ctx);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (facts.versionNoControlPlane === "stdout-bare") ctx.io.stdout(`${error.message}\n`);
    else ctx.io.stderr(`Istio is not present in the cluster: ${error.message}\n`);
    return {};
  }
  let pods;
  try {
    pods = await runningIstiods(client, facts, ns);
  } catch (error) {
    const message = (error as Error).message;
    if (facts.versionNoControlPlane === "stdout-bare") ctx.io.stdout(`${message}\n`);
    else ctx.io.stderr(`Istio is not present in the cluster: ${message}\n`);
    return {};
  }
  if (!pods.length) {
    if (facts.versionNoControlPlane === "stdout-bare") ctx.io.stdout(`no running Istio pods in ${JSON.stringify(ns)}\n`);
    else ctx.io.stderr(`Istio is not present in the cluster: no running Istio pods in namespace ${JSON.stringify(ns)}\n`);
    return {};
  }
  const mesh = [];
  for (const pod of pods) mesh.push({ component: String(pod["metadata"]["labels"]?.["istio"] ?? ""), revision: String(pod["metadata"]["labels"]?.["istio.io/rev"] ?? ""), info: await istiodVersion(client, pod) });
  const proxies = await dataPlaneProxies(client, mesh[0]!.info.version);
  return { mesh, proxies };
};

/** "1.8.1 (2 proxies), 1.9.0 (1 proxies)" or "none". */
const renderProxyVersions = (proxies: ProxyInfo[]): string => {
  if (!proxies.length) return "none";
  const counts = new Map<string, number>();
  for (const p of proxies) counts.set(p.version, (counts.get(p.version) ?? 0) + 1);
  return [...counts.keys()]
    .sort()
    .map((v) => `${v} (${counts.get(v)} proxies)`)
    .join(", ");
};

/** The version document for -o json|yaml. */
const versionDocument = (facts: ReleaseFacts, remote: Remote): Record<string, unknown> => ({
  clientVersion: buildInfoOf(facts.version.text),
  ...(remote.mesh ? { meshVersion: remote.mesh.map((m) => ({ Component: m.component, ...(facts.version.minor >= 21 ? { Revision: m.revision } : {}), Info: m.info })) } : {}),
  ...(remote.proxies ? { dataPlaneVersion: remote.proxies.map((p) => ({ ID: p.id, IstioVersion: p.version, ...(facts.version.minor >= 21 ? { Type: p.type } : {}) })) } : {}),
});

/** Prints the versions. */
const printVersions = (facts: ReleaseFacts, ctx: RunContext, remote: Remote): void => {
  const out = ctx.io.stdout;
  const client = buildInfoOf(facts.version.text);
  const output = ctx.flags.string("output");
  if (output === "json") return out(`${JSON.stringify(versionDocument(facts, remote), null, 2)}\n`);
  if (output === "yaml") return out(`${goYamlMarshal(versionDocument(facts, remote) as YamlValue, { width: facts.yamlWidth })}\n`);
  const short = ctx.flags.changed("short") ? ctx.flags.bool("short") : true;
  const bare = facts.versionNoControlPlane === "stdout-bare" && !remote.mesh;
  if (short) {
    out(bare ? `${client.version}\n` : `client version: ${client.version}\n`);
    if (remote.mesh) {
      const identical = remote.mesh.every((m) => m.info.version === remote.mesh![0]!.info.version);
      const rows = identical ? [{ component: "control plane", info: remote.mesh[0]!.info }] : remote.mesh;
      for (const m of rows) out(`${m.component} version: ${m.info.version}\n`);
    }
    if (remote.proxies) out(`data plane version: ${renderProxyVersions(remote.proxies)}\n`);
    return;
  }
  out(bare ? `${buildInfoLongForm(client)}\n` : `client version: ${buildInfoLongForm(client)}\n`);
  for (const m of remote.mesh ?? []) out(`${m.component} version: ${buildInfoLongForm(m.info)}\n`);
  for (const p of remote.proxies ?? []) out(`data plane version: version.ProxyInfo{ID:${JSON.stringify(p.id)}, IstioVersion:${JSON.stringify(p.version)}${facts.version.minor >= 21 ? `, Type:${JSON.stringify(p.type)}` : ""}}\n`);
};

/** The version command. */
export const versionCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "version",
  short: "Prints out build version information",
  flags: [
    { name: "short", shorthand: "s", type: "bool", usage: "Use --short=false to generate full version information" },
    { name: "output", shorthand: "o", type: "string", usage: "One of 'yaml' or 'json'." },
    { name: "remote", type: "bool", default: true, usage: "Use --remote=false to suppress control plane check" },
    revisionFlag(facts),
  ],
  run: async (ctx) => {
    const output = ctx.flags.string("output");
    if (output !== "" && output !== "yaml" && output !== "json") throw new CommandError("--output must be 'yaml' or 'json'");
    const remote = ctx.flags.bool("remote") ? await remoteVersions(facts, ctx) : {};
    printVersions(facts, ctx, remote);
  },
});
