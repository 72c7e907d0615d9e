// The lab's istio-sidecar.deb on a scratch copy of the VM's disk image: what `dpkg -i` leaves behind (the postinst's
// user, link, folders, ownership and modes) and what istio-start.sh does when istio.service runs it (the capture
// steps as root, then `pilot-agent proxy` as istio-proxy with the environment the agent reads and its output in
// /var/log/istio). pilot-agent is replaced by a stub that records each call; everything else is the VM's own.
import test from "ava";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSidecarPackage } from "../../../../lab/istio/package/build.js";
import { sidecarPackageFacts } from "../../../../lab/istio/package/facts.js";
import { IMAGE_ADDRESS, IMAGE_HOSTNAME, imageRoot, type ImageRoot } from "./helpers/image-root.js";

const CLUSTER_ENV = `ISTIO_INBOUND_PORTS='*'
ISTIO_META_DNS_CAPTURE='true'
ISTIO_NAMESPACE='legacy'
ISTIO_SERVICE='pegasus-pay.legacy'
ISTIO_SERVICE_CIDR='*'
SERVICE_ACCOUNT='legacy-pegasus'
`;

/** Stands in for /usr/local/bin/pilot-agent: records argv, user and environment of each call, prints one line to each
 * stream. */
const AGENT_STUB = `#!/bin/bash
d=/var/tmp/agent-calls
n=$(find "$d" -name '*.argv' | wc -l)
printf '%s\\0' "$@" > "$d/$n.argv"
id -un > "$d/$n.user"
env -0 > "$d/$n.env"
echo "agent stdout $n"
echo "agent stderr $n" >&2
`;

/** One recorded pilot-agent call. */
interface AgentCall {
  argv: string[];
  user: string;
  env: Record<string, string>;
}

const work = { dir: "" };
const roots: ImageRoot[] = [];
test.before(async () => {
  work.dir = await mkdtemp(path.join(tmpdir(), "ilab-sidecar-install-"));
});
test.after.always(async () => {
  for (const r of roots) await r.remove();
  await rm(work.dir, { recursive: true, force: true });
});

/** Builds the release's package (the lab's programs replaced by placeholders) and returns its bytes. */
const packageOf = async (version: string): Promise<Buffer> => {
  const placeholder = Buffer.from("// placeholder\n");
  const built = await buildSidecarPackage({
    facts: sidecarPackageFacts(version),
    programs: { files: [{ name: "istio-iptables.mjs", content: placeholder }, { name: "agent.mjs", content: placeholder }], targets: { agent: "agent.mjs", envoy: "agent.mjs" } },
    dir: path.join(work.dir, version),
  });
  return readFile(built.file);
};

/** A scratch image with the package's .deb in /root. */
const freshImage = async (version: string): Promise<ImageRoot> => {
  const root = await imageRoot();
  roots.push(root);
  await root.put("/root/istio-sidecar.deb", await packageOf(version));
  return root;
};

/** A scratch image with the package installed, cluster.env in place and pilot-agent replaced by the stub. */
const installedImage = async (version: string): Promise<ImageRoot> => {
  const root = await freshImage(version);
  await root.put("/root/cluster.env", CLUSTER_ENV);
  await root.put("/root/pilot-agent", AGENT_STUB);
  const r = await root.sh(
    [
      "dpkg -i /root/istio-sidecar.deb >/dev/null",
      "install -o istio-proxy -m 0644 /root/cluster.env /var/lib/istio/envoy/cluster.env",
      "install -m 0755 /root/pilot-agent /usr/local/bin/pilot-agent",
      "cp /var/lib/istio/envoy/sidecar.env /root/sidecar.env.shipped",
      "mkdir -m 1777 /var/tmp/agent-calls",
    ].join(" && "),
  );
  if (r.exitCode !== 0) throw new Error(`installing ${version}: ${r.stderr}`);
  return root;
};

/** Runs istio-start.sh as istio.service does (root, cwd /, no USER), with `extra` lines after the shipped sidecar.env;
 * returns its result and the agent's calls in order. */
