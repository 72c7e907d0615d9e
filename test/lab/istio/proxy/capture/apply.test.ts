import test from "ava";
import { host } from "../../../../../lab/net/ip.js";
import { removeNetns } from "../../../../../lab/net/netns.js";
import { applyCapture, captureState, cleanCapture, netnsRunner } from "../../../../../lab/istio/proxy/capture/apply.js";
import { vmCaptureOptions } from "../../../../../lab/istio/proxy/capture/options.js";
import { dataPlaneProfile } from "../../../../../lab/istio/proxy/release.js";

const NETNS = "ilab8-t6-capture";
const run = netnsRunner(NETNS);
const env = { ISTIO_INBOUND_PORTS: "*", ISTIO_SERVICE_CIDR: "*", ISTIO_META_DNS_CAPTURE: "true" };
const resolvConf = "nameserver 127.0.0.53\nsearch ilab.internal\n";

const count = (save: string, re: RegExp): number => save.split("\n").filter((l) => re.test(l)).length;

test.before(async () => {
  await removeNetns(NETNS);
  await host(["ip", "netns", "add", NETNS]);
});
test.after.always(async () => {
  await removeNetns(NETNS);
});

test.serial("1.8: each start cleans the Istio chains but not its DNS rules, which pile up; stop leaves everything", async (t) => {
  const profile = dataPlaneProfile("1.8.1");
  const options = vmCaptureOptions({ env, proxyUid: "2337", resolvConf });
  await applyCapture({ profile, options, run });
  await applyCapture({ profile, options, run }); // a restart (systemctl restart istio)
  const save = await captureState(run);
  t.is(count(save, /^-A PREROUTING -p tcp -j ISTIO_INBOUND$/), 1);
  t.is(count(save, /^-A OUTPUT -p tcp -j ISTIO_OUTPUT$/), 1);
  t.is(count(save, /^-A OUTPUT -p udp -m udp --dport 53 -j DNAT --to-destination 127\.0\.0\.1:15053$/), 2, "the DNS DNAT is duplicated");
  // 1.8's istio.service has no ExecStopPost: nothing runs on stop, every rule stays.
  t.false(profile.cleanOnStop);
  await cleanCapture({ profile, options, run });
  const cleaned = await captureState(run);
  t.notRegex(cleaned, /ISTIO_/);
  t.is(count(cleaned, /DNAT --to-destination 127\.0\.0\.1:15053/), 2, "istio-clean-iptables does not know the DNS rules");
  await run(["iptables", "-t", "nat", "-F"], {});
});

test.serial("1.30: `istio-start.sh clean` removes every rule and chain it added", async (t) => {
  const profile = dataPlaneProfile("1.30.0");
  const options = vmCaptureOptions({ env: { ...env, ISTIO_LOCAL_EXCLUDE_PORTS: "22,15090,15021,15020" }, proxyUid: "2337", resolvConf });
  await run(["iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "2222", "-j", "RETURN"], {});
  await applyCapture({ profile, options, run });
  const applied = await captureState(run);
  t.regex(applied, /-A ISTIO_OUTPUT_DNS -d 127\.0\.0\.53\/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053/);
  t.regex(applied, /\*raw[\s\S]*-A OUTPUT -j ISTIO_OUTPUT_DNS/);
  const nat = applied.slice(applied.indexOf("*nat"), applied.indexOf("COMMIT", applied.indexOf("*nat")));
  const prerouting = nat.split("\n").filter((l) => l.startsWith("-A PREROUTING"));
  t.deepEqual(prerouting, ["-A PREROUTING -p tcp -m tcp --dport 2222 -j RETURN", "-A PREROUTING -p tcp -j ISTIO_INBOUND"], "rules already there keep their place in front");
  t.true(profile.cleanOnStop);
  await cleanCapture({ profile, options, run });
  const cleaned = await captureState(run);
  t.notRegex(cleaned, /ISTIO_|15053|15001|15006/);
  t.regex(cleaned, /--dport 2222 -j RETURN/, "other rules are untouched");
});
