// What differs between the istio-sidecar packages of the releases the lab builds: one object per version, each switch
// placed at the release whose tools/packaging (packaging.mk, postinst.sh, common/istio-start.sh, common/istio.service)
// changed it, read from istio/istio at the tags 1.8.1 … 1.30.0 (commit dates and branch cuts in the comments).

/** The version-dependent facts of one release's `istio-sidecar.deb`. */
export interface SidecarPackageFacts {
  /** "1.8.1" (PACKAGE_VERSION: the release version without a leading letter or dashes). */
  readonly version: string;
  readonly minor: number;
  readonly patch: number;
  /** fpm `--depends`: iproute2, iptables; sudo from 1.12 (#34595); hostname from 1.19 (#45867). */
  readonly depends: readonly string[];
  /** fpm's default Priority: "extra" until fpm 1.15 (2022), "optional" after (≈ 1.16+, when build-tools moved on). */
  readonly priority: "extra" | "optional";
  /** postinst creates the user with groupadd/useradd when `useradd` exists (1.12+), else addgroup/adduser (Debian). */
  readonly postinstPrefersUseradd: boolean;
  /** istio.service: `ExecStopPost=istio-start.sh clean` and the script's `clean` subcommand (1.10+, #31300). */
  readonly cleanOnStop: boolean;
  /** istio.service: KillMode=mixed and TimeoutStopSec=30s (1.12+, #33040, the Envoy process leak). */
  readonly killModeMixed: boolean;
  /** istio.service: StartLimitIntervalSec=0 in [Unit] and `ExecStartPre=+/usr/bin/install -d -o istio-proxy -m 0755
   * /var/run/secrets` (1.18+, #43163); before, `StartLimitInterval=0` in [Service]. */
  readonly secretsDirOnStart: boolean;
  /** istio-start.sh exports ISTIO_META_ISTIO_VERSION="1.<minor>.0" (a literal bumped per branch: 1.8.1 says "1.8.0";
   * removed in 1.19, #45436). */
  readonly exportsIstioVersion: string | undefined;
  /** istio-start.sh default paths are relative to / (`./var/lib/istio/…`, 1.14+, #37863). */
  readonly relativePaths: boolean;
  /** The agent's stdout/stderr are appended to istio.log/istio.err.log (1.13+, #36824) instead of truncated. */
  readonly appendLogs: boolean;
  /** The agent runs through `sudo -E -u istio-proxy -s /bin/bash -c …` (1.12+) instead of `su -s /bin/bash -c … istio-proxy`. */
  readonly execWithSudo: boolean;
  /** The agent is started with the start script's soft open-files limit (`ulimit -n`), which su/sudo would otherwise
   * reset (1.11–1.21). */
  readonly carriesFileLimit: boolean;
  /** The script reads ISTIO_PILOT_PORT only when set and builds PROXY_CONFIG without a discoveryAddress by default
   * (1.12+, #35290: CA_ADDR > PILOT_ADDRESS > ISTIO_PILOT_PORT). */
  readonly customPilotAddress: boolean;
  /** Clean-up of old rules: `pilot-agent istio-clean-iptables` (≤ 1.23) or `pilot-agent istio-iptables --cleanup-only`
   * (1.24+, #52918). */
  readonly cleanupInvocation: "istio-clean-iptables" | "cleanup-only";
  /** Date of the release's tag commit (the package files' modification time). */
  readonly releaseDate: Date;
}

/** Tag commit dates of the releases the lab builds (git log -1 --format=%cI <tag>). */
const RELEASE_DATES: Readonly<Record<string, string>> = {
  "1.8.1": "2020-12-07T13:31:30-08:00",
  "1.30.0": "2026-05-15T16:18:58-07:00",
};

/** Thrown for a version whose package the lab does not build. */
export class UnknownSidecarPackageError extends Error {
  override name = "UnknownSidecarPackageError";
}

/** The package facts of `version` ("1.8.1"); throws for a version without a known release date unless one is given
 * (other 1.x.y versions are derived from the same switches, for comparisons with upstream). */
export const sidecarPackageFacts = (version: string, releaseDate?: Date): SidecarPackageFacts => {
  const m = /^1\.(\d+)\.(\d+)$/.exec(version);
  const date = releaseDate?.toISOString() ?? RELEASE_DATES[version];
  if (!m || !date) throw new UnknownSidecarPackageError(`the lab builds no istio-sidecar.deb for Istio ${version} (known: ${Object.keys(RELEASE_DATES).join(", ")})`);
  const minor = Number(m[1]);
  const ge = (n: number) => minor >= n;
  return Object.freeze({
    version,
    minor,
    patch: Number(m[2]),
    depends: Object.freeze(["iproute2", "iptables", ...(ge(12) ? ["sudo"] : []), ...(ge(19) ? ["hostname"] : [])]),
    priority: ge(16) ? "optional" : "extra",
    postinstPrefersUseradd: ge(12),
    cleanOnStop: ge(10),
    killModeMixed: ge(12),
    secretsDirOnStart: ge(18),
    exportsIstioVersion: ge(19) ? undefined : `1.${minor}.0`,
    relativePaths: ge(14),
    appendLogs: ge(13),
    execWithSudo: ge(12),
    carriesFileLimit: ge(11) && !ge(22),
    customPilotAddress: ge(12),
    cleanupInvocation: ge(24) ? "cleanup-only" : "istio-clean-iptables",
    releaseDate: new Date(date),
  });
};

/** Versions whose package the lab can build. */
export const SIDECAR_PACKAGE_VERSIONS: readonly string[] = Object.freeze(Object.keys(RELEASE_DATES));