const start = async (root: ImageRoot, args: string[] = [], extra = ""): Promise<{ ran: Awaited<ReturnType<ImageRoot["sh"]>>; calls: AgentCall[] }> => {
  const setup = `rm -f /var/tmp/agent-calls/* && cat /root/sidecar.env.shipped - > /var/lib/istio/envoy/sidecar.env <<'EOF'\n${extra}\nEOF\n`;
  const ran = await root.sh(`${setup}cd / && /usr/local/bin/istio-start.sh ${args.join(" ")}`);
  const listing = await root.sh("cd /var/tmp/agent-calls && for f in $(ls *.argv | sort -n); do n=${f%.argv}; printf '%s\\n' \"$n\"; done");
  const calls: AgentCall[] = [];
  for (const n of listing.stdout.split("\n").filter(Boolean)) {
    const read = async (ext: string) => (await root.sh(`cat /var/tmp/agent-calls/${n}.${ext}`)).stdout;
    const env = Object.fromEntries(
      (await read("env"))
        .split("\0")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
    calls.push({ argv: (await read("argv")).split("\0").slice(0, -1), user: (await read("user")).trim(), env });
  }
  return { ran, calls };
};

const CLEANUP: Record<string, string[]> = { "1.8.1": ["istio-clean-iptables"], "1.30.0": ["istio-iptables", "--cleanup-only"] };

for (const version of ["1.8.1", "1.30.0"]) {
  const facts = sidecarPackageFacts(version);

  test.serial(`${version}: dpkg -i creates the istio-proxy system user with home /var/lib/istio and links /etc/istio to it`, async (t) => {
    const root = await freshImage(version);
    const r = await root.sh("dpkg -i /root/istio-sidecar.deb");
    t.is(r.exitCode, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`Setting up istio-sidecar \\(${version.replace(/\./g, "\\.")}\\) \\.\\.\\.`));
    const passwd = (await root.sh("getent passwd istio-proxy")).stdout.trim().split(":");
    const group = (await root.sh("getent group istio-proxy")).stdout.trim().split(":");
    t.is(passwd[0], "istio-proxy");
    t.true(Number(passwd[2]) < 1000, "a system uid");
    t.is(passwd[3], group[2], "primary group istio-proxy");
    t.is(passwd[5], "/var/lib/istio");
    // Debian's adduser (1.8: chosen on any distribution but CentOS/RedHat) gives system users nologin; useradd (1.12+:
    // chosen whenever it exists) gives /etc/default/useradd's /bin/sh.
    t.is(passwd[6], facts.postinstPrefersUseradd ? "/bin/sh" : "/usr/sbin/nologin");
    t.is((await root.sh("readlink /etc/istio")).stdout, "/var/lib/istio\n");
  });

  test.serial(`${version}: the postinst makes the working folders, an empty mesh file, gives them to istio-proxy and sets envoy and pilot-agent 2755`, async (t) => {
    const root = await freshImage(version);
    t.is((await root.sh("dpkg -i /root/istio-sidecar.deb >/dev/null")).exitCode, 0);
    const owned = ["/var/lib/istio/envoy", "/var/lib/istio/proxy", "/var/lib/istio/config", "/var/lib/istio/config/mesh", "/var/log/istio", "/etc/certs"];
    const stat = await root.sh(`stat -c '%n %U:%G %F' ${owned.join(" ")}`);
    t.deepEqual(stat.stdout.trim().split("\n"), owned.map((p) => `${p} istio-proxy:istio-proxy ${p.endsWith("/mesh") ? "regular empty file" : "directory"}`));
    t.is((await root.sh("stat -c '%a %U:%G' /usr/local/bin/envoy /usr/local/bin/pilot-agent")).stdout, "2755 root:root\n2755 root:root\n");
  });

  test.serial(`${version}: an /etc/istio folder made before the package stays a folder; a second install keeps the user`, async (t) => {
    const root = await freshImage(version);
    t.is((await root.sh("mkdir -p /etc/istio/proxy && dpkg -i /root/istio-sidecar.deb >/dev/null")).exitCode, 0);
    t.is((await root.sh("stat -c %F /etc/istio")).stdout, "directory\n");
    const uid = (await root.sh("id -u istio-proxy")).stdout;
    const again = await root.sh("dpkg -i /root/istio-sidecar.deb");
    t.is(again.exitCode, 0, again.stderr);
    t.is((await root.sh("id -u istio-proxy")).stdout, uid);
  });

  test.serial(`${version}: istio-start.sh cleans and installs the capture rules as root, then runs pilot-agent proxy as istio-proxy`, async (t) => {
    const root = await installedImage(version);
    const { ran, calls } = await start(root);
    t.is(ran.exitCode, 0, ran.stderr);
    t.deepEqual(
      calls.map((c) => [c.user, ...c.argv]),
      [
        ["root", ...CLEANUP[version]!],
        ["root", "istio-iptables"],
        ["istio-proxy", "proxy"],
      ],
    );
    for (const c of calls.slice(0, 2)) {
      t.like(c.env, { ISTIO_INBOUND_PORTS: "*", ISTIO_SERVICE_CIDR: "*", ISTIO_META_DNS_CAPTURE: "true" }, "cluster.env is exported to the capture step");
    }
  });

  test.serial(`${version}: the agent gets the instance address, name, namespace, CA address, certificate folders and PROXY_CONFIG`, async (t) => {
    const root = await installedImage(version);
    const { calls } = await start(root);
    const env = calls.at(-1)!.env;
    const certs = facts.relativePaths ? "./etc/certs" : "/etc/certs";
    t.like(env, {
      INSTANCE_IP: IMAGE_ADDRESS,
      POD_NAME: IMAGE_HOSTNAME,
      POD_NAMESPACE: "legacy",
      CA_ADDR: "istiod.istio-system.svc:15012",
      PROV_CERT: certs,
      OUTPUT_CERTS: certs,
      SERVICE_ACCOUNT: "legacy-pegasus",
      ISTIO_SERVICE: "pegasus-pay.legacy",
    });
    const proxyConfig = env["PROXY_CONFIG"]!;
    t.regex(proxyConfig, /^serviceCluster: pegasus-pay\.legacy$/m);
    t.regex(proxyConfig, /^controlPlaneAuthPolicy: MUTUAL_TLS$/m);
    if (facts.customPilotAddress) t.notRegex(proxyConfig, /discoveryAddress/, "the mesh file's discoveryAddress applies");
    else t.regex(proxyConfig, /^discoveryAddress: istiod\.istio-system\.svc:15012$/m);
    t.is(env["ISTIO_META_ISTIO_VERSION"], facts.exportsIstioVersion);
  });

  test.serial(`${version}: the agent's stdout goes to istio.log and stderr to istio.err.log, ${facts.appendLogs ? "appended" : "rewritten"} at each start`, async (t) => {
    const root = await installedImage(version);
    await start(root);
    await start(root);
    const log = (await root.sh("cat /var/log/istio/istio.log")).stdout;
    const err = (await root.sh("cat /var/log/istio/istio.err.log")).stdout;
    if (facts.appendLogs) {
      t.is(log, "agent stdout 2\nagent stdout 2\n");
      t.is(err, "agent stderr 2\nagent stderr 2\n");
    } else {
      t.is(log, "agent stdout 2\n");
      t.is(err, "agent stderr 2\n");
    }
  });

  test.serial(`${version}: run skips the rules, init (-p) only sets them, ISTIO_CUSTOM_IP_TABLES=true leaves them alone`, async (t) => {
    const root = await installedImage(version);
    t.deepEqual((await start(root, ["run"])).calls.map((c) => c.argv), [["proxy"]]);
    const init = await start(root, ["init", "--dry-run"]);
    t.is(init.ran.exitCode, 0);
    t.deepEqual(
      init.calls.map((c) => c.argv),
      [version === "1.8.1" ? ["istio-clean-iptables"] : ["istio-iptables", "init", "--dry-run", "--cleanup-only"], ["istio-iptables", "init", "--dry-run"]],
    );
    t.deepEqual((await start(root, [], "ISTIO_CUSTOM_IP_TABLES=true")).calls.map((c) => c.argv), [["proxy"]]);
  });

  test.serial(`${version}: ${facts.cleanOnStop ? "`clean` only removes the rules" : "there is no `clean` subcommand (the unit never stops the rules)"}`, async (t) => {
    const root = await installedImage(version);
    const { ran, calls } = await start(root, ["clean"]);
    t.is(ran.exitCode, 0);
    if (facts.cleanOnStop) t.deepEqual(calls.map((c) => c.argv), [CLEANUP[version]]);
    else t.deepEqual(calls.map((c) => c.argv), [CLEANUP[version], ["istio-iptables"], ["proxy"]]);
  });

  test.serial(`${version}: sidecar.env settings: ISTIO_AGENT_FLAGS reach the agent, ISTIO_PILOT_PORT moves istiod's port, TPROXY runs the agent as root`, async (t) => {
    const root = await installedImage(version);
    t.deepEqual((await start(root, ["run"], 'ISTIO_AGENT_FLAGS="--proxyLogLevel debug"')).calls[0]!.argv, ["proxy", "--proxyLogLevel", "debug"]);
    const port = (await start(root, ["run"], "ISTIO_PILOT_PORT=15013")).calls[0]!.env;
    t.is(port["CA_ADDR"], "istiod.istio-system.svc:15013");
    // 1.12+ appends the address to an unset PROXY_CONFIG, which then holds only that line.
    t.is(port["PROXY_CONFIG"], facts.customPilotAddress ? "\ndiscoveryAddress: istiod.istio-system.svc:15013\n" : "\nserviceCluster: pegasus-pay.legacy\ncontrolPlaneAuthPolicy: MUTUAL_TLS\ndiscoveryAddress: istiod.istio-system.svc:15013\n");
    // Last: the agent then writes the logs as root, and istio-proxy could no longer open them.
    t.is((await start(root, ["run"], "ISTIO_INBOUND_INTERCEPTION_MODE=TPROXY")).calls[0]!.user, "root");
  });
}
