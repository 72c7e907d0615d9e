// /lib/systemd/system/istio.service of a release's istio-sidecar.deb (tools/packaging/common/istio.service): runs
// istio-start.sh, restarts it forever 10 s apart, and from 1.10 cleans the capture rules on stop. The package does not
// enable it (fpm is not given --deb-systemd): `systemctl enable istio` is the student's step.
import type { SidecarPackageFacts } from "./facts.js";

/** The unit's text for a release. */
export const istioServiceUnit = (f: SidecarPackageFacts): string =>
  [
    "[Unit]",
    "Description=istio-sidecar: The Istio sidecar",
    "Documentation=http://istio.io/",
    ...(f.secretsDirOnStart ? ["StartLimitIntervalSec=0"] : []),
    "",
    "[Service]",
    "ExecStart=/usr/local/bin/istio-start.sh",
    ...(f.secretsDirOnStart ? ["ExecStartPre=+/usr/bin/install -d -o istio-proxy -m 0755 /var/run/secrets"] : []),
    ...(f.cleanOnStop ? ["ExecStopPost=/usr/local/bin/istio-start.sh clean"] : []),
    "Restart=always",
    ...(f.secretsDirOnStart ? [] : ["StartLimitInterval=0"]),
    "RestartSec=10",
    ...(f.killModeMixed ? ["KillMode=mixed", "TimeoutStopSec=30s"] : []),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
