// /var/lib/istio/envoy/sidecar.env of the lab's istio-sidecar.deb, written for the lab: a conffile of commented-out
// settings (sourcing it sets nothing), one entry per variable that istio-start.sh or the capture step reads on the
// lab's VM, with the default each falls back to in that release. cluster.env (from `istioctl x workload entry
// configure`) is read after it and wins; `--internalIP` makes istioctl write a sidecar.env of its own.
import type { SidecarPackageFacts } from "./facts.js";

/** One documented setting: its name, the value shown (the default, or an example), and what it does. */
interface Setting {
  name: string;
  value: string;
  about: string;
}

/** The settings of a release, grouped under a title. */
const groups = (f: SidecarPackageFacts): Array<{ title: string; settings: Setting[] }> => {
  const root = f.relativePaths ? "./" : "/";
  return [
    {
      title: "The workload",
      settings: [
        { name: "ISTIO_NAMESPACE", value: "default", about: "Kubernetes namespace the VM's workload belongs to (POD_NAMESPACE for the agent)." },
        { name: "ISTIO_SERVICE", value: "rawvm", about: "Service cluster name the agent reports (serviceCluster in PROXY_CONFIG)." },
        { name: "ISTIO_SVC_IP", value: "", about: "The workload's address (INSTANCE_IP). Unset: the first address `hostname --all-ip-addresses` prints." },
        { name: "POD_NAME", value: "", about: "The workload's name. Unset: `hostname -s`." },
      ],
    },
    {
      title: "Reaching istiod",
      settings: [
        { name: "ISTIO_SYSTEM_NAMESPACE", value: "istio-system", about: "Namespace of istiod: the agent dials istiod.<this>.svc." },
        f.customPilotAddress
          ? { name: "ISTIO_PILOT_PORT", value: "", about: "istiod's port on istiod.<ISTIO_SYSTEM_NAMESPACE>.svc. Unset: the mesh config's discoveryAddress." }
          : { name: "ISTIO_PILOT_PORT", value: "15012", about: "istiod's port on istiod.<ISTIO_SYSTEM_NAMESPACE>.svc." },
        { name: "PILOT_ADDRESS", value: "", about: "istiod as host:port; wins over ISTIO_PILOT_PORT." },
        { name: "CA_ADDR", value: "", about: "Where certificate requests go. Unset: the same address as istiod." },
        { name: "ISTIO_CP_AUTH", value: "MUTUAL_TLS", about: "controlPlaneAuthPolicy in PROXY_CONFIG." },
        { name: "PROXY_CONFIG", value: "", about: "Proxy config (YAML) the agent puts over the mesh config's defaultConfig; replaces the start script's." },
      ],
    },
    {
      title: "Certificates",
      settings: [
        { name: "PROV_CERT", value: `${root}etc/certs`, about: "Folder with the certificate the agent proves itself with, and root-cert.pem." },
        { name: "OUTPUT_CERTS", value: `${root}etc/certs`, about: "Folder the agent writes the certificates istiod signs into." },
      ],
    },
    {
      title: "Traffic capture (pilot-agent istio-iptables, run as root before the agent starts)",
      settings: [
        { name: "ISTIO_INBOUND_PORTS", value: "", about: "Inbound ports sent to the sidecar: a comma-separated list, or * for all. Empty: none." },
        {
          name: "ISTIO_LOCAL_EXCLUDE_PORTS",
          value: "",
          about: `Inbound ports never sent to the sidecar${f.minor < 13 ? " (with *, port 22 is always left out)" : ""}.`,
        },
        { name: "ISTIO_SERVICE_CIDR", value: "", about: "Outbound destinations sent to the sidecar: comma-separated CIDRs, or * for all. Empty: none." },
        { name: "ISTIO_SERVICE_EXCLUDE_CIDR", value: "", about: "Outbound destinations never sent to the sidecar." },
        { name: "ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE", value: "", about: "Outbound ports never sent to the sidecar." },
        { name: "ISTIO_META_DNS_CAPTURE", value: "false", about: "true: DNS queries go to the agent's DNS proxy on port 15053." },
        { name: "ENVOY_USER", value: "istio-proxy", about: "The sidecar's own user: its traffic is never captured." },
        { name: "ISTIO_INBOUND_INTERCEPTION_MODE", value: "REDIRECT", about: "REDIRECT or TPROXY; with TPROXY the agent runs as root." },
        { name: "ISTIO_CUSTOM_IP_TABLES", value: "false", about: "true: the start script leaves the rules alone (you manage them)." },
      ],
    },
    {
      title: "The start script",
      settings: [
        { name: "EXEC_USER", value: "istio-proxy", about: "User the agent runs as." },
        { name: "ISTIO_AGENT_FLAGS", value: "", about: 'Extra flags for `pilot-agent proxy`, separated by spaces (example: "--proxyLogLevel debug").' },
        { name: "ISTIO_LOG_DIR", value: `${root}var/log/istio`, about: `Folder of istio.log (stdout) and istio.err.log (stderr), ${f.appendLogs ? "appended to" : "rewritten"} at each start.` },
        { name: "ISTIO_BIN_BASE", value: "/usr/local/bin", about: "Folder of pilot-agent." },
      ],
    },
  ];
};

/** The file's text for a release. */
export const sidecarEnv = (f: SidecarPackageFacts): string => {
  const lines = [
    `# sidecar.env of istio-sidecar ${f.version} (the offline lab's package; see lab/istio/package/sidecar-env.ts).`,
    "#",
    "# istio-start.sh reads this file, then cluster.env, and passes every variable they set on to pilot-agent and to",
    "# the capture step. Nothing here is active: each line shows a setting with its default (or an empty value when",
    "# the default is computed); remove the leading '#' to set it. A value in cluster.env wins over this file.",
  ];
  for (const group of groups(f)) {
    lines.push("", `## ${group.title}`);
    for (const s of group.settings) lines.push("", `# ${s.about}`, `#${s.name}=${s.value}`);
  }
  return `${lines.join("\n")}\n`;
};
