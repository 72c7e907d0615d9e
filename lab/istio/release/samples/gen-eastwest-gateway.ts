// samples/multicluster/gen-eastwest-gateway.sh of a lab release: a bash script written for the lab with the release
// script's flags, checks and error texts. It prints the east-west gateway the course pipes into `istioctl install -y
// -f -`: an IstioOperator `eastwest` (empty profile) with the ingress gateway istio-eastwestgateway labelled
// istio=eastwestgateway, the Service ports status-port 15021, 15443 (mTLS between networks), 15012 (istiod) and 15017
// (webhooks) under the release's port names, ISTIO_META_ROUTER_MODE=sni-dnat up to 1.11, the gateway injection
// template from 1.11, and the network settings unless --single-cluster; 1.28+ `--ambient` prints a Gateway API gateway.
import type { ReleaseFacts } from "../versions.js";

/** Single-quotes a static line for bash. */
const q = (line: string): string => `'${line.replace(/'/g, `'\\''`)}'`;

/** Lines printed as they are, indented for the script's body by `depth` levels. */
const out = (depth: number, ...lines: string[]): string[] => lines.map((l) => `${"  ".repeat(depth)}emit ${q(l)}`);

/** Lines printed with the shell's variables expanded (double quotes). */
const outVar = (depth: number, ...lines: string[]): string[] => lines.map((l) => `${"  ".repeat(depth)}emit "${l.replace(/"/g, '\\"')}"`);

/** Flag parsing and the checks the release makes before printing anything. */
const parseFlags = (facts: ReleaseFacts): string[] => {
  const ignored = facts.eastWestClusterMesh === "ignored";
  const usage = ignored ? "Must specify either --single-cluster or --network." : "Must specify either --single-cluster or --mesh, --cluster, and --network.";
  return [
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
    'if [ "$single" -eq 0 ]; then',
    ignored ? '  if [ -z "$network" ]; then' : '  if [ -z "$cluster" ] || [ -z "$network" ] || [ -z "$mesh" ]; then',
    `    echo ${q(usage)}`,
    "    exit 1",
    "  fi",
    "fi",
    "",
  ];
};

/** 1.28+: `--ambient --network N` prints a Gateway API east-west gateway (HBONE on 15008). */
const ambientGateway = (facts: ReleaseFacts): string[] => [
  'if [ "$ambient" -eq 1 ]; then',
  '  if [ -z "$network" ]; then',
  "    echo 'Must specify --network with --ambient.'",
  "    exit 1",
  "  fi",
  ...out(1, `# Istio ${facts.version.text} (offline lab): the ambient east-west gateway, for \`kubectl apply -f -\`.`),
  ...out(1, "apiVersion: gateway.networking.k8s.io/v1", "kind: Gateway", "metadata:", "  name: istio-eastwestgateway", "  namespace: istio-system", "  labels:"),
  ...outVar(1, '    topology.istio.io/network: "${network}"'),
  ...out(
    1,
    "spec:",
    "  gatewayClassName: istio-east-west",
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
];

/** The IstioOperator. */
const operator = (facts: ReleaseFacts): string[] => {
  const names = facts.eastWestPortNames;
  const ports: Array<[string, number]> = [
    ["status-port", 15021],
    [names.tls, 15443],
    [names.istiod, 15012],
    [names.webhook, 15017],
  ];
  const lines: string[] = [
    ...out(0, `# Istio ${facts.version.text} (offline lab): the east-west gateway, for \`istioctl install -f -\`.`),
    ...out(0, "apiVersion: install.istio.io/v1alpha1", "kind: IstioOperator", "metadata:", "  name: eastwest", "spec:"),
    ...(facts.eastWestRevision ? outVar(0, '  revision: "${revision}"') : []),
    ...out(0, "  profile: empty", "  components:", "    ingressGateways:", "      - name: istio-eastwestgateway", "        enabled: true", "        label:", "          istio: eastwestgateway", "          app: istio-eastwestgateway"),
    'if [ "$single" -eq 0 ]; then',
    ...outVar(1, "          topology.istio.io/network: ${network}"),
    "fi",
    ...out(0, "        k8s:"),
  ];
  // env: the router mode (≤ 1.11) and, between networks, the network the gateway routes inside.
  if (facts.eastWestRouterMode) lines.push(...out(0, "          env:", "            - name: ISTIO_META_ROUTER_MODE", "              value: sni-dnat"));
  lines.push('if [ "$single" -eq 0 ]; then');
  if (!facts.eastWestRouterMode) lines.push(...out(1, "          env:"));
  lines.push(...out(1, "            - name: ISTIO_META_REQUESTED_NETWORK_VIEW"), ...outVar(1, "              value: ${network}"), "fi");
  lines.push(...out(0, "          service:", "            ports:"));
  for (const [name, port] of ports) lines.push(...out(0, `              - name: ${name}`, `                port: ${port}`, `                targetPort: ${port}`));
  // values: the injection template (1.11+) and, between networks, the mesh's network settings.
  const global = [
    ...out(1, "    global:"),
    ...(facts.eastWestClusterMesh === "required" ? outVar(1, "      meshID: ${mesh}") : []),
    ...outVar(1, "      network: ${network}"),
    ...(facts.eastWestClusterMesh === "required" ? [...out(1, "      multiCluster:"), ...outVar(1, "        clusterName: ${cluster}")] : []),
  ];
  if (facts.eastWestInjectionTemplate) {
    lines.push(...out(0, "  values:", "    gateways:", "      istio-ingressgateway:", "        injectionTemplate: gateway"), 'if [ "$single" -eq 0 ]; then', ...global, "fi");
  } else {
    lines.push('if [ "$single" -eq 0 ]; then', ...out(1, "  values:"), ...global, "fi");
  }
  return lines;
};

/** The script text for a release. */
export const genEastWestGatewayScript = (facts: ReleaseFacts): string => {
  const ignored = facts.eastWestClusterMesh === "ignored";
  return [
    "#!/bin/bash",
    "#",
    `# Istio ${facts.version.text} (offline lab release): prints the east-west gateway to install with istioctl.`,
    "#",
    "#   --single-cluster            gateway for a single network (the VM chapter's case)",
    ignored ? "#   --network NETWORK           multi-network gateway (--cluster and --mesh are accepted and ignored)" : "#   --cluster C --network N --mesh M   multi-network gateway (all three are required)",
    ...(facts.eastWestRevision ? ["#   --revision REV              control plane revision"] : []),
    ...(facts.eastWestAmbient ? ["#   --ambient                   a Gateway API east-west gateway for ambient (needs --network)"] : []),
    "set -euo pipefail",
    "",
    ...parseFlags(facts),
    "emit() { printf '%s\\n' \"$1\"; }",
    "",
    ...(facts.eastWestAmbient ? ambientGateway(facts) : []),
    ...operator(facts),
    "",
  ].join("\n");
};
