import test from "ava";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { host, inNetns } from "../../../../lab/net/ip.js";
import { removeNetns } from "../../../../lab/net/netns.js";
import { parseIptablesArgs, proxyUidOf } from "../../../../lab/istio/package/iptables-step.js";
import { acquireLabLock, TEST_INSTANCE } from "../../../helpers/lab-instance.js";

// The capture step as istio-start.sh runs it (root, the start script's environment), in a network namespace that
// stands in for the VM's, with Docker's nat chain already in PREROUTING.
const NETNS = `ilab${TEST_INSTANCE}-t-pkgipt`;
const program = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "lab", "istio", "package", "guest", "istio-iptables.js");
const ENV = ["ISTIO_INBOUND_PORTS=*", "ISTIO_SERVICE_CIDR=*", "ISTIO_META_DNS_CAPTURE=true", "PROXY_UID=2337"];
let release: (() => Promise<void>) | undefined;

const step = (version: string, args: string[], extraEnv: string[] = []) =>
  inNetns(NETNS, ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", `LAB_ISTIO_VERSION=${version}`, ...ENV, ...extraEnv, process.execPath, program, ...args], { allowFailure: true });
const save = async () => (await inNetns(NETNS, ["iptables-save"])).stdout;
const lines = (text: string, re: RegExp) => text.split("\n").filter((l) => re.test(l));
/** The nat table's part of an iptables-save text. */
const nat = (text: string) => text.slice(text.indexOf("*nat"), text.indexOf("COMMIT", text.indexOf("*nat")));

test.before(async () => {
  release = await acquireLabLock();
  await removeNetns(NETNS);
  await host(["ip", "netns", "add", NETNS]);
  // `ip netns exec` bind-mounts this over /etc/resolv.conf: the VM behind a local stub resolver.
  await mkdir(path.join("/etc/netns", NETNS), { recursive: true });
  await writeFile(path.join("/etc/netns", NETNS, "resolv.conf"), "nameserver 127.0.0.53\n");
});
test.after.always(async () => {
  await removeNetns(NETNS);
  await rm(path.join("/etc/netns", NETNS), { recursive: true, force: true });
  await release?.();
});
test.beforeEach(async () => {
  for (const table of ["nat", "raw"]) {
    await inNetns(NETNS, ["iptables", "-t", table, "-F"]);
    await inNetns(NETNS, ["iptables", "-t", table, "-X"]);
  }
  // Docker's daemon programs this at boot, before any sidecar starts.
  await inNetns(NETNS, ["iptables", "-t", "nat", "-N", "DOCKER"]);
  await inNetns(NETNS, ["iptables", "-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"]);
  await inNetns(NETNS, ["iptables", "-t", "nat", "-A", "DOCKER", "!", "-i", "docker0", "-p", "tcp", "--dport", "8000", "-j", "DNAT", "--to-destination", "172.17.0.2:8000"]);
});

for (const version of ["1.8.1", "1.30.0"]) {
  test.serial(`${version}: the inbound jump is appended after Docker's DNAT, which keeps matching first`, async (t) => {
    const r = await step(version, ["istio-iptables"]);
    t.is(r.exitCode, 0, r.stderr);
    t.deepEqual(lines(nat(await save()), /^-A PREROUTING /), ["-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A PREROUTING -p tcp -j ISTIO_INBOUND"]);
  });
}

test.serial("1.8.1: all udp/53 is DNATed to the agent (a local stub resolver's own queries too), the output is istio-iptables' dump", async (t) => {
  const r = await step("1.8.1", ["istio-iptables"]);
  t.regex(r.stdout, /^Environment:\n------------\nENVOY_PORT=\n/);
  t.regex(r.stdout, /^PROXY_UID=2337$/m);
  t.regex(r.stdout, /^Writing following contents to rules file:  \/tmp\/iptables-rules-\d+\.txt\d+\n\* nat\n-N ISTIO_INBOUND\n/m);
  t.regex(r.stdout, /^iptables-restore --noflush \/tmp\/iptables-rules-\d+\.txt\d+$/m);
  t.regex(r.stdout, /^iptables-save $/m);
  const rules = await save();
  t.deepEqual(lines(rules, /DNAT --to-destination 127\.0\.0\.1:15053/), ["-A OUTPUT -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.1:15053"]);
  t.regex(rules, /-A ISTIO_INBOUND -p tcp -m tcp --dport 22 -j RETURN/);
  t.regex(rules, /-A ISTIO_OUTPUT -m owner --uid-owner 2337 -j RETURN/);
});

test.serial("1.30.0: only the resolv.conf servers are captured, and the step logs in Istio's format", async (t) => {
  const r = await step("1.30.0", ["istio-iptables"], ["ISTIO_LOCAL_EXCLUDE_PORTS=22,15090,15021,15020"]);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\tinfo\tIstio iptables environment:\n/);
  t.regex(r.stdout, /\tinfo\tRunning iptables restore with: iptables-restore and the following input:\n\* nat\n/);
  t.regex(r.stdout, /\tinfo\tFinal iptables state \(IPv4\):\n/);
  const rules = await save();
  t.deepEqual(lines(rules, /--dport 53 .*REDIRECT/).sort(), [
    "-A ISTIO_OUTPUT_DNS -d 127.0.0.53/32 -p tcp -m tcp --dport 53 -j REDIRECT --to-ports 15053",
    "-A ISTIO_OUTPUT_DNS -d 127.0.0.53/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053",
  ]);
  t.regex(rules, /-A ISTIO_INBOUND -p tcp -m tcp --dport 22 -j RETURN/, "22 excluded through ISTIO_LOCAL_EXCLUDE_PORTS");
});

test.serial("1.8.1: istio-clean-iptables echoes each command, removes the Istio chains and leaves its DNS rules behind", async (t) => {
  await step("1.8.1", ["istio-iptables"]);
  const r = await step("1.8.1", ["istio-clean-iptables"]);
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /^iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND$/m);
  const rules = await save();
  t.notRegex(rules, /ISTIO_/);
  t.is(lines(rules, /127\.0\.0\.1:15053/).length, 1);
  t.regex(rules, /-j DOCKER/, "Docker's rules are untouched");
});

test.serial("1.30.0: istio-iptables --cleanup-only removes every rule it added", async (t) => {
  await step("1.30.0", ["istio-iptables"]);
  const r = await step("1.30.0", ["istio-iptables", "--cleanup-only"]);
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /\tinfo\tPerforming cleanup of existing iptables\n/);
  const rules = await save();
  t.notRegex(rules, /ISTIO_|15053|15001|15006/);
  t.regex(rules, /-j DOCKER/);
});

test.serial("an unknown flag fails like cobra, before touching the rules", async (t) => {
  const r = await step("1.8.1", ["istio-iptables", "--bogus"]);
  t.is(r.exitCode, 1);
  t.is(r.stderr, "Error: unknown flag: --bogus\n");
  t.notRegex(await save(), /ISTIO_/);
});

test("arguments and the proxy uid are read like istio-iptables reads them", (t) => {
  t.is(parseIptablesArgs(["istio-iptables"]), "install");
  t.is(parseIptablesArgs(["istio-iptables", "--cleanup-only"]), "cleanup");
  t.is(parseIptablesArgs(["istio-clean-iptables"]), "cleanup");
  t.is(proxyUidOf("root:x:0:0::/root:/bin/bash\nistio-proxy:x:999:998::/var/lib/istio:/bin/sh\n", "istio-proxy"), "999");
  t.is(proxyUidOf("root:x:0:0::/root:/bin/bash\n", "istio-proxy"), "1337", "constants.DefaultProxyUID when the user is missing");
});
