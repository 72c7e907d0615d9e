// The release bucket stand-in with the real curl: the packages the lab builds under Google Cloud Storage's layout
// (<base>/<version>/deb/istio-sidecar.deb and .sha256), GCS's XML errors for anything else.
import test from "ava";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { bucketBaseUrl, parseBucketPath } from "../../../../../lab/istio/release/bucket/layout.js";
import { parseBucketArgs } from "../../../../../lab/istio/release/bucket/main.js";
import { startBucketServer, type BucketServer } from "../../../../../lab/istio/release/bucket/server.js";

const exec = promisify(execFile);
let dir: string;
let server: BucketServer;
let base: string;
const deb = Buffer.from("!<arch>\ndebian-binary   lab package bytes\n");

test.before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "ilab9-bucket-"));
  await mkdir(path.join(dir, "cache", "1.8.1"), { recursive: true });
  await mkdir(path.join(dir, "state", "1.30.0"), { recursive: true });
  await writeFile(path.join(dir, "cache", "1.8.1", "istio-sidecar.deb"), deb);
  await writeFile(path.join(dir, "state", "1.30.0", "istio-sidecar.deb"), "state copy");
  await writeFile(path.join(dir, "state", "1.30.0", "istio-sidecar.deb.sha256"), "cafe  istio-sidecar.deb\n");
  server = await startBucketServer({ host: "127.0.0.1", port: 0, roots: [path.join(dir, "state"), path.join(dir, "cache")] });
  base = bucketBaseUrl(server.host, server.port);
});
test.after.always(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** curl -s with the status code and content type after the body. */
const curl = async (url: string, extra: string[] = []): Promise<{ body: string; status: number; type: string }> => {
  const { stdout } = await exec("curl", ["-s", ...extra, "-w", "\n%{http_code} %{content_type}", url]);
  const nl = stdout.lastIndexOf("\n");
  const [status, ...type] = stdout.slice(nl + 1).split(" ");
  return { body: stdout.slice(0, nl), status: Number(status), type: type.join(" ") };
};

test("the base URL has the bucket's path (and no :80)", (t) => {
  t.is(bucketBaseUrl("198.18.0.1", 80), "http://198.18.0.1/istio-release/releases");
  t.is(bucketBaseUrl("198.18.144.1", 8080), "http://198.18.144.1:8080/istio-release/releases");
});

test("curl -LO downloads <base>/<version>/deb/istio-sidecar.deb as lab/istio/package left it", async (t) => {
  const work = await mkdtemp(path.join(os.tmpdir(), "ilab9-curl-"));
  await exec("curl", ["-sLO", `${base}/1.8.1/deb/istio-sidecar.deb`], { cwd: work });
  t.deepEqual(await readFile(path.join(work, "istio-sidecar.deb")), deb);
  await rm(work, { recursive: true, force: true });
});

test("the instance's own build is served before the shared cache's, with the .sha256 written beside it", async (t) => {
  t.is((await curl(`${base}/1.30.0/deb/istio-sidecar.deb`)).body, "state copy");
  t.is((await curl(`${base}/1.30.0/deb/istio-sidecar.deb.sha256`)).body, "cafe  istio-sidecar.deb\n");
});

test("a .sha256 nobody wrote is computed like sha256sum", async (t) => {
  const r = await curl(`${base}/1.8.1/deb/istio-sidecar.deb.sha256`);
  t.is(r.status, 200);
  t.is(r.body, `${createHash("sha256").update(deb).digest("hex")}  istio-sidecar.deb\n`);
});

test("HEAD answers the size without a body", async (t) => {
  const { stdout } = await exec("curl", ["-sI", `${base}/1.8.1/deb/istio-sidecar.deb`]);
  t.regex(stdout, /^HTTP\/1\.1 200 OK/);
  t.regex(stdout, new RegExp(`Content-Length: ${deb.length}`, "i"));
});

test("a package that was not built answers 404 NoSuchKey like GCS", async (t) => {
  const r = await curl(`${base}/1.30.0/rpm/istio-sidecar.rpm`);
  t.is(r.status, 404);
  t.is(r.type, "application/xml; charset=UTF-8");
  t.is(r.body, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Details>No such object: istio-release/releases/1.30.0/rpm/istio-sidecar.rpm</Details></Error>");
});

test("curl -f fails with exit 22 on the 404 (the course's download step then fails loudly)", async (t) => {
  const error = await t.throwsAsync(exec("curl", ["-sfLO", `${base}/1.9.0/deb/istio-sidecar.deb`], { cwd: dir }));
  t.is((error as { code?: number }).code, 22);
});

test("another bucket answers NoSuchBucket", async (t) => {
  const r = await curl(`http://127.0.0.1:${server.port}/other-bucket/x`);
  t.is(r.status, 404);
  t.is(r.body, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message></Error>");
});

test("request paths map to packages by version, format and architecture", (t) => {
  t.like(parseBucketPath("/istio-release/releases/1.8.1/deb/istio-sidecar-arm64.deb.sha256"), { kind: "package", request: { version: "1.8.1", format: "deb", file: "istio-sidecar-arm64.deb", checksum: true } });
  t.like(parseBucketPath("/istio-release/releases/1.8.1/rpm/istio-sidecar.deb"), { kind: "object" });
  t.like(parseBucketPath("/storage/x"), { kind: "no-bucket", bucket: "storage" });
});

test("the bucket process refuses a command line without --listen or --root, naming the fix", (t) => {
  t.throws(() => parseBucketArgs(["--root", "/x"]), { message: "falta --listen ENDEREÇO:PORTA" });
  t.throws(() => parseBucketArgs(["--listen", "1.2.3.4"]), { message: /--listen precisa de ENDEREÇO:PORTA \(recebeu "1\.2\.3\.4"\)/ });
  t.deepEqual(parseBucketArgs(["--listen", "198.18.0.1:80", "--root", "/a"]), { host: "198.18.0.1", port: 80, roots: ["/a"] });
});
