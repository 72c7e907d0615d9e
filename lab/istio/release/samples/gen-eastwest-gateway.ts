// samples/multicluster/gen-eastwest-gateway.sh of a release: a bash script, written for the lab, with the flags and the
// exact output of the release's own script (the IstioOperator `eastwest` the course pipes into `istioctl install -y -f -`).
import type { ReleaseFacts } from "../versions.js";

/** Single-quotes a static line for bash. */
const q = (line: string): string => `'${line.replace(/'/g, `'\\''`)}'`;

/** Lines printed as they are. */
const out = (...lines: string[]): string[] => lines.map((l) => `  emit ${q(l)}`);

/** The script text for a release. */
export const genEastWestGatewayScript = (facts: ReleaseFacts): string => {
  const ignored = facts.eastWestClusterMesh === "ignored";
  const names = facts.eastWestPortNames;
  const usage = ignored ? "Must specify either --single-cluster or --network." : "Must specify either --single-cluster or --mesh, --cluster, and --network.";
  const lines: string[] = [
    "#!/bin/bash",
    "#",
    `# Istio ${facts.version.text}: prints the IstioOperator of the east-west gateway (offline lab release; same flags and`,
    "# output as the release's samples/multicluster/gen-eastwest-gateway.sh).",
    "#",
    "#   --single-cluster            gateway for a single network (the VM chapter's case)",
    ignored ? "#   --network NETWORK           multi-network gateway (--cluster and --mesh are accepted and ignored)" : "#   --cluster C --network N --mesh M   multi-network gateway (all three are required)",
    ...(facts.eastWestRevision ? ["#   --revision REV              control plane revision"] : []),
    ...(facts.eastWestAmbient ? ["#   --ambient                   a Gateway API east-west gateway for ambient (needs --network)"] : []),
    "set -euo pipefail",
    "",
    "single=0",
    'cluster=""',
    'network=""',
    'mesh=""',
    'revision=""',
    "ambient=0",
    'while [ "$#" -gt 0 ]; do',
    '  case "$1" in',
    "    --single-cluster) single=1; shift ;;",
    ignored ? "    --cluster) shift 2 ;;" : "    --cluster) cluster=$2; shift 2 ;;",
    "    --network) network=$2; shift 2 ;;",
    ignored ? "    --mesh) shift 2 ;;" : "    --mesh) mesh=$2; shift 2 ;;",
    ...(facts.eastWestRevision ? ["    --revision) revision=$2; shift 2 ;;"] : []),
    ...(facts.eastWestAmbient ? ["    --ambient) ambient=1; shift ;;"] : []),
    '    -*) echo "Error: Unsupported flag $1" >&2; exit 1 ;;',
    "    # (the release's script loops forever on a positional argument; this one skips it)",
    "    *) shift ;;",
    "  esac",
    "done",
    "",
    "emit() { printf '%s\\n' \"$1\"; }",
    "",
    'if [ "$single" -eq 0 ]; then',
    ignored ? '  if [ -z "$network" ]; then' : '  if [ -z "$cluster" ] || [ -z "$network" ] || [ -z "$mesh" ]; then',
    `    echo ${q(usage)}`,
    "    exit 1",
    "  fi",
    "fi",
    "",
  ];
  if (facts.eastWestAmbient) {
    lines.push(
      'if [ "$ambient" -eq 1 ]; then',
      '  if [ -z "$network" ]; then',
      "    echo 'Must specify --network with --ambient.'",
      "    exit 1",
      "  fi",
      ...out("apiVersion: gateway.networking.k8s.io/v1", "kind: Gateway", "metadata:", "  name: istio-eastwestgateway", "  namespace: istio-system", "  labels:"),
      '  emit "    topology.istio.io/network: \\"${network}\\""',
      ...out(
        "spec:",
        '  gatewayClassName: "istio-east-west"',
        "  listeners:",
        "    - name: mesh",
        "      port: 15008",
        "      protocol: HBONE",
        "      tls:",
        "        mode: Terminate",
        "        options:",
        "          gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL",
      ),
      "  exit 0",
      "fi",
      "",
    );
  }
  lines.push("{", ...out("apiVersion: install.istio.io/v1alpha1", "kind: IstioOperator", "metadata:", "  name: eastwest", "spec:"));
  if (facts.eastWestRevision) lines.push('  emit "  revision: \\"${revision}\\""');
  lines.push(...out("  profile: empty", "  components:", "    ingressGateways:", "      - name: istio-eastwestgateway", "        label:", "          istio: eastwestgateway", "          app: istio-eastwestgateway"));
  lines.push('  if [ "$single" -eq 0 ]; then emit "          topology.istio.io/network: ${network}"; fi');
  lines.push(...out("        enabled: true", "        k8s:"));
  if (facts.eastWestRouterMode) {
    lines.push(...out("          env:", "            # sni-dnat adds the clusters required for AUTO_PASSTHROUGH mode"));
    if (facts.eastWestInjectionTemplate) lines.push(...out("            # This is not required in Istio 1.11+, but we add it just in case."));
    lines.push(...out("            - name: ISTIO_META_ROUTER_MODE", '              value: "sni-dnat"'));
    lines.push('  if [ "$single" -eq 0 ]; then');
    lines.push(...out("            # traffic through this gateway should be routed inside the network", "            - name: ISTIO_META_REQUESTED_NETWORK_VIEW").map((l) => `  ${l}`));
    lines.push('    emit "              value: ${network}"', "  fi");
  } else {
    lines.push('  if [ "$single" -eq 0 ]; then');
    lines.push(...out("          env:", "            # traffic through this gateway should be routed inside the network", "            - name: ISTIO_META_REQUESTED_NETWORK_VIEW").map((l) => `  ${l}`));
    lines.push('    emit "              value: ${network}"', "  fi");
  }
  lines.push(
    ...out(
      "          service:",
      "            ports:",
      "              - name: status-port",
      "                port: 15021",
      "                targetPort: 15021",
      `              - name: ${names.tls}`,
      "                port: 15443",
      "                targetPort: 15443",
      `              - name: ${names.istiod}`,
      "                port: 15012",
      "                targetPort: 15012",
      `              - name: ${names.webhook}`,
      "                port: 15017",
      "                targetPort: 15017",
    ),
  );
  if (facts.eastWestInjectionTemplate) lines.push(...out("  values:", "    gateways:", "      istio-ingressgateway:", "        injectionTemplate: gateway"));
  lines.push('  if [ "$single" -eq 0 ]; then');
  if (ignored) {
    lines.push(...(facts.eastWestInjectionTemplate ? [] : out("  values:").map((l) => `  ${l}`)), ...out("    global:").map((l) => `  ${l}`), '    emit "      network: ${network}"');
  } else {
    lines.push(
      ...(facts.eastWestInjectionTemplate ? [] : out("  values:").map((l) => `  ${l}`)),
      ...out("    global:").map((l) => `  ${l}`),
      '    emit "      meshID: ${mesh}"',
      '    emit "      network: ${network}"',
      ...out("      multiCluster:").map((l) => `  ${l}`),
      '    emit "        clusterName: ${cluster}"',
    );
  }
  lines.push("  fi", "}", "");
  return lines.join("\n");
};
