import test from "ava";
import { dataPlaneProfile } from "../../../../../lab/istio/proxy/release.js";
import {
  buildCaptureRules,
  cleanArgv18,
  cleanupArgv,
  iptablesArgv,
  restoreText,
} from "../../../../../lab/istio/proxy/capture/rules.js";
import { podCaptureOptions, resolvConfNameservers, vmCaptureOptions } from "../../../../../lab/istio/proxy/capture/options.js";

const p18 = dataPlaneProfile("1.8.1");
const p130 = dataPlaneProfile("1.30.0");

test("1.8.1 rules match istio-iptables' TestRulesWithLoopbackIpInOutboundIpRanges expectation", (t) => {
  const rules = buildCaptureRules(p18, {
    proxyUid: "3,4",
    proxyGid: "1,2",
    inboundPorts: "",
    outboundIpRangesInclude: "127.1.2.3/32",
    redirectDns: true,
  });
  t.deepEqual(
    iptablesArgv(rules).map((a) => a.join(" ")),
    [
      "iptables -t nat -N ISTIO_INBOUND",
      "iptables -t nat -N ISTIO_REDIRECT",
      "iptables -t nat -N ISTIO_IN_REDIRECT",
      "iptables -t nat -N ISTIO_OUTPUT",
      "iptables -t nat -A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN",
      "iptables -t nat -A ISTIO_REDIRECT -p tcp --dport 53 -j REDIRECT --to-ports 15053",
      "iptables -t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
      "iptables -t nat -A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
      "iptables -t nat -A OUTPUT -p tcp -j ISTIO_OUTPUT",
      "iptables -t nat -A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 3 -j ISTIO_IN_REDIRECT",
      "iptables -t nat -A ISTIO_OUTPUT -m owner --uid-owner 3 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 4 -j ISTIO_IN_REDIRECT",
      "iptables -t nat -A ISTIO_OUTPUT -m owner --uid-owner 4 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --gid-owner 1 -j ISTIO_IN_REDIRECT",
      "iptables -t nat -A ISTIO_OUTPUT -m owner --gid-owner 1 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --gid-owner 2 -j ISTIO_IN_REDIRECT",
      "iptables -t nat -A ISTIO_OUTPUT -m owner --gid-owner 2 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
      "iptables -t nat -A ISTIO_OUTPUT -d 127.1.2.3/32 -j ISTIO_REDIRECT",
      "iptables -t nat -A ISTIO_OUTPUT -j RETURN",
      "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner --uid-owner 3 -j RETURN",
      "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner --uid-owner 4 -j RETURN",
      "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner --gid-owner 1 -j RETURN",
      "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner --gid-owner 2 -j RETURN",
      "iptables -t nat -A OUTPUT -p udp --dport 53 -j DNAT --to-destination 127.0.0.1:15053",
      "iptables -t nat -A POSTROUTING -p udp --dport 15053 -j SNAT --to-source 127.0.0.1",
    ],
  );
});

test("1.8 with ISTIO_INBOUND_PORTS='*' appends the PREROUTING jump and keeps ssh out of the capture", (t) => {
  const rules = buildCaptureRules(p18, { proxyUid: "997", inboundPorts: "*", outboundIpRangesInclude: "*" });
  const text = restoreText(rules);
  t.regex(text, /^-A PREROUTING -p tcp -j ISTIO_INBOUND$/m);
  t.regex(text, /-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN\n(.|\n)*-A ISTIO_INBOUND -p tcp --dport 22 -j RETURN\n-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT/);
  t.notRegex(text, /-I PREROUTING/, "the jump is appended, never inserted (Docker's earlier DNAT wins)");
  t.regex(text, /-A ISTIO_OUTPUT -j ISTIO_REDIRECT\n/);
  t.regex(text, /--uid-owner 997 -j RETURN/);
  t.regex(text, /--gid-owner 997 -j RETURN/, "the gid defaults to the uid value, as istio-iptables does");
});

