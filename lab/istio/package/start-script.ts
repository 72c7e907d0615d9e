// /usr/local/bin/istio-start.sh of a release's istio-sidecar.deb: the script istio.service runs. It sources sidecar.env
// and cluster.env, takes ISTIO_SVC_IP from `hostname --all-ip-addresses`, cleans and installs the capture rules through
// `pilot-agent istio-clean-iptables|istio-iptables`, then runs `pilot-agent proxy` as istio-proxy with stdout and
// stderr in /var/log/istio. Generated per version from SidecarPackageFacts; for 1.8.1 and 1.30.0 the text is the
// release's tools/packaging/common/istio-start.sh byte for byte (Apache-2.0, Copyright Istio Authors).
import type { SidecarPackageFacts } from "./facts.js";

const HEADER = `#!/bin/bash
#
# Copyright Istio Authors. All Rights Reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#    http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
#
################################################################################
#
# Script to configure and start the Istio sidecar.
`;

/** The `set` lines and the version export at the top. */
const prologue = (f: SidecarPackageFacts): string =>
  f.exportsIstioVersion === undefined
    ? "\nset -ea\n\n"
    : `\nset -e\n\n# Match pilot/docker/Dockerfile.proxyv2\nexport ISTIO_META_ISTIO_VERSION="${f.exportsIstioVersion}"\n\nset -a\n`;

/** Loading sidecar.env then cluster.env (exported by `set -a`). */
const loadConfig = (f: SidecarPackageFacts): string => {
  const base = f.relativePaths ? "./var/lib/istio/envoy" : "/var/lib/istio/envoy";
  return `# Load optional config variables
ISTIO_SIDECAR_CONFIG=\${ISTIO_SIDECAR_CONFIG:-${base}/sidecar.env}
if [[ -r \${ISTIO_SIDECAR_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_SIDECAR_CONFIG"
fi

# Load config variables ISTIO_SYSTEM_NAMESPACE, CONTROL_PLANE_AUTH_POLICY
ISTIO_CLUSTER_CONFIG=\${ISTIO_CLUSTER_CONFIG:-${base}/cluster.env}
if [[ -r \${ISTIO_CLUSTER_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_CLUSTER_CONFIG"
fi
set +a
`;
};

/** Defaults, ISTIO_SVC_IP and POD_NAME. */
const defaults = (f: SidecarPackageFacts): string => `
# Set defaults
ISTIO_BIN_BASE=\${ISTIO_BIN_BASE:-/usr/local/bin}
ISTIO_LOG_DIR=\${ISTIO_LOG_DIR:-${f.relativePaths ? "./var/log/istio" : "/var/log/istio"}}
NS=\${ISTIO_NAMESPACE:-default}
SVC=\${ISTIO_SERVICE:-rawvm}
ISTIO_SYSTEM_NAMESPACE=\${ISTIO_SYSTEM_NAMESPACE:-istio-system}
${
  f.customPilotAddress
    ? ""
    : `
# The default matches the default istio.yaml - use sidecar.env to override this if you
# enable auth. This requires node-agent to be running.
ISTIO_PILOT_PORT=\${ISTIO_PILOT_PORT:-15012}
`
}
# If set, override the default
CONTROL_PLANE_AUTH_POLICY=\${ISTIO_CP_AUTH:-"MUTUAL_TLS"}

if [ -z "\${ISTIO_SVC_IP:-}" ]; then
  ISTIO_SVC_IP=$(hostname --all-ip-addresses | cut -d ' ' -f 1)
fi

if [ -z "\${POD_NAME:-}" ]; then
  POD_NAME=$(hostname -s)
fi
`;

/** The clean-up command, with extra arguments for the `init` branch. */
const cleanup = (f: SidecarPackageFacts, initArgs: boolean): string =>
  f.cleanupInvocation === "cleanup-only"
    ? `"\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables ${initArgs ? '"${@}" ' : ""}--cleanup-only`
    : `"\${ISTIO_BIN_BASE}/pilot-agent" istio-clean-iptables`;

