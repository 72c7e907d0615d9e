import test from "ava";
import { GENERIC_SERVICE_IMAGE, isGenericServiceImage, parseImageReference } from "../../../../lab/apps/generic-service/images.js";

test("the course's reference is kdop/generic-service:0.0.5", (t) => {
  t.is(GENERIC_SERVICE_IMAGE, "kdop/generic-service:0.0.5");
  t.true(isGenericServiceImage(GENERIC_SERVICE_IMAGE));
});

test("Docker Hub spellings of the course's tags are recognised", (t) => {
  for (const ref of [
    "kdop/generic-service:0.0.5",
    "docker.io/kdop/generic-service:0.0.5",
    "index.docker.io/kdop/generic-service:0.0.1",
    "kdop/generic-service:0.0.4",
  ]) t.true(isGenericServiceImage(ref), ref);
});

test("other images, other tags and the Go port are not this service", (t) => {
  for (const ref of ["kdop/generic-service", "kdop/generic-service:latest", "kdop/go-generic-service:0.0.1", "nginx:stable", "quay.io/kdop/generic-service:0.0.5"]) {
    t.false(isGenericServiceImage(ref), ref);
  }
});

test("parseImageReference splits registry-less references, tags, ports and digests", (t) => {
  t.deepEqual(parseImageReference("nginx"), { repository: "nginx", tag: "latest" });
  t.deepEqual(parseImageReference("docker.io/library/nginx:stable"), { repository: "nginx", tag: "stable" });
  t.deepEqual(parseImageReference("localhost:5000/kdop/generic-service:0.0.5"), { repository: "localhost:5000/kdop/generic-service", tag: "0.0.5" });
  t.deepEqual(parseImageReference("kdop/generic-service:0.0.5@sha256:abcd"), { repository: "kdop/generic-service", tag: "0.0.5" });
});
