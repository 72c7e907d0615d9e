// /usr/local/bin/istio-start.sh of the lab's istio-sidecar.deb, written for the lab: the program istio.service runs.
// It does what the release's script does, with the same settings, defaults and commands (so a student's sidecar.env,
// the journal and /var/log/istio behave as on a real VM): export everything sidecar.env and cluster.env set, fill in
// the defaults (ISTIO_SVC_IP from `hostname --all-ip-addresses`, POD_NAME from `hostname -s`), replace the capture
// rules with `pilot-agent istio-clean-iptables|istio-iptables`, then start `pilot-agent proxy` as istio-proxy through
// su or sudo with stdout and stderr in /var/log/istio. What changes between releases is in SidecarPackageFacts.
import type { SidecarPackageFacts } from "./facts.js";

/** The command that removes the rules a previous start installed (`args` are passed on in 1.24+'s form only). */
const cleanupCommand = (f: SidecarPackageFacts, args: string): string =>
  f.cleanupInvocation === "cleanup-only" ? `"\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables ${args ? `${args} ` : ""}--cleanup-only` : `"\${ISTIO_BIN_BASE}/pilot-agent" istio-clean-iptables`;

/** Usage and what the script reads, as its opening comment. */
const header = (f: SidecarPackageFacts): string => {
  const etc = f.relativePaths ? "./var/lib/istio/envoy" : "/var/lib/istio/envoy";
  return `#!/bin/bash
# istio-start.sh of istio-sidecar ${f.version} (the offline lab's package; see lab/istio/package/start-script.ts).
#
# istio.service runs it as root from /:
#   istio-start.sh              replace the traffic capture rules, then start the agent
#   istio-start.sh run          start the agent, leave the rules as they are
#   istio-start.sh init|-p ...  only replace the rules (pilot-agent istio-iptables init|-p ...)
${f.cleanOnStop ? "#   istio-start.sh clean        only remove the rules (the unit's ExecStopPost)\n" : ""}#
# Settings: ${etc}/sidecar.env, then ${etc}/cluster.env (other files through
# ISTIO_SIDECAR_CONFIG / ISTIO_CLUSTER_CONFIG). Every variable they set reaches pilot-agent.
`;
};

/** Shell options, the version metadata of older releases, and the two settings files. */
const settings = (f: SidecarPackageFacts): string => {
  const etc = f.relativePaths ? "./var/lib/istio/envoy" : "/var/lib/istio/envoy";
  const version =
    f.exportsIstioVersion === undefined ? "" : `\n# The version the agent reports to istiod (the release branch's value).\nexport ISTIO_META_ISTIO_VERSION="${f.exportsIstioVersion}"\n`;
  return `
set -e
${version}
# --- settings (exported: set -a) ---
set -a
ISTIO_SIDECAR_CONFIG=\${ISTIO_SIDECAR_CONFIG:-${etc}/sidecar.env}
if [[ -r \${ISTIO_SIDECAR_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_SIDECAR_CONFIG"
fi
ISTIO_CLUSTER_CONFIG=\${ISTIO_CLUSTER_CONFIG:-${etc}/cluster.env}
if [[ -r \${ISTIO_CLUSTER_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_CLUSTER_CONFIG"
fi
set +a
`;
};

/** Defaults for what the settings left unset. */
const defaults = (f: SidecarPackageFacts): string => `
# --- defaults ---
ISTIO_BIN_BASE=\${ISTIO_BIN_BASE:-/usr/local/bin}
ISTIO_LOG_DIR=\${ISTIO_LOG_DIR:-${f.relativePaths ? "./var/log/istio" : "/var/log/istio"}}
NS=\${ISTIO_NAMESPACE:-default}
SVC=\${ISTIO_SERVICE:-rawvm}
ISTIO_SYSTEM_NAMESPACE=\${ISTIO_SYSTEM_NAMESPACE:-istio-system}
${f.customPilotAddress ? "" : "ISTIO_PILOT_PORT=${ISTIO_PILOT_PORT:-15012}\n"}CONTROL_PLANE_AUTH_POLICY=\${ISTIO_CP_AUTH:-"MUTUAL_TLS"}
# The workload's address: the first one the VM has.
if [ -z "\${ISTIO_SVC_IP:-}" ]; then
  ISTIO_SVC_IP=$(hostname --all-ip-addresses | cut -d ' ' -f 1)
fi
if [ -z "\${POD_NAME:-}" ]; then
  POD_NAME=$(hostname -s)
fi
`;

/** `clean` (1.10+) and the capture step. */
const capture = (f: SidecarPackageFacts): string => {
  const clean = f.cleanOnStop
    ? `
if [[ \${1-} == "clean" ]]; then
  if [ "\${ISTIO_CUSTOM_IP_TABLES}" != "true" ]; then
    ${cleanupCommand(f, "")}
  fi
  exit 0
fi
`
    : "";
  return `${clean}
# --- traffic capture (skipped when ISTIO_CUSTOM_IP_TABLES=true: the rules are the administrator's) ---
# Rules from an earlier start are removed first: on a VM they survive the agent, unlike in a pod.
if [ "\${ISTIO_CUSTOM_IP_TABLES}" != "true" ]; then
  case "\${1-}" in
    init | -p)
      ${cleanupCommand(f, '"${@}"')}
      "\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables "\${@}"
      exit 0
      ;;
    run) ;;
    *)
      ${cleanupCommand(f, "")}
      "\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables
      ;;
  esac
fi
`;
};

