// Istio's releases as a part of the lab: `up` lays out istio-<version>/ for every release the lab reproduces under
// `<state>/releases/`, starts the release bucket (its own process on the gateway, port 80) and publishes ISTIO_VERSION,
// ISTIO_DIR, ISTIOCTL and ISTIO_SIDECAR_BASE_URL; `down` stops the bucket.
import { closeSync, openSync } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { forgetProcess, isAlive, readProcessRecord, recordProcess, stopRecordedProcess } from "../../host/pidfile.js";
import { projectRoot, type LabPaths } from "../../paths.js";
import type { LabContext } from "../../cli/context.js";
import type { LabPart } from "../../cli/part.js";
import { bucketBaseUrl } from "./bucket/layout.js";
import { writeReleaseFolder, RELEASE_PATHS } from "./folder.js";
import { DEFAULT_LAB_ISTIO_VERSION, ISTIO_RELEASE_BUILDS } from "./versions.js";

/** Port of the release bucket on the gateway. */
export const BUCKET_PORT = 80;

/** Name of the bucket's process record in `<state>/run/`. */
export const BUCKET_RECORD = "istio-bucket";

/** Where a lab instance keeps its release folders and where the bucket looks for packages. */
export const releaseLayout = (paths: LabPaths) => ({
  releases: path.join(paths.state, "releases"),
  /** Package roots, searched in order: the instance's own builds, then the shared cache (lab/istio/package writes there). */
  packageRoots: [path.join(paths.state, "packages"), path.join(paths.cache, "packages")],
  log: path.join(paths.logs, "istio-bucket.log"),
});

/** The release the parameters file names: LAB_ISTIO_VERSION or the course's; a Portuguese error for an unknown one. */
export const selectedIstioVersion = (env: NodeJS.ProcessEnv = process.env): string => {
  const wanted = env["LAB_ISTIO_VERSION"] || DEFAULT_LAB_ISTIO_VERSION;
  if (!ISTIO_RELEASE_BUILDS.some((b) => b.version === wanted)) {
    throw new Error(`LAB_ISTIO_VERSION=${wanted} não é uma versão que o laboratório reproduz; use uma de ${ISTIO_RELEASE_BUILDS.map((b) => b.version).join(", ")}`);
  }
  return wanted;
};

/** True when GET <url> answers with any HTTP status. */
const answers = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const req = http.get(url, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
  });

/** Starts the bucket process unless the recorded one still runs; resolves once it answers. */
const ensureBucket = async (ctx: LabContext): Promise<void> => {
  const layout = releaseLayout(ctx.paths);
  const url = bucketBaseUrl(ctx.plan.gateway, BUCKET_PORT);
  const record = await readProcessRecord(ctx.paths.run, BUCKET_RECORD);
  if (record && (await isAlive(record)) && (await answers(url))) return;
  if (record) {
    await stopRecordedProcess(record, { graceMs: 2_000 });
    await forgetProcess(ctx.paths.run, BUCKET_RECORD);
  }
  await mkdir(ctx.paths.logs, { recursive: true });
  const log = openSync(layout.log, "a");
  const args = [path.join(projectRoot(), "dist", "lab", "istio", "release", "bucket", "main.js"), "--listen", `${ctx.plan.gateway}:${BUCKET_PORT}`, ...layout.packageRoots.flatMap((r) => ["--root", r])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`não foi possível iniciar o bucket de releases; veja ${layout.log}`);
  const started = await recordProcess(ctx.paths.run, BUCKET_RECORD, child.pid);
  for (let i = 0; i < 100; i++) {
    if (await answers(url)) return;
    if (!(await isAlive(started))) break;
    await sleep(100);
  }
  throw new Error(`o bucket de releases não respondeu em ${url} (porta ${BUCKET_PORT} ocupada?); veja ${layout.log}`);
};

/** The Istio releases part. */
export const istioReleasePart: LabPart = {
  name: "istio-releases",
  async up(ctx) {
    const version = selectedIstioVersion();
    const layout = releaseLayout(ctx.paths);
    let selected = "";
    for (const build of ISTIO_RELEASE_BUILDS) {
      const folder = await writeReleaseFolder({ root: layout.releases, version: build.version });
      if (build.version === version) selected = folder.dir;
    }
    ctx.progress(`istio: distribuições ${ISTIO_RELEASE_BUILDS.map((b) => `istio-${b.version}`).join(", ")} em ${layout.releases}`);
    await ensureBucket(ctx);
    const base = bucketBaseUrl(ctx.plan.gateway, BUCKET_PORT);
    ctx.progress(`istio: bucket de releases em ${base} (pacotes de ${layout.packageRoots.join(" e ")})`);
    if (!selected) throw new Error(`a versão ${version} do Istio não existe no laboratório (versões: ${ISTIO_RELEASE_BUILDS.map((b) => b.version).join(", ")})`);
    // ISTIO_DIR follows ISTIO_VERSION (the runbook expands ${…}), so `--set ISTIO_VERSION=…` picks the other release;
    // ISTIOCTL keeps the runbook's default, ${ISTIO_DIR}/bin/istioctl.
    return { ISTIO_VERSION: version, ISTIO_DIR: path.join(layout.releases, "istio-${ISTIO_VERSION}"), ISTIO_SIDECAR_BASE_URL: base };
  },
  async down(ctx) {
    const record = await readProcessRecord(ctx.paths.run, BUCKET_RECORD);
    if (!record) return [];
    const stopped = await stopRecordedProcess(record, { graceMs: 5_000 });
    await forgetProcess(ctx.paths.run, BUCKET_RECORD);
    return stopped ? [`processo ${BUCKET_RECORD} (pid ${record.pid})`] : [];
  },
  async leftovers(ctx) {
    const record = await readProcessRecord(ctx.paths.run, BUCKET_RECORD);
    return record && (await isAlive(record)) ? [`processo ${BUCKET_RECORD} (pid ${record.pid})`] : [];
  },
  async status(ctx) {
    const layout = releaseLayout(ctx.paths);
    const record = await readProcessRecord(ctx.paths.run, BUCKET_RECORD);
    const running = record !== undefined && (await isAlive(record));
    const present = await Promise.all(ISTIO_RELEASE_BUILDS.map((b) => access(path.join(layout.releases, `istio-${b.version}`, RELEASE_PATHS.istioctl)).then(() => b.version, () => undefined)));
    const versions = present.filter((v): v is string => v !== undefined);
    return [
      { part: "istio", ok: versions.length === ISTIO_RELEASE_BUILDS.length, text: versions.length ? `distribuições ${versions.map((v) => `istio-${v}`).join(", ")} em ${layout.releases}` : "nenhuma distribuição do Istio: rode `npm run lab -- up`" },
      { part: "istio", ok: running, text: running ? `bucket de releases em ${bucketBaseUrl(ctx.plan.gateway, BUCKET_PORT)} (pid ${record!.pid})` : "bucket de releases parado" },
    ];
  },
};
