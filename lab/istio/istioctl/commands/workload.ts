// `istioctl x workload group create` and `istioctl x workload entry configure` with the release's flags, argument
// checks and messages.
import type { ReleaseFacts } from "../../release/versions.js";
import type { CommandDef } from "../cli/command.js";
import { parseGoInt, GoValueError } from "../cli/go-values.js";
import { entryConfigure } from "../workload/entry-configure.js";
import { workloadGroupYaml } from "../workload/group.js";
import { connect, revisionFlag } from "./common.js";

/** istioctl's splitEqual over a list of k=v ("k" alone = empty value). */
const toMap = (items: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    items.map((item) => {
      const i = item.indexOf("=");
      return i >= 0 ? [item.slice(0, i), item.slice(i + 1)] : [item, ""];
    }),
  );

/** Ports as uint32 (istioctl logs a parse failure, in Istio's log format on stdout, and keeps 0). */
const toPorts = (items: readonly string[], log: (text: string) => void): Record<string, number> =>
  Object.fromEntries(
    Object.entries(toMap(items)).map(([k, v]) => {
      try {
        return [k, parseGoInt(v, { bits: 32, unsigned: true })];
      } catch (error) {
        if (!(error instanceof GoValueError)) throw error;
        log(`${new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z")}\terror\tfailed to convert to uint32: ${error.message}\n`);
        return [k, 0];
      }
    }),
  );

/** `group create`. */
const groupCreate = (facts: ReleaseFacts): CommandDef => ({
  use: "create",
  short: "Creates a WorkloadGroup resource that provides a template for associated WorkloadEntries",
  long: `Creates a WorkloadGroup resource that provides a template for associated WorkloadEntries.
The default output is serialized YAML, which can be piped into 'kubectl apply -f -' to send the artifact to the API Server.`,
  example: `${facts.version.minor >= 21 ? "  istioctl x workload group create" : "create"} --name foo --namespace bar --labels app=foo,bar=baz --ports grpc=3550,http=8080 --annotations annotation=foobar --serviceAccount sa`,
  persistentFlags: [
    { name: "name", type: "string", usage: "The name of the workload group" },
    { name: "namespace", shorthand: "n", type: "string", usage: "The namespace that the workload instances will belong to" },
    { name: "labels", shorthand: "l", type: "stringSlice", usage: "The labels to apply to the workload instances; e.g. -l env=prod,vers=2" },
    { name: "annotations", shorthand: "a", type: "stringSlice", usage: "The annotations to apply to the workload instances" },
    { name: "ports", shorthand: "p", type: "stringSlice", usage: "The incoming ports exposed by the workload instance" },
    { name: "serviceAccount", shorthand: "s", type: "string", default: "default", usage: "The service identity to associate with the workload instances" },
    ...(facts.workloadGroupPlacementFlags
      ? [
          { name: "network", type: "string" as const, usage: "Network enables Istio to group endpoints resident in the same L3 domain/network." },
          { name: "locality", type: "string" as const, usage: "The locality associated with the endpoint." },
          { name: "weight", shorthand: "w", type: "uint32" as const, usage: "The load balancing weight associated with the endpoint." },
        ]
      : []),
  ],
  args: (ctx) => (!ctx.flags.string("name") ? "expecting a workload name" : !ctx.flags.string("namespace") ? "expecting a workload namespace" : undefined),
  run: async (ctx) => {
    const f = ctx.flags;
    ctx.io.stdout(
      workloadGroupYaml(facts, {
        name: f.string("name"),
        namespace: f.string("namespace"),
        labels: toMap(f.list("labels")),
        annotations: toMap(f.list("annotations")),
        ports: toPorts(f.list("ports"), ctx.io.stdout),
        serviceAccount: f.string("serviceAccount"),
        ...(facts.workloadGroupPlacementFlags ? { network: f.string("network"), locality: f.string("locality"), weight: f.number("weight") } : {}),
      }),
    );
  },
});

