import test from "ava";
import { defaultImageCatalog, parseImageRef } from "../../../../lab/cluster/kubelet/images.js";

test("image references are normalized like containerd does", (t) => {
  t.is(parseImageRef("busybox")?.normalized, "docker.io/library/busybox:latest");
  t.is(parseImageRef("kdop/generic-service:0.0.5")?.normalized, "docker.io/kdop/generic-service:0.0.5");
  t.is(parseImageRef("registry.k8s.io/coredns/coredns:v1.12.0")?.repository, "registry.k8s.io/coredns/coredns");
  t.is(parseImageRef("localhost:5000/app")?.normalized, "localhost:5000/app:latest");
  t.is(parseImageRef("Not A Ref!"), undefined);
});

test("known images resolve to programs; the generic service only with the course's tags", (t) => {
  const catalog = defaultImageCatalog();
  const ok = catalog.lookup("kdop/generic-service:0.0.5");
  t.true(ok.ok);
  if (ok.ok) {
    t.regex(ok.program.entrypoint.join(" "), /dist\/lab\/apps\/generic-service\/main\.js$/);
    t.regex(ok.imageId, /^docker\.io\/kdop\/generic-service@sha256:[0-9a-f]{64}$/);
  }
  const coredns = catalog.lookup("registry.k8s.io/coredns/coredns:v1.11.3");
  t.true(coredns.ok && coredns.program.entrypoint.join(" ").endsWith("dist/lab/cluster/dns/main.js"));
  const tag = catalog.lookup("kdop/generic-service:9.9.9");
  t.deepEqual(tag.ok ? undefined : tag.reason, "ErrImagePull");
  t.regex(tag.ok ? "" : tag.message, /docker\.io\/kdop\/generic-service:9\.9\.9: not found$/);
  const repo = catalog.lookup("acme/nothing:1");
  t.regex(repo.ok ? "" : repo.message, /pull access denied, repository does not exist or may require authorization/);
  const bad = catalog.lookup("UPPER/case");
  t.is(bad.ok ? undefined : bad.reason, "InvalidImageName");
});

test("other parts can register their images", (t) => {
  const catalog = defaultImageCatalog().register("docker.io/istio/proxyv2", { entrypoint: ["/bin/true"], cmd: [], sizeBytes: 1 }, ["1.8.1"]);
  t.true(catalog.lookup("istio/proxyv2:1.8.1").ok);
  t.false(catalog.lookup("istio/proxyv2:1.9.0").ok);
});
