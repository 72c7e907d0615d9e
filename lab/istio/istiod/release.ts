// What differs between the istiod releases the lab reproduces (1.8.x, the course's, up to 1.30.x): feature defaults,
// log scopes and the exact texts of the lines a student or a check may look for. Sources: istio/istio at 1.8.1
// (pilot/pkg/xds/{ads,workloadentry,authentication}.go, security/pkg/server/ca) and 1.30.0
// (pkg/xds/server.go, pilot/pkg/xds/delta.go, pilot/pkg/autoregistration, pkg/security).

/** Version-dependent behaviour of istiod. */
export interface IstiodProfile {
  readonly version: string;
  readonly minor: number;
  /** PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION default (off in 1.8/1.9, on since 1.10). */
  readonly autoRegistrationDefault: boolean;
  /** PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS: absent in 1.8, off in 1.9, on since 1.10. */
  readonly healthChecks: "absent" | "off" | "on";
  /** The auto-registration controller refuses a proxy whose verified identity differs from the entry (1.12+ [≈]). */
  readonly validatesEntryIdentity: boolean;
  /** Scope of the WorkloadEntry controller's lines: "ads" (1.8, InternalGen) or "wle" (pilot/pkg/autoregistration). */
  readonly wleScope: string;
  /** Agents use delta xDS (current): connection lines say "new delta connection" in scope "delta". */
  readonly deltaXds: boolean;
  /** Connection ids: the full node id + "-N" (1.8) or the proxy id (`name.ns`) + "-N". */
  readonly connectionIdFromNodeId: boolean;
  /** Namespaces that do not get the istio-ca-root-cert ConfigMap (none in 1.8). */
  readonly rootCertSkippedNamespaces: ReadonlySet<string>;
  /** Log scope and level of a failed CA/XDS authentication. */
  readonly authnFailure: { scope: string; level: "warn" | "error" };
}

/** Thrown for a release the lab does not model. */
export class UnsupportedIstiodVersionError extends Error {
  override name = "UnsupportedIstiodVersionError";
}

/** The profile of istiod `1.MINOR.PATCH`. */
export const istiodProfile = (version: string): IstiodProfile => {
  const m = /^1\.(\d{1,2})\.(\d{1,2})$/.exec(version);
  if (!m) throw new UnsupportedIstiodVersionError(`not an Istio version: "${version}"`);
  const minor = Number(m[1]);
  if (minor < 8 || minor > 30) throw new UnsupportedIstiodVersionError(`Istio ${version} is outside the releases the lab models (1.8.x to 1.30.x)`);
  return {
    version,
    minor,
    autoRegistrationDefault: minor >= 10,
    healthChecks: minor === 8 ? "absent" : minor === 9 ? "off" : "on",
    validatesEntryIdentity: minor >= 12,
    wleScope: minor === 8 ? "ads" : "wle",
    deltaXds: minor >= 22,
    connectionIdFromNodeId: minor === 8,
    rootCertSkippedNamespaces: new Set(minor === 8 ? [] : ["kube-public", "kube-node-lease", "local-path-storage"]),
    authnFailure: minor === 8 ? { scope: "serverca", level: "warn" } : { scope: "security", level: "error" },
  };
};

/** One authenticator's failure, as the authentication manager collects them. */
export interface AuthenticatorFailure {
  authenticator: "ClientCertAuthenticator" | "KubeJWTAuthenticator";
  error: string;
}

/** The CA's line for a refused CreateCertificate caller (1.8: serverca warn with "at index N got error: …. ";
 * current: security error "Failed to authenticate client from …: Authenticator X: …; Authenticator Y: …"). */
export const caAuthnFailureLine = (profile: IstiodProfile, peer: string, failures: readonly AuthenticatorFailure[]): string =>
  profile.minor === 8
    ? `Authentication failed for ${peer}: ${failures.map((f, i) => `Authenticator ${f.authenticator} at index ${i} got error: ${f.error}. `).join("")}`
    : `Failed to authenticate client from ${peer}: ${failures.map((f) => `Authenticator ${f.authenticator}: ${f.error}`).join("; ")}`;

/** The XDS server's line for a refused stream (1.8: ads error with one failure per line; current: like the CA's). */
export const xdsAuthnFailureLine = (profile: IstiodProfile, peer: string, failures: readonly AuthenticatorFailure[]): { scope: string; message: string } =>
  profile.minor === 8
    ? { scope: "ads", message: `Failed to authenticate client from ${peer}\n${failures.map((f) => `Authenticator ${f.authenticator}: ${f.error}\n`).join("; ")}` }
    : { scope: "security", message: caAuthnFailureLine(profile, peer, failures) };

/** The KubeJWTAuthenticator's wording of a failed TokenReview (cluster id unquoted in 1.8, quoted now). */
export const jwtValidationError = (profile: IstiodProfile, clusterId: string, reviewError: string): string =>
  profile.minor === 8
    ? `failed to validate the JWT from cluster ${clusterId}: ${reviewError}`
    : `failed to validate the JWT from cluster "${clusterId}": ${reviewError}`;

/** Go's util.ByteCount ("4.0kB", "512B"). */
export const byteCount = (bytes: number): string => {
  if (bytes < 1000) return `${bytes}B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)}${units[unit]}`;
};