/** Who runs the agent, the istiod and CA addresses, the certificate folders, the agent's flags and PROXY_CONFIG. */
const agentSettings = (f: SidecarPackageFacts): string => {
  const certs = f.relativePaths ? "./etc/certs" : "/etc/certs";
  const addresses = f.customPilotAddress
    ? `# istiod: PILOT_ADDRESS, else ISTIO_PILOT_PORT on istiod's name, else the mesh config's discoveryAddress. CA_ADDR
# defaults to the same place (istiod's port 15012 when neither is set).
DEFAULT_PILOT_ADDRESS="istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:15012"
CUSTOM_PILOT_ADDRESS="\${PILOT_ADDRESS:-}"
if [ -z "\${CUSTOM_PILOT_ADDRESS}" ] && [ -n "\${ISTIO_PILOT_PORT:-}" ]; then
  CUSTOM_PILOT_ADDRESS=istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:\${ISTIO_PILOT_PORT}
fi
CA_ADDR=\${CA_ADDR:-\${CUSTOM_PILOT_ADDRESS:-\${DEFAULT_PILOT_ADDRESS}}}
`
    : `# istiod: PILOT_ADDRESS, else istiod's name on ISTIO_PILOT_PORT; CA_ADDR defaults to the same address.
if [ -z "\${PILOT_ADDRESS:-}" ]; then
  PILOT_ADDRESS=istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:\${ISTIO_PILOT_PORT}
fi
CA_ADDR=\${CA_ADDR:-\${PILOT_ADDRESS}}
`;
  // PROXY_CONFIG from the settings wins; 1.12+ add a custom address to it (an unset PROXY_CONFIG then holds only that).
  const proxyConfig = f.customPilotAddress
    ? `DEFAULT_PROXY_CONFIG="
serviceCluster: $SVC
controlPlaneAuthPolicy: \${CONTROL_PLANE_AUTH_POLICY}
"
if [ -n "\${CUSTOM_PILOT_ADDRESS}" ]; then
  PROXY_CONFIG="$PROXY_CONFIG
discoveryAddress: \${CUSTOM_PILOT_ADDRESS}
"
fi
export PROXY_CONFIG=\${PROXY_CONFIG:-\${DEFAULT_PROXY_CONFIG}}
`
    : `export PROXY_CONFIG=\${PROXY_CONFIG:-"
serviceCluster: $SVC
controlPlaneAuthPolicy: \${CONTROL_PLANE_AUTH_POLICY}
discoveryAddress: \${PILOT_ADDRESS}
"}
`;
  return `
# --- the agent ---
EXEC_USER=\${EXEC_USER:-istio-proxy}
# TPROXY interception needs transparent sockets (CAP_NET_ADMIN): the agent then runs as root.
if [ "\${ISTIO_INBOUND_INTERCEPTION_MODE}" = "TPROXY" ]; then
  EXEC_USER=root
fi

${addresses}
# Where the agent finds its provisioning certificate and writes the ones istiod signs.
PROV_CERT=\${PROV_CERT-${certs}}
OUTPUT_CERTS=\${OUTPUT_CERTS-${certs}}
export PROV_CERT OUTPUT_CERTS CA_ADDR

# Extra pilot-agent flags, split on spaces.
ISTIO_AGENT_FLAGS=\${ISTIO_AGENT_FLAGS:-}
IFS=' ' read -r -a agent_flags <<< "$ISTIO_AGENT_FLAGS"

# The proxy config the agent merges over the mesh config.
${proxyConfig}`;
};

/** Starting the agent: directly when the script already runs as EXEC_USER, else through su (≤ 1.11) or sudo (1.12+)
 * with the output redirected into ISTIO_LOG_DIR (appended from 1.13, rewritten before). */
const launch = (f: SidecarPackageFacts): string => {
  const redirect = f.appendLogs ? "2>> ${ISTIO_LOG_DIR}/istio.err.log >> ${ISTIO_LOG_DIR}/istio.log" : "2> ${ISTIO_LOG_DIR}/istio.err.log > ${ISTIO_LOG_DIR}/istio.log";
  const command = `${f.carriesFileLimit ? "ulimit -n ${currentLimit}; " : ""}INSTANCE_IP=\${ISTIO_SVC_IP} POD_NAME=\${POD_NAME} POD_NAMESPACE=\${NS} exec \${ISTIO_BIN_BASE}/pilot-agent proxy \${agent_flags[*]} ${redirect}`;
  const switchUser = f.execWithSudo ? `exec sudo -E -u "\${EXEC_USER}" -s /bin/bash -c "${command}"` : `exec su -s /bin/bash -c "${command}" "\${EXEC_USER}"`;
  const limit = f.carriesFileLimit ? "  # su/sudo would reset the open-files limit: the agent gets this shell's.\n  currentLimit=$(ulimit -n)\n" : "";
  return `
if [ "\${EXEC_USER}" == "\${USER:-}" ]; then
  # Already the right user (started by hand): run in the foreground, output on the terminal.
  INSTANCE_IP=\${ISTIO_SVC_IP} POD_NAME=\${POD_NAME} POD_NAMESPACE=\${NS} "\${ISTIO_BIN_BASE}/pilot-agent" proxy "\${agent_flags[@]}"
else
${limit}  ${switchUser}
fi
`;
};

/** The text of istio-start.sh for a release. */
export const istioStartScript = (f: SidecarPackageFacts): string => header(f) + settings(f) + defaults(f) + capture(f) + agentSettings(f) + launch(f);
