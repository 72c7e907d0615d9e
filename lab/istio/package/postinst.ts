// DEBIAN/postinst of the lab's istio-sidecar.deb, written for the lab. It has the effects of the release's maintainer
// script (fpm --after-install) and runs the same commands, so dpkg prints the same lines on the VM (adduser's
// messages and warnings, chown's warning about the `user.group` form): the istio-proxy system user and group with home
// /var/lib/istio, /etc/istio linked to /var/lib/istio when nothing is there yet, the sidecar's working folders and an
// empty config/mesh owned by istio-proxy, and mode 2755 on /usr/local/bin/envoy and pilot-agent.
import type { SidecarPackageFacts } from "./facts.js";

const USER = "istio-proxy";
const HOME = "/var/lib/istio";
/** chown's owner argument, in the `user.group` form the release uses (coreutils warns about it, then accepts it). */
const OWNER = `${USER}.${USER}`;

/** Folders the agent writes to. */
const WORK_DIRS = [`${HOME}/envoy`, `${HOME}/proxy`, `${HOME}/config`, "/var/log/istio"];
const MESH_FILE = `${HOME}/config/mesh`;
const BINARIES = ["/usr/local/bin/envoy", "/usr/local/bin/pilot-agent"];

/** The commands that create the user: shadow's tools (RedHat family, or 1.12+ wherever useradd exists) or Debian's. */
const shadowTools = [`groupadd --system ${USER}`, `useradd --system --gid ${USER} --home-dir ${HOME} ${USER}`];
const debianTools = [`addgroup --system ${USER}`, `adduser --system --group --home ${HOME} ${USER}`];

/** Which tools a release picks: 1.12+ asks whether useradd exists; older ones look for a CentOS/RedHat release file. */
const toolTest = (f: SidecarPackageFacts): string =>
  f.postinstPrefersUseradd ? "command -v useradd >/dev/null" : "ls -d /etc/*release 2>/dev/null | grep -Eiq 'centos|redhat'";

const indent = (lines: readonly string[], by: string): string => lines.map((l) => by + l).join("\n");

/** The postinst text for a release. */
export const postinstScript = (f: SidecarPackageFacts): string => `#!/bin/bash
# postinst of istio-sidecar ${f.version} (the offline lab's package; see lab/istio/package/postinst.ts).
# dpkg runs it as root after unpacking; it is safe to run again (upgrade, reinstall).
set -e
umask 022

# 1. The account the sidecar runs as. An existing one is kept as it is.
if ! getent passwd ${USER} >/dev/null; then
  if ${toolTest(f)}; then
${indent(shadowTools, "    ")}
  else
${indent(debianTools, "    ")}
  fi
fi

# 2. /etc/istio is the old name of ${HOME}. A file or folder already there (made by hand before the
#    package) is left alone, and then no link is made.
if [ ! -e /etc/istio ]; then
  ln -s ${HOME} /etc/istio
fi

# 3. Where the agent keeps its bootstrap, proxy state, mesh config and logs; the mesh config starts empty.
${WORK_DIRS.map((d) => `mkdir -p ${d}`).join("\n")}
touch ${MESH_FILE}

# 4. Certificates folder (PROV_CERT/OUTPUT_CERTS), then everything the agent writes, owned by ${USER}.
mkdir -p /etc/certs
chown ${OWNER} /etc/certs
chown ${OWNER} ${[...WORK_DIRS, MESH_FILE].join(" ")}

# 5. envoy and pilot-agent: readable and runnable by all, with the set-group-id bit (mode 2755).
chmod o+rx ${BINARIES.join(" ")}
chmod 2755 ${BINARIES.join(" ")}
`;
