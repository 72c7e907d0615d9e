// /lib/systemd/system/istio.service of the lab's istio-sidecar.deb, written for the lab with the release unit's
// directives: it runs istio-start.sh, restarts it without limit 10 s after every exit, and from 1.10 runs
// `istio-start.sh clean` after a stop. The package does not enable it (fpm is not given --deb-systemd): `systemctl
// enable istio` is the student's step.
import type { SidecarPackageFacts } from "./facts.js";

/** The unit's text for a release. */
export const istioServiceUnit = (f: SidecarPackageFacts): string => {
  const start = "/usr/local/bin/istio-start.sh";
  const unit = ["Description=istio-sidecar: The Istio sidecar", "Documentation=http://istio.io/"];
  const service = [`ExecStart=${start}`];
  // 1.18+: the agent's secrets folder is made (as root, the `+`) before each start; the restart limit moves to [Unit].
  if (f.secretsDirOnStart) {
    unit.push("StartLimitIntervalSec=0");
    service.push("ExecStartPre=+/usr/bin/install -d -o istio-proxy -m 0755 /var/run/secrets");
  }
  if (f.cleanOnStop) service.push(`ExecStopPost=${start} clean`);
  service.push("Restart=always");
  if (!f.secretsDirOnStart) service.push("StartLimitInterval=0");
  service.push("RestartSec=10");
  // 1.12+: a stop sends SIGTERM to the main process only, then SIGKILL to whatever is left (waiting at most 30 s),
  // so no Envoy outlives the unit.
  if (f.killModeMixed) service.push("KillMode=mixed", "TimeoutStopSec=30s");
  return [
    `# istio.service of istio-sidecar ${f.version} (the offline lab's package; see lab/istio/package/unit.ts).`,
    "[Unit]",
    ...unit,
    "",
    "[Service]",
    ...service,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
};