/** The `clean` subcommand istio.service runs on stop (1.10+). */
const cleanCommand = (f: SidecarPackageFacts): string =>
  f.cleanOnStop
    ? `
if [[ \${1-} == "clean" ]] ; then
  if [ "\${ISTIO_CUSTOM_IP_TABLES}" != "true" ] ; then
    # clean the previous Istio iptables chains.
    ${cleanup(f, false)}
  fi
  exit 0
fi
`
    : "";

/** The iptables step. */
const iptables = (f: SidecarPackageFacts): string => `
# Init option will only initialize iptables. set ISTIO_CUSTOM_IP_TABLES to true if you would like to ignore this step
if [ "\${ISTIO_CUSTOM_IP_TABLES}" != "true" ] ; then
    if [[ \${1-} == "init" || \${1-} == "-p" ]] ; then
      # clean the previous Istio iptables chains. This part is different from the init image mode,
      # where the init container runs in a fresh environment and there cannot be previous Istio chains
      ${cleanup(f, true)}

      # Update iptables, based on current config. This is for backward compatibility with the init image mode.
      # The sidecar image can replace the k8s init image, to avoid downloading 2 different images.
      "\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables "\${@}"
      exit 0
    fi

    if [[ \${1-} != "run" ]] ; then
      # clean the previous Istio iptables chains. This part is different from the init image mode,
      # where the init container runs in a fresh environment and there cannot be previous Istio chains
      ${cleanup(f, false)}

      # Update iptables, based on config file
      "\${ISTIO_BIN_BASE}/pilot-agent" istio-iptables
    fi
fi

EXEC_USER=\${EXEC_USER:-istio-proxy}
if [ "\${ISTIO_INBOUND_INTERCEPTION_MODE}" = "TPROXY" ] ; then
  # In order to allow redirect inbound traffic using TPROXY, run envoy with the CAP_NET_ADMIN capability.
  # This allows configuring listeners with the "transparent" socket option set to true.
  EXEC_USER=root
fi
`;

