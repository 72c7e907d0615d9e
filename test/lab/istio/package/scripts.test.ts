// The package's scripts and conffiles as text: what each release's version says (its switches, the commands it runs,
// the settings it documents). What they do on the VM's image is in install.test.ts.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sidecarPackageFacts } from "../../../../lab/istio/package/facts.js";
import { envoyBootstrapTemplate } from "../../../../lab/istio/package/bootstrap-template.js";
import { postinstScript } from "../../../../lab/istio/package/postinst.js";
import { sidecarEnv } from "../../../../lab/istio/package/sidecar-env.js";
import { istioStartScript } from "../../../../lab/istio/package/start-script.js";
import { istioServiceUnit } from "../../../../lab/istio/package/unit.js";

/** Runs `bash <args…> <file holding text>`; resolves with stdout. */
const bash = async (args: string[], text: string): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), "pkg-script-"));
  try {
    await writeFile(path.join(dir, "script"), text);
    // stdin is not a socket, or Debian's bash would read ~/.bashrc first.
    const child = spawn("bash", [...args, path.join(dir, "script")], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env["PATH"] } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    if (code !== 0) throw new Error(`bash ${args.join(" ")} exited ${code}: ${stderr}`);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

for (const version of ["1.8.1", "1.30.0"]) {
  const facts = sidecarPackageFacts(version);

  test(`${version}: every script is valid bash (bash -n)`, async (t) => {
    for (const script of [istioStartScript(facts), postinstScript(facts)]) await t.notThrowsAsync(bash(["-n"], script));
  });

  test(`${version}: no file of the package carries another project's licence header`, (t) => {
    for (const text of [istioStartScript(facts), postinstScript(facts), istioServiceUnit(facts), sidecarEnv(facts), envoyBootstrapTemplate(facts)]) {
      t.notRegex(text, /Copyright|Licensed under|apache\.org\/licenses/i);
    }
  });

  test(`${version}: sidecar.env sets nothing when sourced and documents every setting the start script and the capture step read`, async (t) => {
    const text = sidecarEnv(facts);
    t.true(text.split("\n").every((line) => line === "" || line.startsWith("#")));
    t.is(await bash(["-c", 'before=$(env | sort); set -a; . "$1"; set +a; [ "$before" = "$(env | sort)" ] && echo same', "bash"], text), "same\n");
    for (const name of [
      "ISTIO_NAMESPACE",
      "ISTIO_SERVICE",
      "ISTIO_SVC_IP",
      "POD_NAME",
      "ISTIO_SYSTEM_NAMESPACE",
      "ISTIO_PILOT_PORT",
      "PILOT_ADDRESS",
      "CA_ADDR",
      "ISTIO_CP_AUTH",
      "PROXY_CONFIG",
      "PROV_CERT",
      "OUTPUT_CERTS",
      "ISTIO_INBOUND_PORTS",
      "ISTIO_LOCAL_EXCLUDE_PORTS",
      "ISTIO_SERVICE_CIDR",
      "ISTIO_SERVICE_EXCLUDE_CIDR",
      "ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE",
      "ISTIO_META_DNS_CAPTURE",
      "ENVOY_USER",
      "ISTIO_INBOUND_INTERCEPTION_MODE",
      "ISTIO_CUSTOM_IP_TABLES",
      "EXEC_USER",
      "ISTIO_AGENT_FLAGS",
      "ISTIO_LOG_DIR",
      "ISTIO_BIN_BASE",
    ]) {
      t.regex(text, new RegExp(`^#${name}=`, "m"), name);
    }
    const root = facts.relativePaths ? "\\./" : "/";
    t.regex(text, new RegExp(`^#ISTIO_LOG_DIR=${root}var/log/istio$`, "m"));
    t.regex(text, new RegExp(`^#PROV_CERT=${root}etc/certs$`, "m"));
    t.regex(text, facts.customPilotAddress ? /^#ISTIO_PILOT_PORT=$/m : /^#ISTIO_PILOT_PORT=15012$/m);
  });

  test(`${version}: the bootstrap template is JSON with the lab's static clusters, admin on 15000, 15090 and 15021`, (t) => {
    const b = JSON.parse(envoyBootstrapTemplate(facts)) as {
      node: { id: string };
      admin: { address: { socket_address: { port_value: number } } };
      static_resources: { clusters: Array<{ name: string }>; listeners: Array<{ address: { socket_address: { port_value: number } } }> };
      dynamic_resources: { ads_config: { grpc_services: Array<{ envoy_grpc: { cluster_name: string } }> } };
    };
    t.is(b.node.id, "{{ .nodeID }}");
    t.is(b.admin.address.socket_address.port_value, 15000);
    t.deepEqual(
      b.static_resources.clusters.map((c) => c.name),
      ["prometheus_stats", "agent", "sds-grpc", "xds-grpc"],
    );
    t.deepEqual(
      b.static_resources.listeners.map((l) => l.address.socket_address.port_value),
      [15090, 15021],
    );
    t.is(b.dynamic_resources.ads_config.grpc_services[0]!.envoy_grpc.cluster_name, "xds-grpc");
  });

  test(`${version}: the unit runs istio-start.sh, restarts it forever 10 s apart and is wanted by multi-user.target`, (t) => {
    const unit = istioServiceUnit(facts);
    t.regex(unit, /^\[Unit\]\nDescription=istio-sidecar: The Istio sidecar\nDocumentation=http:\/\/istio\.io\/$/m);
    for (const line of ["ExecStart=/usr/local/bin/istio-start.sh", "Restart=always", "RestartSec=10", "WantedBy=multi-user.target"]) t.regex(unit, new RegExp(`^${line}$`, "m"));
  });

  test(`${version}: postinst creates istio-proxy with the release's tools, links /etc/istio only when absent, chowns and sets 2755`, (t) => {
    const s = postinstScript(facts);
    t.regex(s, /^set -e$/m);
    t.regex(s, /^if ! getent passwd istio-proxy >\/dev\/null; then$/m);
    t.regex(s, facts.postinstPrefersUseradd ? /^ {2}if command -v useradd >\/dev\/null; then$/m : /^ {2}if .*\/etc\/\*release.*centos\|redhat/m);
    t.regex(s, /^ {4}addgroup --system istio-proxy\n {4}adduser --system --group --home \/var\/lib\/istio istio-proxy$/m);
    t.regex(s, /^ {4}groupadd --system istio-proxy\n {4}useradd --system --gid istio-proxy --home-dir \/var\/lib\/istio istio-proxy$/m);
    t.regex(s, /^if \[ ! -e \/etc\/istio \]; then\n {2}ln -s \/var\/lib\/istio \/etc\/istio\nfi$/m);
    t.regex(s, /^chown istio-proxy\.istio-proxy \/etc\/certs$/m, "the user.group form (chown warns about it on the VM)");
    t.regex(s, /^chmod 2755 \/usr\/local\/bin\/envoy \/usr\/local\/bin\/pilot-agent$/m);
  });
}

test("1.8.1's start script exports the branch literal 1.8.0, runs the agent through su and rewrites the logs", (t) => {
  const s = istioStartScript(sidecarPackageFacts("1.8.1"));
  t.regex(s, /^export ISTIO_META_ISTIO_VERSION="1\.8\.0"$/m);
  t.regex(s, /exec su -s \/bin\/bash -c ".*pilot-agent proxy .* 2> \$\{ISTIO_LOG_DIR\}\/istio\.err\.log > \$\{ISTIO_LOG_DIR\}\/istio\.log" "\$\{EXEC_USER\}"/);
  t.notRegex(s, /"clean"/, "no clean subcommand before 1.10");
  t.regex(s, /pilot-agent" istio-clean-iptables/);
  t.regex(s, /^ISTIO_PILOT_PORT=\$\{ISTIO_PILOT_PORT:-15012\}$/m);
});

test("1.30.0's start script appends the logs through sudo, has `clean`, cleans with --cleanup-only and uses paths relative to /", (t) => {
  const s = istioStartScript(sidecarPackageFacts("1.30.0"));
  t.notRegex(s, /ISTIO_META_ISTIO_VERSION/);
  t.regex(s, /exec sudo -E -u "\$\{EXEC_USER\}" -s \/bin\/bash -c ".* 2>> \$\{ISTIO_LOG_DIR\}\/istio\.err\.log >> \$\{ISTIO_LOG_DIR\}\/istio\.log"/);
  t.regex(s, /if \[\[ \$\{1-\} == "clean" \]\]/);
  t.regex(s, /pilot-agent" istio-iptables --cleanup-only/);
  t.regex(s, /ISTIO_SIDECAR_CONFIG:-\.\/var\/lib\/istio\/envoy\/sidecar\.env/, "systemd's working directory is /");
});

test("releases between 1.11 and 1.21 hand the agent the script's open-files limit", (t) => {
  const at = (v: string) => istioStartScript(sidecarPackageFacts(v, new Date()));
  t.notRegex(at("1.10.0"), /ulimit/);
  t.regex(at("1.11.0"), /-c "ulimit -n \$\{currentLimit\}; INSTANCE_IP=/);
  t.regex(at("1.21.0"), /currentLimit=\$\(ulimit -n\)/);
  t.notRegex(at("1.22.0"), /ulimit/);
});

test("the units of 1.10+ clean the rules on stop; 1.12+ stop with KillMode=mixed; 1.18+ make /var/run/secrets first", (t) => {
  const old = istioServiceUnit(sidecarPackageFacts("1.8.1"));
  const now = istioServiceUnit(sidecarPackageFacts("1.30.0"));
  t.notRegex(old, /ExecStopPost|KillMode|ExecStartPre/);
  t.regex(old, /^\[Service\][^[]*^StartLimitInterval=0$/m);
  t.regex(now, /^ExecStopPost=\/usr\/local\/bin\/istio-start\.sh clean$/m);
  t.regex(now, /^KillMode=mixed\nTimeoutStopSec=30s$/m);
  t.regex(now, /^ExecStartPre=\+\/usr\/bin\/install -d -o istio-proxy -m 0755 \/var\/run\/secrets$/m);
  t.regex(now, /^\[Unit\][^[]*^StartLimitIntervalSec=0$/m);
});
