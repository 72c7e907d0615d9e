import test from "ava";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { IstioRelease, RELEASE_FILES, sidecarPackageUrl } from "../../../lib/istio/release.js";
import { istioFeatures } from "../../../lib/istio/versions.js";

const releaseDir = (expose?: string) => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "release-")), "istio-1.30.0");
  mkdirSync(path.join(dir, "samples", "multicluster"), { recursive: true });
  if (expose !== undefined) writeFileSync(path.join(dir, RELEASE_FILES.exposeIstiod), expose);
  return dir;
};

test("the sidecar package URL of a release, as the chapter downloads it", (t) => {
  const base = "https://storage.googleapis.com/istio-release/releases";
  t.is(sidecarPackageUrl({ base, version: "1.8.1" }), "https://storage.googleapis.com/istio-release/releases/1.8.1/deb/istio-sidecar.deb");
  t.is(sidecarPackageUrl({ base: `${base}/`, version: "1.30.0", format: "rpm", arch: "arm64" }), `${base}/1.30.0/rpm/istio-sidecar-arm64.rpm`);
  t.throws(() => sidecarPackageUrl({ base, version: "1.8.1", arch: "x86 64" }), { instanceOf: InputError });
});

test("whether expose-istiod.yaml needs -n istio-system is read from the file itself", (t) => {
  const features = istioFeatures("1.30.0");
  const withNs = new IstioRelease({ dir: releaseDir("kind: Gateway\nmetadata:\n  name: g\n  namespace: istio-system\n"), features });
  t.false(withNs.exposeIstiodNeedsNamespace(), "a 1.30 folder holding a namespaced file is applied as is");
  const without = new IstioRelease({ dir: releaseDir("kind: Gateway\nmetadata:\n  name: g\n---\nkind: VirtualService\nmetadata:\n  name: v\n"), features: istioFeatures("1.8.1") });
  t.true(without.exposeIstiodNeedsNamespace());
});

test("without the file (planning before the download) the version table decides", (t) => {
  t.true(new IstioRelease({ dir: releaseDir(), features: istioFeatures("1.10.0") }).exposeIstiodNeedsNamespace());
  t.false(new IstioRelease({ dir: releaseDir(), features: istioFeatures("1.9.5") }).exposeIstiodNeedsNamespace());
});

test("a missing release file says how to download the release", (t) => {
  const release = new IstioRelease({ dir: releaseDir(), features: istioFeatures("1.8.1") });
  const error = t.throws(() => release.require(RELEASE_FILES.eastWestGateway), { instanceOf: InputError }) as InputError;
  t.regex(error.problem, /não contém samples\/multicluster\/gen-eastwest-gateway.sh/);
  t.regex(error.fix, /ISTIO_VERSION=1\.8\.1/);
  const gone = new IstioRelease({ dir: "/nonexistent/istio-1.8.1", features: istioFeatures("1.8.1") });
  t.regex((t.throws(() => gone.require(RELEASE_FILES.istioctl)) as InputError).problem, /não existe/);
});