test("1.30.0 rules reproduce istio-iptables' inbound-ports-wildcard golden", (t) => {
  const rules = buildCaptureRules(p130, { proxyUid: "1337", inboundPorts: "*" });
  t.is(
    restoreText(rules),
    [
      "* nat",
      "-N ISTIO_INBOUND",
      "-N ISTIO_REDIRECT",
      "-N ISTIO_IN_REDIRECT",
      "-N ISTIO_OUTPUT",
      "-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN",
      "-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
      "-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
      "-A PREROUTING -p tcp -j ISTIO_INBOUND",
      "-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT",
      "-A OUTPUT -j ISTIO_OUTPUT",
      "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner 1337 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN",
      "-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
      "COMMIT",
      "",
    ].join("\n"),
  );
});

test("1.30.0 DNS capture reproduces the IPv4 part of istio-iptables' dns-uid-gid golden", (t) => {
  const rules = buildCaptureRules(p130, { proxyUid: "3,4", proxyGid: "1,2", inboundPorts: "", redirectDns: true, dnsServers: ["127.0.0.53"] });
  t.is(
    restoreText(rules),
    [
      "* nat",
      "-N ISTIO_INBOUND",
      "-N ISTIO_REDIRECT",
      "-N ISTIO_IN_REDIRECT",
      "-N ISTIO_OUTPUT",
      "-N ISTIO_OUTPUT_DNS",
      "-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN",
      "-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
      "-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
      "-A OUTPUT -j ISTIO_OUTPUT",
      "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp -m multiport ! --dports 53,15008 -m owner --uid-owner 3 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -p tcp ! --dport 53 -m owner ! --uid-owner 3 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --uid-owner 3 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp -m multiport ! --dports 53,15008 -m owner --uid-owner 4 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -p tcp ! --dport 53 -m owner ! --uid-owner 4 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --uid-owner 4 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --gid-owner 1 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -p tcp ! --dport 53 -m owner ! --gid-owner 1 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --gid-owner 1 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --gid-owner 2 -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -p tcp ! --dport 53 -m owner ! --gid-owner 2 -j RETURN",
      "-A ISTIO_OUTPUT -m owner --gid-owner 2 -j RETURN",
      "-A ISTIO_OUTPUT -j ISTIO_OUTPUT_DNS",
      "-A ISTIO_OUTPUT_DNS -p tcp --dport 53 -d 127.0.0.53/32 -j REDIRECT --to-ports 15053",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -d 127.0.0.53/32 -j REDIRECT --to-port 15053",
      "-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
      "COMMIT",
      "* raw",
      "-N ISTIO_OUTPUT_DNS",
      "-N ISTIO_INBOUND",
      "-A OUTPUT -j ISTIO_OUTPUT_DNS",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -m owner --uid-owner 3 -j CT --zone 1",
      "-A ISTIO_OUTPUT_DNS -p udp --sport 15053 -m owner --uid-owner 3 -j CT --zone 2",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -m owner --uid-owner 4 -j CT --zone 1",
      "-A ISTIO_OUTPUT_DNS -p udp --sport 15053 -m owner --uid-owner 4 -j CT --zone 2",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -m owner --gid-owner 1 -j CT --zone 1",
      "-A ISTIO_OUTPUT_DNS -p udp --sport 15053 -m owner --gid-owner 1 -j CT --zone 2",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -m owner --gid-owner 2 -j CT --zone 1",
      "-A ISTIO_OUTPUT_DNS -p udp --sport 15053 -m owner --gid-owner 2 -j CT --zone 2",
      "-A PREROUTING -j ISTIO_INBOUND",
      "-A ISTIO_OUTPUT_DNS -p udp --dport 53 -d 127.0.0.53/32 -j CT --zone 2",
      "-A ISTIO_INBOUND -p udp --sport 53 -s 127.0.0.53/32 -j CT --zone 1",
      "COMMIT",
      "",
    ].join("\n"),
  );
});