/** `entry configure`. */
const entryConfigureCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "configure",
  short: "Generates all the required configuration files for a workload instance running on a VM or non-Kubernetes environment",
  long: `Generates all the required configuration files for workload instance on a VM or non-Kubernetes environment from a WorkloadGroup artifact.
This includes a MeshConfig resource, the cluster.env file, and necessary certificates and security tokens.
Configure requires either the WorkloadGroup artifact path or its location on the API server.`,
  example:
    facts.version.minor >= 21
      ? "  # configure example using a local WorkloadGroup artifact\n  istioctl x workload entry configure -f workloadgroup.yaml -o config\n\n  # configure example using the API server\n  istioctl x workload entry configure --name foo --namespace bar -o config"
      : "  # configure example using a local WorkloadGroup artifact\n  configure -f workloadgroup.yaml -o config\n\n  # configure example using the API server\n  configure --name foo --namespace bar -o config",
  persistentFlags: [
    { name: "file", shorthand: "f", type: "string", usage: "filename of the WorkloadGroup artifact. Leave this field empty if using the API server" },
    { name: "name", type: "string", usage: "The name of the workload group" },
    { name: "namespace", shorthand: "n", type: "string", usage: "The namespace that the workload instances belongs to" },
    { name: "output", shorthand: "o", type: "string", usage: "Output directory for generated files" },
    { name: "clusterID", type: "string", default: facts.clusterIdFromInjector ? "" : "Kubernetes", usage: "The ID used to identify the cluster" },
    { name: "tokenDuration", type: "int64", default: 3600, usage: "The token duration in seconds (default: 1 hour)" },
    { name: "ingressService", type: "string", default: "istio-eastwestgateway", usage: "Name of the Service to be used as the ingress gateway, in the format <service>.<namespace>. If no namespace is provided, the default istio-system namespace will be used." },
    { name: "ingressIP", type: "string", usage: "IP address of the ingress gateway" },
    { name: "autoregister", type: "bool", usage: "Creates a WorkloadEntry upon connection to istiod (if enabled in pilot)." },
    { name: "capture-dns", type: "bool", default: true, usage: "Enables the capture of outgoing DNS packets on port 53, redirecting to istio-agent" },
    ...(facts.entryIpFlags
      ? [
          { name: "internalIP", type: "string" as const, usage: "Internal IP address of the workload" },
          { name: "externalIP", type: "string" as const, usage: "External IP address of the workload" },
        ]
      : []),
    revisionFlag(facts),
  ],
  args: (ctx) => {
    const f = ctx.flags;
    if (!f.string("file") && (!f.string("name") || !f.string("namespace"))) return "expecting a WorkloadGroup artifact file or the name and namespace of an existing WorkloadGroup";
    if (!f.string("output")) return "expecting an output directory";
    if (facts.entryIpFlags && f.string("internalIP") && f.string("externalIP")) return "the flags --internalIP and --externalIP are mutually exclusive";
    return undefined;
  },
  run: async (ctx) => {
    const f = ctx.flags;
    await entryConfigure({
      facts,
      connect: () => connect(ctx),
      io: ctx.io,
      file: f.string("file"),
      name: f.string("name"),
      namespace: f.string("namespace"),
      output: f.string("output"),
      clusterID: f.string("clusterID"),
      clusterIDChanged: f.changed("clusterID"),
      istioNamespace: f.string("istioNamespace"),
      revision: f.string("revision"),
      tokenDuration: f.number("tokenDuration"),
      ingressIP: f.string("ingressIP"),
      ingressService: f.string("ingressService"),
      internalIP: facts.entryIpFlags ? f.string("internalIP") : "",
      externalIP: facts.entryIpFlags ? f.string("externalIP") : "",
      autoRegister: f.bool("autoregister"),
      dnsCapture: f.bool("capture-dns"),
    });
  },
});

/** `x workload`. */
export const workloadCommand = (facts: ReleaseFacts): CommandDef => ({
  use: "workload",
  short: "Commands to assist in configuring and deploying workloads running on VMs and other non-Kubernetes environments",
  example: facts.version.minor >= 21 ? "  # workload group yaml generation\n  istioctl x workload group create\n\n  # workload entry configuration generation\n  istioctl x workload entry configure" : "  # workload group yaml generation\n  workload group create\n\n  # workload entry configuration generation\n  workload entry configure",
  children: [
    { use: "group", short: "Commands dealing with WorkloadGroup resources", example: `${facts.version.minor >= 21 ? "  istioctl x workload " : ""}group create --name foo --namespace bar --labels app=foobar`, children: [groupCreate(facts)] },
    { use: "entry", short: "Commands dealing with WorkloadEntry resources", example: `${facts.version.minor >= 21 ? "  istioctl x workload " : ""}entry configure -f workloadgroup.yaml -o outputDir`, children: [entryConfigureCommand(facts)] },
  ],
});
