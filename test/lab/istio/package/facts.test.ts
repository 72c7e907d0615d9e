import test from "ava";
import { sidecarPackageFacts, SIDECAR_PACKAGE_VERSIONS, UnknownSidecarPackageError } from "../../../../lab/istio/package/facts.js";

test("the lab builds the packages of the releases it lays out", (t) => {
  t.deepEqual([...SIDECAR_PACKAGE_VERSIONS], ["1.8.1", "1.30.0"]);
});

test("1.8 depends on iproute2 and iptables; current releases add sudo and hostname", (t) => {
  t.deepEqual([...sidecarPackageFacts("1.8.1").depends], ["iproute2", "iptables"]);
  t.deepEqual([...sidecarPackageFacts("1.30.0").depends], ["iproute2", "iptables", "sudo", "hostname"]);
  t.deepEqual([...sidecarPackageFacts("1.12.0", new Date()).depends], ["iproute2", "iptables", "sudo"]);
});

test("log appending starts with 1.13 (istio#36824), clean on stop with 1.10, --cleanup-only with 1.24", (t) => {
  const at = (v: string) => sidecarPackageFacts(v, new Date());
  t.false(at("1.12.0").appendLogs);
  t.true(at("1.13.0").appendLogs);
  t.false(at("1.9.0").cleanOnStop);
  t.true(at("1.10.0").cleanOnStop);
  t.is(at("1.23.0").cleanupInvocation, "istio-clean-iptables");
  t.is(at("1.24.0").cleanupInvocation, "cleanup-only");
});

test("a version the lab does not build is refused with the known ones", (t) => {
  const error = t.throws(() => sidecarPackageFacts("1.9.0"), { instanceOf: UnknownSidecarPackageError });
  t.regex(error!.message, /1\.8\.1, 1\.30\.0/);
});
