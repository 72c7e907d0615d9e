import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { compareVersions, istioFeatures, istioVersion, vmInstallSettings } from "../../../lib/istio/versions.js";

test("the course's 1.8.1: auto-registration off by default, no health checks, tcp-istiod, namespaced expose file, v1alpha3/v1beta1", (t) => {
  const f = istioFeatures("1.8.1");
  t.like(f, {
    autoregistrationDefault: false,
    healthChecks: "absent",
    eastWestIstiodPortName: "tcp-istiod",
    exposeIstiodNeedsNamespace: false,
    exposeIstiodMode: "tcp",
    workloadGroupCreateApiVersion: "networking.istio.io/v1alpha3",
    workloadGroupCreateKeepsEmptyMaps: true,
    clusterIdDefault: "Kubernetes",
    installedState: true,
    entryConfigureIpFlags: false,
    dnsCaptureAllUdp53: true,
    sidecarCleansUpOnStop: false,
    sidecarLogAppends: false,
    minTokenSeconds: 600,
  });
  t.deepEqual(f.uninstallCommand, ["x", "uninstall"]);
  t.deepEqual(f.apiVersions, {
    workloadGroup: "networking.istio.io/v1alpha3",
    workloadEntry: "networking.istio.io/v1beta1",
    serviceEntry: "networking.istio.io/v1alpha3",
    peerAuthentication: "security.istio.io/v1beta1",
  });
});

test("patch releases matter: 1.8.2 renamed the gateway ports and switched istiod's Gateway to TLS passthrough", (t) => {
  t.like(istioFeatures("1.8.2"), { eastWestIstiodPortName: "tls-istiod", exposeIstiodMode: "tls-passthrough" });
  t.false(istioFeatures("1.11.1").entryConfigureIpFlags);
  t.true(istioFeatures("1.11.2").entryConfigureIpFlags);
});

test("each boundary of the table", (t) => {
  t.is(istioFeatures("1.9.0").healthChecks, "off");
  t.false(istioFeatures("1.9.9").dnsCaptureAllUdp53);
  t.like(istioFeatures("1.10.0"), { autoregistrationDefault: true, healthChecks: "on", exposeIstiodNeedsNamespace: true, sidecarCleansUpOnStop: true });
  t.like(istioFeatures("1.12.0"), { clusterIdDefault: "from-cluster", eastWestClusterMeshFlagsIgnored: true });
  t.false(istioFeatures("1.11.9").eastWestClusterMeshFlagsIgnored);
  t.true(istioFeatures("1.14.0").sidecarLogAppends);
  t.deepEqual(istioFeatures("1.14.6").uninstallCommand, ["x", "uninstall"]);
  t.deepEqual(istioFeatures("1.15.0").uninstallCommand, ["uninstall"]);
  t.true(istioFeatures("1.20.8").installedState);
  t.false(istioFeatures("1.21.0").installedState);
  t.is(istioFeatures("1.21.6").apiVersions.workloadEntry, "networking.istio.io/v1beta1");
  t.is(istioFeatures("1.22.0").apiVersions.peerAuthentication, "security.istio.io/v1");
  t.is(istioFeatures("1.23.4").workloadGroupCreateApiVersion, "networking.istio.io/v1alpha3");
  t.like(istioFeatures("1.24.0"), { workloadGroupCreateApiVersion: "networking.istio.io/v1", workloadGroupCreateKeepsEmptyMaps: false });
});

test("vmInstallSettings: the course's single --set on 1.8, both settings where health checks exist", (t) => {
  t.deepEqual(vmInstallSettings({ features: istioFeatures("1.8.1") }), { "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "true" });
  t.deepEqual(vmInstallSettings({ features: istioFeatures("1.30.0") }), {
    "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "true",
    "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS": "true",
  });
  t.deepEqual(Object.keys(vmInstallSettings({ features: istioFeatures("1.9.0"), healthChecks: false })), ["values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION"]);
});

test("versions outside the known range are an InputError naming ISTIO_VERSION", (t) => {
  for (const bad of ["1.7.8", "1.31.0", "2.0.0", "1.8", "latest"]) {
    const error = t.throws(() => istioFeatures(bad), { instanceOf: InputError }) as InputError;
    t.is(error.subject, "ISTIO_VERSION");
  }
});

test("compareVersions orders by minor then patch", (t) => {
  t.true(compareVersions(istioVersion("1.8.10"), istioVersion("1.9.0")) < 0);
  t.true(compareVersions(istioVersion("1.10.0"), istioVersion("1.9.9")) > 0);
  t.is(compareVersions(istioVersion("1.8.1"), istioVersion("1.8.1")), 0);
});