test("1.30 outbound port inclusion matches the outbound-ports-include golden's tail", (t) => {
  const text = restoreText(buildCaptureRules(p130, { proxyUid: "1337", inboundPorts: "", outboundPortsInclude: "32000,31000" }));
  t.true(text.endsWith("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN\n-A ISTIO_OUTPUT -p tcp --dport 32000 -j ISTIO_REDIRECT\n-A ISTIO_OUTPUT -p tcp --dport 31000 -j ISTIO_REDIRECT\nCOMMIT\n"));
});

test("a current VM's cluster.env excludes ssh and the proxy's ports and captures DNS only to resolv.conf servers", (t) => {
  const options = vmCaptureOptions({
    env: { ISTIO_INBOUND_PORTS: "*", ISTIO_LOCAL_EXCLUDE_PORTS: "22,15090,15021,15020", ISTIO_SERVICE_CIDR: "*", ISTIO_META_DNS_CAPTURE: "true" },
    proxyUid: "998",
    resolvConf: "# generated\nnameserver 127.0.0.53\noptions edns0\nsearch example.internal\n",
  });
  const text = restoreText(buildCaptureRules(p130, options));
  for (const port of ["22", "15090", "15021", "15020"]) t.regex(text, new RegExp(`-A ISTIO_INBOUND -p tcp --dport ${port} -j RETURN`));
  t.regex(text, /-A ISTIO_OUTPUT_DNS -p udp --dport 53 -d 127\.0\.0\.53\/32 -j REDIRECT --to-port 15053/);
  t.notRegex(text, /DNAT/);
});

test("1.9–1.24 capture DNS per resolv.conf server in nat OUTPUT; 1.9–1.12 still return ssh", (t) => {
  const opts = { proxyUid: "1337", inboundPorts: "*", outboundIpRangesInclude: "*", redirectDns: true, dnsServers: ["10.0.0.10"] };
  const t19 = restoreText(buildCaptureRules(dataPlaneProfile("1.9.0"), opts));
  t.regex(t19, /-A OUTPUT -p udp --dport 53 -d 10\.0\.0\.10\/32 -j REDIRECT --to-port 15053/);
  t.regex(t19, /--dport 22 -j RETURN/);
  t.notRegex(t19, /\* raw/, "1.9 has no conntrack zones yet");
  const t20 = restoreText(buildCaptureRules(dataPlaneProfile("1.20.0"), opts));
  t.notRegex(t20, /--dport 22 -j RETURN/);
  t.regex(t20, /\* raw\n(.|\n)*-A OUTPUT -p udp --dport 53 -d 10\.0\.0\.10\/32 -j CT --zone 2/);
});

test("pods capture everything but the proxy's own ports", (t) => {
  const text = restoreText(buildCaptureRules(p130, podCaptureOptions()));
  for (const port of ["15090", "15021", "15020"]) t.regex(text, new RegExp(`--dport ${port} -j RETURN`));
  t.regex(text, /-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
});

test("1.8's clean-up leaves its DNS rules behind while the current one removes everything it added", (t) => {
  const clean18 = cleanArgv18().map((a) => a.join(" "));
  t.true(clean18.includes("iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND"));
  t.false(clean18.some((c) => c.includes("udp")), "no rule for the DNS DNAT/SNAT");
  const rules = buildCaptureRules(p130, { proxyUid: "1337", inboundPorts: "*", redirectDns: true, dnsServers: ["127.0.0.53"] });
  const clean = cleanupArgv(p130, rules).map((a) => a.join(" "));
  t.true(clean.includes("iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND"));
  t.true(clean.includes("iptables -t raw -D OUTPUT -j ISTIO_OUTPUT_DNS"));
  t.true(clean.includes("iptables -t raw -X ISTIO_INBOUND"));
  t.true(clean.indexOf("iptables -t nat -F ISTIO_OUTPUT") < clean.indexOf("iptables -t nat -X ISTIO_REDIRECT"));
});

test("resolv.conf parsing keeps IPv4 nameservers only", (t) => {
  t.deepEqual(resolvConfNameservers("nameserver 127.0.0.53\nnameserver ::1\n#nameserver 1.1.1.1\nnameserver 8.8.8.8 \n"), ["127.0.0.53", "8.8.8.8"]);
});