/** Discovery and CA addresses, certificate folders, agent flags and PROXY_CONFIG. */
const addresses = (f: SidecarPackageFacts): string => {
  const certs = f.relativePaths ? "./etc/certs" : "/etc/certs";
  const head = f.customPilotAddress
    ? `
# The default matches the default istio.yaml - use sidecar.env to override ISTIO_PILOT_PORT or CA_ADDR if you
# enable auth. This requires node-agent to be running.
DEFAULT_PILOT_ADDRESS="istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:15012"
CUSTOM_PILOT_ADDRESS="\${PILOT_ADDRESS:-}"
if [ -z "\${CUSTOM_PILOT_ADDRESS}" ] && [ -n "\${ISTIO_PILOT_PORT:-}" ]; then
  CUSTOM_PILOT_ADDRESS=istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:\${ISTIO_PILOT_PORT}
fi

# CA_ADDR > PILOT_ADDRESS > ISTIO_PILOT_PORT
CA_ADDR=\${CA_ADDR:-\${CUSTOM_PILOT_ADDRESS:-\${DEFAULT_PILOT_ADDRESS}}}
`
    : `
if [ -z "\${PILOT_ADDRESS:-}" ]; then
  PILOT_ADDRESS=istiod.\${ISTIO_SYSTEM_NAMESPACE}.svc:\${ISTIO_PILOT_PORT}
fi

CA_ADDR=\${CA_ADDR:-\${PILOT_ADDRESS}}
`;
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

# PROXY_CONFIG > PILOT_ADDRESS > ISTIO_PILOT_PORT
export PROXY_CONFIG=\${PROXY_CONFIG:-\${DEFAULT_PROXY_CONFIG}}
`
    : `export PROXY_CONFIG=\${PROXY_CONFIG:-"
serviceCluster: $SVC
controlPlaneAuthPolicy: \${CONTROL_PLANE_AUTH_POLICY}
discoveryAddress: \${PILOT_ADDRESS}
"}
`;
  return `${head}PROV_CERT=\${PROV_CERT-${certs}}
OUTPUT_CERTS=\${OUTPUT_CERTS-${certs}}

export PROV_CERT
export OUTPUT_CERTS
export CA_ADDR

# If predefined ISTIO_AGENT_FLAGS is null, make it an empty string.
ISTIO_AGENT_FLAGS=\${ISTIO_AGENT_FLAGS:-}
# Split ISTIO_AGENT_FLAGS by spaces.
IFS=' ' read -r -a ISTIO_AGENT_FLAGS_ARRAY <<< "$ISTIO_AGENT_FLAGS"

${proxyConfig}`;
};

const WILL_RUN =
  "# Will run: ${ISTIO_BIN_BASE}/envoy -c $ENVOY_CFG --restart-epoch 0 --drain-time-s 2 --parent-shutdown-time-s 3 --service-cluster $SVC --service-node 'sidecar~${ISTIO_SVC_IP}~${POD_NAME}.${NS}.svc.cluster.local~${NS}.svc.cluster.local' $ISTIO_DEBUG >${ISTIO_LOG_DIR}/istio.log\" istio-proxy";

/** Starting the agent: as the current user, or through su (≤ 1.11) / sudo (1.12+) with the logs redirected; 1.11–1.21
 * carry the soft NOFILE limit across (`ulimit -n`), 1.17+ quote the user (shellcheck 0.9), 1.18+ indent the branch. */
const run = (f: SidecarPackageFacts): string => {
  const carryLimit = f.minor >= 11 && f.minor <= 21;
  const quoted = f.minor >= 17;
  const i = f.minor >= 18 ? "  " : "";
  const user = quoted ? '"${EXEC_USER}"' : "${EXEC_USER}";
  const redirect = f.appendLogs ? "2>> ${ISTIO_LOG_DIR}/istio.err.log >> ${ISTIO_LOG_DIR}/istio.log" : "2> ${ISTIO_LOG_DIR}/istio.err.log > ${ISTIO_LOG_DIR}/istio.log";
  const inner = `${carryLimit ? "ulimit -n ${currentLimit}; " : ""}INSTANCE_IP=\${ISTIO_SVC_IP} POD_NAME=\${POD_NAME} POD_NAMESPACE=\${NS} exec \${ISTIO_BIN_BASE}/pilot-agent proxy \${ISTIO_AGENT_FLAGS_ARRAY[*]} ${redirect}`;
  const exec = f.execWithSudo ? `exec sudo -E -u ${user} -s /bin/bash -c "${inner}"` : `exec su -s /bin/bash -c "${inner}" \${EXEC_USER}`;
  const limit = [
    "# su will mess with the limits set on the process we run. This may lead to quickly exhausting the file limits",
    "# We will get the host limit and set it in the child as well.",
    "# TODO(https://superuser.com/questions/1645513/why-does-executing-a-command-in-su-change-limits) can we do better?",
    "currentLimit=$(ulimit -n)",
  ];
  const body = carryLimit
    ? `\n${limit.map((l) => i + l).join("\n")}\n\n${i}${WILL_RUN}\n${i}${exec}\n`
    : i
      ? `${i}${WILL_RUN}\n${i}${exec}\n`
      : `\n${WILL_RUN}\n${exec}\n`;
  return `
if [ ${user} == "\${USER:-}" ] ; then
  # if started as istio-proxy (or current user), do a normal start, without
  # redirecting stderr.
  INSTANCE_IP=\${ISTIO_SVC_IP} POD_NAME=\${POD_NAME} POD_NAMESPACE=\${NS} "\${ISTIO_BIN_BASE}/pilot-agent" proxy "\${ISTIO_AGENT_FLAGS_ARRAY[@]}"
else
${body}fi
`;
};

/** The text of istio-start.sh for a release. */
export const istioStartScript = (f: SidecarPackageFacts): string =>
  HEADER + prologue(f) + loadConfig(f) + defaults(f) + cleanCommand(f) + iptables(f) + addresses(f) + run(f);
