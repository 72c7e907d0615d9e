// The istioctl command tree of a release: the commands the chapter uses (install, uninstall, version, proxy-status,
// x workload …) and, so that cobra finds and suggests them as the real binary does, the release's other commands,
// which say that the lab does not reproduce them.
import type { ReleaseFacts } from "../../release/versions.js";
import type { CommandDef } from "../cli/command.js";
import { rootFlags } from "./common.js";
import { installCommand } from "./install.js";
import { proxyStatusCommand } from "./proxy-status.js";
import { uninstallCommand } from "./uninstall.js";
import { unsupportedCommand as other } from "./unsupported.js";
import { versionCommand } from "./version.js";
import { workloadCommand } from "./workload.js";

/** `istioctl x` (experimental). */
const experimental = (facts: ReleaseFacts): CommandDef => ({
  use: "experimental",
  aliases: ["x", "exp"],
  short: "Experimental commands that may be modified or deprecated",
  children: [
    workloadCommand(facts),
    ...(facts.uninstallCommand[0] === "x" ? [uninstallCommand(facts)] : []),
    other("version", "Prints out build version information"),
    other("proxy-status [<type>/]<name>[.<namespace>]", "Retrieves the synchronization status of each Envoy in the mesh", ["ps"]),
    other("authz", "Inspect Istio AuthorizationPolicy"),
    other("describe", "Describe resource and related Istio configuration"),
    other("metrics <workload name>...", "Prints the metrics for the specified workload(s) when running in Kubernetes."),
    other("precheck", "Check whether Istio can safely be installed or upgrade"),
    other("config", "Configure istioctl defaults"),
    ...(facts.version.minor < 21
      ? [other("add-to-mesh", "Add workloads into Istio service mesh", ["add"]), other("remove-from-mesh", "Remove workloads from Istio service mesh", ["rm"]), other("wait [flags] <type> <name>[.<namespace>]", "Wait for an Istio resource"), other("istiod", "Commands to interact with istiod")]
      : [other("injector", "List sidecar injector and sidecar versions"), other("internal-debug [<type>/]<name>[.<namespace>]", "Retrieves the debug information of istio"), other("envoy-stats [<type>/]<name>[.<namespace>]", "Retrieves Envoy metrics in the specified pod"), other("check-inject [<type>/]<name>[.<namespace>]", "Check the injection status or inject-ability of a given resource, explains why it is (or will be) injected or not")]),
  ],
});

/** The root command of a release. */
export const rootCommand = (facts: ReleaseFacts, env: NodeJS.ProcessEnv): CommandDef => ({
  use: "istioctl",
  short: "Istio control interface.",
  long: "Istio configuration command line utility for service operators to\ndebug and diagnose their Istio mesh.\n",
  persistentFlags: rootFlags(facts, env),
  children: [
    versionCommand(facts),
    installCommand(facts),
    proxyStatusCommand(facts),
    experimental(facts),
    ...(facts.uninstallCommand[0] === "uninstall" ? [uninstallCommand(facts)] : []),
    other("analyze <file>...", "Analyze Istio configuration and print validation messages"),
    other("dashboard", "Access to Istio web UIs", ["dash", "d"]),
    other("kube-inject", "Inject Istio sidecar into Kubernetes pod resources"),
    other("manifest", "Commands related to Istio manifests"),
    other("proxy-config", "Retrieve information about proxy configuration from Envoy [kube only]", ["pc"]),
    other("upgrade", "Upgrade Istio control plane in-place"),
    other("validate -f FILENAME [options]", "Validate Istio policy and rules files", ["v"]),
    other("bug-report", "Cluster information and log capture support tool."),
    ...(facts.version.minor < 21
      ? [other("profile", "Commands related to Istio configuration profiles"), other("operator", "Commands related to Istio operator controller."), other("verify-install [-f <deployment or istio operator file>] [--revision <revision>]", "Verifies Istio Installation Status"), other("register <svcname> <ip> [name1:]port1 [name2:]port2 ...", "Registers a service instance (e.g. VM) joining the mesh", []), other("deregister <svcname> <ip>", "De-registers a service instance"), other("convert-ingress", "Convert Ingress configuration into Istio VirtualService configuration")]
      : [other("admin", "Manage control plane (istiod) configuration", ["istiod"]), other("tag", "Command group used to interact with revision tags"), other("create-remote-secret", "Create a secret with credentials to allow Istio to access remote Kubernetes apiservers"), other("waypoint", "Manage waypoint configuration", ["wp"]), other("ztunnel-config", "Update or retrieve current Ztunnel configuration.", ["zc"]), other("completion", "Generate the autocompletion script for the specified shell")]),
  ],
});
