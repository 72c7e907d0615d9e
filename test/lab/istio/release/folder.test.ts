// The release folders the lab lays out: istio-<version>/ with bin/istioctl (a launcher that runs the stand-in as that
// release), and the samples byte for byte as each release ships them (fixtures taken from istio/istio at the tags).
import test from "ava";
import { spawn } from "node:child_process";
import { access, constants, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RELEASE_PATHS, writeReleaseFolder } from "../../../../lab/istio/release/folder.js";
import { selectedIstioVersion } from "../../../../lab/istio/release/part.js";
import { DEFAULT_LAB_ISTIO_VERSION, ISTIO_RELEASE_BUILDS, releaseFacts } from "../../../../lab/istio/release/versions.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "..", "test", "lab", "istio", "release", "fixtures");

let root: string;
test.before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "ilab9-release-"));
  for (const b of ISTIO_RELEASE_BUILDS) await writeReleaseFolder({ root, version: b.version });
});
test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs a program; resolves with its output and exit code. */
const run = (file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env["PATH"] } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

for (const version of ["1.8.1", "1.30.0"]) {
  const dir = () => path.join(root, `istio-${version}`);

  test(`${version}: the samples are the release's files byte for byte`, async (t) => {
    for (const file of ["expose-istiod.yaml", "sleep.yaml"]) {
      const relative = file === "sleep.yaml" ? RELEASE_PATHS.sleep : RELEASE_PATHS.exposeIstiod;
      t.is(await readFile(path.join(dir(), relative), "utf8"), await readFile(path.join(fixtures, version, file), "utf8"), file);
    }
  });

  test(`${version}: bin/istioctl and gen-eastwest-gateway.sh are executable, the YAML files are not`, async (t) => {
    for (const relative of [RELEASE_PATHS.istioctl, RELEASE_PATHS.eastWestGateway]) await t.notThrowsAsync(access(path.join(dir(), relative), constants.X_OK), relative);
    t.is((await stat(path.join(dir(), RELEASE_PATHS.exposeIstiod))).mode & 0o777, 0o644);
  });

  test(`${version}: bin/istioctl runs as that release`, async (t) => {
    const r = await run(path.join(dir(), RELEASE_PATHS.istioctl), ["version", "--remote=false"]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, version === "1.8.1" ? "1.8.1\n" : "client version: 1.30.0\n");
  });
}

const cases: Record<string, Array<[string, string[]]>> = {
  "1.8.1": [
    ["single-cluster", ["--single-cluster"]],
    ["multi-network", ["--cluster", "cluster1", "--network", "network1", "--mesh", "mesh1"]],
    ["missing-flags", ["--network", "network1"]],
    ["unsupported-flag", ["--revision", "r1"]],
  ],
  "1.30.0": [
    ["single-cluster", ["--single-cluster"]],
    ["multi-network", ["--network", "network1"]],
    ["cluster-mesh-ignored", ["--cluster", "cluster1", "--mesh", "mesh1", "--network", "network1"]],
    ["missing-flags", ["--cluster", "cluster1"]],
    ["revision", ["--single-cluster", "--revision", "canary"]],
    ["ambient", ["--ambient", "--network", "network1"]],
    ["unsupported-flag", ["--foo"]],
  ],
};

for (const [version, list] of Object.entries(cases)) {
  for (const [name, args] of list) {
    test(`${version}: gen-eastwest-gateway.sh ${args.join(" ")} prints what the release's script prints (${name})`, async (t) => {
      const r = await run("bash", [path.join(root, `istio-${version}`, RELEASE_PATHS.eastWestGateway), ...args]);
      t.is(`${r.stdout}exit ${r.code}\n`, await readFile(path.join(fixtures, version, `eastwest-${name}.out`), "utf8"));
      const err = await readFile(path.join(fixtures, version, `eastwest-${name}.err`), "utf8").catch(() => "");
      t.is(r.stderr, err);
    });
  }
}

test("a release the lab does not lay out is refused", (t) => {
  t.throws(() => releaseFacts("1.9.0"), { message: /no Istio 1\.9\.0 release/ });
});

test("the parameters name the course's release unless LAB_ISTIO_VERSION picks another laid-out one", (t) => {
  t.is(selectedIstioVersion({}), DEFAULT_LAB_ISTIO_VERSION);
  t.is(DEFAULT_LAB_ISTIO_VERSION, "1.8.1");
  t.is(selectedIstioVersion({ LAB_ISTIO_VERSION: "1.30.0" }), "1.30.0");
  t.throws(() => selectedIstioVersion({ LAB_ISTIO_VERSION: "1.9.0" }), { message: /LAB_ISTIO_VERSION=1\.9\.0 não é uma versão que o laboratório reproduz; use uma de 1\.8\.1, 1\.30\.0/ });
});
