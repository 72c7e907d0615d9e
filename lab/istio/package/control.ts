// The package's metadata as fpm writes it (templates/deb.erb, lib/fpm/package/deb.rb): the control file, conffiles,
// md5sums, and the boilerplate changelog fpm adds as /usr/share/doc/istio-sidecar/changelog.gz.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { SidecarPackageFacts } from "./facts.js";

/** The package name (SIDECAR_PACKAGE_NAME). */
export const PACKAGE_NAME = "istio-sidecar";

/** The two files fpm is given with --config-files (dpkg keeps them on `dpkg -r`). */
export const CONFFILES: readonly string[] = ["/var/lib/istio/envoy/envoy_bootstrap_tmpl.json", "/var/lib/istio/envoy/sidecar.env"];

/** DEBIAN/control for a release (fields in fpm's order). */
export const controlText = (f: SidecarPackageFacts, installedSizeKiB: number): string =>
  [
    `Package: ${PACKAGE_NAME}`,
    `Version: ${f.version}`,
    "License: Apache",
    "Vendor: istio.io",
    "Architecture: amd64",
    "Maintainer: istio@istio.io",
    `Installed-Size: ${installedSizeKiB}`,
    `Depends: ${f.depends.join(", ")}`,
    "Section: default",
    `Priority: ${f.priority}`,
    "Homepage: http://istio.io",
    "Description: Istio Sidecar",
    "",
  ].join("\n");

/** DEBIAN/conffiles. */
export const conffilesText = (): string => `${CONFFILES.join("\n")}\n`;

/** DEBIAN/md5sums: `<md5>  <path without the leading slash>` per regular file. */
export const md5sumsText = (files: ReadonlyArray<{ path: string; content: Buffer }>): string =>
  files.map((f) => `${createHash("md5").update(f.content).digest("hex")}  ${f.path.replace(/^\/+/, "")}\n`).join("");

/** RFC 2822 date as Ruby's `%a, %d %b %Y %T %z` prints it (UTC). */
const rfc2822 = (d: Date): string => {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

/** fpm's boilerplate changelog (templates/deb/changelog.erb, distribution "unstable"), gzipped. */
export const changelogGz = (f: SidecarPackageFacts): Buffer =>
  gzipSync(`${PACKAGE_NAME} (${f.version}) unstable; urgency=medium\n\n  * Package created with FPM.\n\n -- istio@istio.io  ${rfc2822(f.releaseDate)}\n`, { level: 9 });
