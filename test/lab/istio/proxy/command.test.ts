import test from "ava";
import { parseProxyArgs, proxyArgv, UsageError } from "../../../../lab/istio/proxy/command.js";

test("proxyArgv and parseProxyArgs agree", (t) => {
  const args = { istioVersion: "1.8.1", snapshot: "/etc/istio/proxy/snapshot.json", dnsNamespace: "legacy", resolvConf: "/etc/resolv.conf", accessLog: true };
  const argv = proxyArgv(args, { node: "/opt/lab/bin/node", main: "/opt/lab/proxy/main.js" });
  t.deepEqual(argv.slice(0, 2), ["/opt/lab/bin/node", "/opt/lab/proxy/main.js"]);
  t.deepEqual(parseProxyArgs(argv.slice(2)), args);
});

test("bad command lines say what is wrong", (t) => {
  t.throws(() => parseProxyArgs([]), { instanceOf: UsageError, message: /--istio-version is required/ });
  t.throws(() => parseProxyArgs(["--istio-version", "1.8.1", "--snapshot"]), { message: /--snapshot needs a value/ });
  t.throws(() => parseProxyArgs(["--istio-version", "1.8.1", "--verbose"]), { message: /unknown argument --verbose/ });
});
