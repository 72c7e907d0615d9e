// Builds a release's istio-sidecar.deb with the real dpkg-deb from a staging tree (files, DEBIAN/control, conffiles,
// md5sums, postinst), owned by root, gzip-compressed like fpm's, every timestamp at the release's date. Writes
// `<dir>/istio-sidecar.deb`, its `.sha256` (sha256sum format, as the release bucket has) and a stamp of the inputs, so
// an unchanged package is not rebuilt and a changed input (script, program bundle) rebuilds it.
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { host } from "../../net/ip.js";
import { acquireLock } from "../../host/lock.js";
import { conffilesText, controlText, md5sumsText } from "./control.js";
import type { SidecarPackageFacts } from "./facts.js";
import { packageFiles, type PackageFile, type PackagePrograms } from "./contents.js";
import { postinstScript } from "./postinst.js";

/** The package's file name in the bucket (amd64). */
export const PACKAGE_FILE = "istio-sidecar.deb";

/** A built package. */
export interface BuiltPackage {
  version: string;
  /** `<dir>/istio-sidecar.deb` */
  file: string;
  sha256: string;
  /** False when the stamp showed the same inputs and the file was kept. */
  built: boolean;
}

/** Installed-Size as `du -sk` of the staging tree counts it: 4 KiB blocks per file and per folder. */
export const installedSizeKiB = (files: readonly PackageFile[]): number => {
  const dirs = new Set<string>();
  for (const f of files) for (let d = path.posix.dirname(f.path); d !== "/"; d = path.posix.dirname(d)) dirs.add(d);
  return files.reduce((sum, f) => sum + Math.max(1, Math.ceil(f.content.length / 4096)) * 4, 4 + dirs.size * 4);
};

/** The staging tree's control files. */
const controlFiles = (f: SidecarPackageFacts, files: readonly PackageFile[]): Array<{ name: string; content: string; mode: number }> => [
  { name: "control", content: controlText(f, installedSizeKiB(files)), mode: 0o644 },
  { name: "conffiles", content: conffilesText(), mode: 0o644 },
  { name: "md5sums", content: md5sumsText(files), mode: 0o644 },
  { name: "postinst", content: postinstScript(f), mode: 0o755 },
];

/** sha256 over every input of the package (paths, modes, contents, control files). */
export const inputsDigest = (f: SidecarPackageFacts, files: readonly PackageFile[]): string => {
  const hash = createHash("sha256").update(`istio-sidecar ${f.version} ${f.releaseDate.toISOString()}\n`);
  for (const file of files) hash.update(`${file.path} ${file.mode.toString(8)} ${file.content.length}\n`).update(file.content);
  for (const c of controlFiles(f, files)) hash.update(`DEBIAN/${c.name}\n${c.content}`);
  return hash.digest("hex");
};

/** Writes the staging tree and runs dpkg-deb into `target`. */
const dpkgDebBuild = async ({ f, files, target }: { f: SidecarPackageFacts; files: readonly PackageFile[]; target: string }): Promise<void> => {
  const staging = await mkdtemp(path.join(path.dirname(target), ".staging-"));
  try {
    const dirs = new Set<string>([staging]);
    const written: string[] = [];
    const put = async (out: string, content: Buffer | string, mode: number) => {
      for (let d = path.dirname(out); d.startsWith(staging) && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, content);
      await chmod(out, mode);
      written.push(out);
    };
    for (const file of files) await put(path.join(staging, file.path), file.content, file.mode);
    for (const c of controlFiles(f, files)) await put(path.join(staging, "DEBIAN", c.name), c.content, c.mode);
    // Folders are 0755 whatever the umask; every timestamp is the release's.
    for (const d of dirs) await chmod(d, 0o755);
    for (const p of [...written, ...dirs]) await utimes(p, f.releaseDate, f.releaseDate);
    const epoch = String(Math.floor(f.releaseDate.getTime() / 1000));
    await host(["env", `SOURCE_DATE_EPOCH=${epoch}`, "dpkg-deb", "--root-owner-group", "-Zgzip", "-z9", "--build", staging, target]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
};

const readOr = (file: string): Promise<string | undefined> => readFile(file, "utf8").catch(() => undefined);

/** Builds (or keeps) `<dir>/istio-sidecar.deb` for `facts` with `programs`; one builder per folder at a time. */
export const buildSidecarPackage = async ({ facts, programs, dir }: { facts: SidecarPackageFacts; programs: PackagePrograms; dir: string }): Promise<BuiltPackage> => {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, PACKAGE_FILE);
  const stampFile = `${file}.inputs`;
  const files = await packageFiles(facts, programs);
  const digest = inputsDigest(facts, files);
  const release = await acquireLock(path.join(dir, ".build.lock"));
  try {
    const [stamp, sum] = await Promise.all([readOr(stampFile), readOr(`${file}.sha256`)]);
    const existing = sum?.split(/\s+/)[0];
    if (stamp?.trim() === digest && existing && (await readOr(file)) !== undefined) {
      return { version: facts.version, file, sha256: existing, built: false };
    }
    const partial = `${file}.${process.pid}.tmp`;
    try {
      await dpkgDebBuild({ f: facts, files, target: partial });
      const sha256 = createHash("sha256").update(await readFile(partial)).digest("hex");
      await rename(partial, file);
      await writeFile(`${file}.sha256`, `${sha256}  ${PACKAGE_FILE}\n`);
      await writeFile(stampFile, `${digest}\n`);
      return { version: facts.version, file, sha256, built: true };
    } finally {
      await rm(partial, { force: true });
    }
  } finally {
    await release();
  }
};
