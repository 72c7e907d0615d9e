// The Istio releases the lab reproduces and every version-dependent fact of their release folder and istioctl, in one
// table: build facts per release (ISTIO_RELEASE_BUILDS) plus behaviour switches placed at the release that changed
// them (read from istio/istio at the tags named in each comment). Adding a release is adding a build entry.

/** Build facts of one release (what `istioctl version --short=false` reports). */
export interface IstioReleaseBuild {
  readonly version: string;
  /** The tag's commit (BuildInfo.GitRevision). */
  readonly gitRevision: string;
  /** The Go toolchain of the release build (BuildInfo.GolangVersion). */
  readonly golangVersion: string;
}

/** The releases the lab can lay out (istio-<version>/ folders), oldest first. */
export const ISTIO_RELEASE_BUILDS: readonly IstioReleaseBuild[] = Object.freeze([
  // 1.8.1: build-tools image release-1.8-2020-11-12 (Go 1.15.5).
  { version: "1.8.1", gitRevision: "806fb24bc121bf93ea06f6a38b7ccb3d78d1f326", golangVersion: "go1.15.5" },
  // 1.30.0: go.mod `go 1.25.7`.
  { version: "1.30.0", gitRevision: "badd809ed7d57954d4c16e12e75e15a7722a7b96", golangVersion: "go1.25.7" },
]);

/** The release the lab's parameters file points at unless LAB_ISTIO_VERSION says otherwise: the course's. */
export const DEFAULT_LAB_ISTIO_VERSION = "1.8.1";

/** A parsed 1.MINOR.PATCH version. */
export interface ReleaseVersion {
  readonly text: string;
  readonly minor: number;
  readonly patch: number;
}

/** Parses "1.8.1"; undefined for anything else. */
export const parseReleaseVersion = (text: string): ReleaseVersion | undefined => {
  const m = /^1\.(\d+)\.(\d+)$/.exec(text);
  return m ? { text, minor: Number(m[1]), patch: Number(m[2]) } : undefined;
};

/** Everything that differs between releases, for the release folder and the istioctl stand-in. */
export interface ReleaseFacts {
  readonly version: ReleaseVersion;
  readonly build: IstioReleaseBuild;
  /** Docker hub of the release's images (`<hub>/pilot:<version>`, `<hub>/proxyv2:<version>`). */
  readonly hub: string;

  // --- samples/multicluster/gen-eastwest-gateway.sh ---
  /** Port names of the east-west Service: mtls/tcp-istiod/tcp-webhook (≤ 1.8.1), tls/tls-istiod/tls-webhook (1.8.2+). */
  readonly eastWestPortNames: { readonly tls: string; readonly istiod: string; readonly webhook: string };
  /** `--cluster` and `--mesh` are required with `--network` (≤ 1.11) or accepted and ignored (1.12+). */
  readonly eastWestClusterMesh: "required" | "ignored";
  /** The script accepts `--revision` and prints `revision: "…"` (1.8.2+). */
  readonly eastWestRevision: boolean;
  /** The gateway gets env ISTIO_META_ROUTER_MODE=sni-dnat (≤ 1.11). */
  readonly eastWestRouterMode: boolean;
  /** The IstioOperator sets values.gateways.istio-ingressgateway.injectionTemplate: gateway (1.11+). */
  readonly eastWestInjectionTemplate: boolean;
  /** The script accepts `--ambient` (1.28+). */
  readonly eastWestAmbient: boolean;

  // --- samples/multicluster/expose-istiod.yaml ---
  /** TCP Gateway + DestinationRule tls DISABLE (1.8.0–1.8.1) or TLS PASSTHROUGH with sniHosts "*" (1.8.2+). */
  readonly exposeIstiodMode: "tcp" | "tls-passthrough";
  /** The file names namespace istio-system (≤ 1.9). */
  readonly exposeIstiodNamespaced: boolean;
  /** apiVersion of the file's resources (v1alpha3 until 1.23, v1 from 1.24). */
  readonly exposeIstiodApiVersion: string;

  // --- samples/sleep/sleep.yaml ---
  readonly sleepImage: string;
  /** `/bin/sleep` argument: 3650d (≤ 1.17) or infinity (1.18+). */
  readonly sleepDuration: string;
  /** The pod spec has terminationGracePeriodSeconds: 0 (1.9+). */
  readonly sleepZeroGrace: boolean;

  // --- istioctl: command tree and outputs ---
  /** Words of the uninstall command: `x uninstall` (≤ 1.14) or `uninstall` (1.15+). */
  readonly uninstallCommand: readonly string[];
  /** The install prompt lists components (≤ 1.20: `with ["Istio core" …] components`) or names version and profile. */
  readonly installPrompt: "components" | "version-profile";
  /** install prints the Istio ASCII art on stderr first (1.21+ [≈]). */
  readonly installArt: boolean;
  /** Progress lines end with the component's icon (`✔ Istiod installed 🧠`, 1.21+ [≈]). */
  readonly progressIcons: boolean;
  /** The readiness-timeout error names the poll error as `timed out waiting for the condition` or `context deadline exceeded`. */
  readonly waitTimeoutText: string;
  /** The readiness-timeout error lists "  Deployment/ns/name (container failed to start: …)" (1.21+ [≈]) or bare ids. */
  readonly waitDebugInfo: boolean;
  /** `installed-state[-<name>]` IstioOperator saved in istio-system and its CRD installed (≤ 1.20). */
  readonly installedState: boolean;
  /** Objects are applied with server-side apply as `istio-operator` (1.21+ [≈]) or created/updated (≤ 1.20). */
  readonly serverSideApply: boolean;
  /** istiod's ServiceAccount: istiod-service-account (≤ 1.9) or istiod. */
  readonly istiodServiceAccount: string;
  /** Validating webhook name: istiod-<ns> (≤ 1.9) or istio-validator-<ns>. */
  readonly validatingWebhookPrefix: string;
  /** Default mesh config has `defaultConfig.proxyMetadata.DNS_AGENT: ""` (1.8) and a zipkin tracer (≤ 1.20 [≈]). */
  readonly meshDnsAgent: boolean;
  readonly meshZipkinTracer: boolean;
  /** Default mesh config lists defaultProviders.metrics [prometheus] (1.21+ [≈]). */
  readonly meshDefaultProviders: boolean;
  /** `version`: "no running Istio pods in ns" printed on stdout, client version alone (≤ 1.x) vs stderr message. */
  readonly versionNoControlPlane: "stdout-bare" | "stderr-not-present";
  /** `proxy-status` table: SYNCED columns (≤ 1.26 [≈]) or NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES. */
  readonly proxyStatusFormat: "synced-columns" | "subscribed-types";
  /** The error when proxy-status finds no istiod (`{ns}` = the Istio namespace). */
  readonly proxyStatusNoIstiod: string;

  // --- istioctl x workload ---
  /** apiVersion `workload group create` prints (v1alpha3 until 1.23, v1 from 1.24). */
  readonly workloadGroupApiVersion: string;
  /** Empty maps are printed (`annotations: {}`, `ports: {}`) until 1.23 (gogo jsonpb), left out from 1.24. */
  readonly workloadGroupKeepsEmptyMaps: boolean;
  /** `group create` has --network, --locality, -w/--weight (1.11+ [≈]). */
  readonly workloadGroupPlacementFlags: boolean;
  /** --clusterID default "Kubernetes" (≤ 1.11) or read from the istio-sidecar-injector ConfigMap (1.12+). */
  readonly clusterIdFromInjector: boolean;
  /** `entry configure` has --internalIP/--externalIP and writes ISTIO_SVC_IP (1.11.2+). */
  readonly entryIpFlags: boolean;
  /** The revision label in ISTIO_METAJSON_LABELS: service.istio.io/canonical-version (≤ 1.11) or canonical-revision. */
  readonly metaJsonRevisionLabel: string;
  /** cluster.env has ISTIO_LOCAL_EXCLUDE_PORTS (1.12+ [≈]). */
  readonly clusterEnvExcludePorts: boolean;
  /** mesh.yaml / POD_PORTS format: a JSON string inside a string (≤ 1.x gogo) or plain JSON sorted by name. */
  readonly podPortsQuoted: boolean;
  /** Messages of `entry configure`: 1.8 lower-case on stdout, later capitalized with the token warning on stderr. */
  readonly entryMessages: "1.8" | "current";
  /** Revision flag spelling on configure: `--revision` only (≤ 1.x) or `-r/--revision`. */
  readonly revisionShorthand: boolean;
  /** The go-yaml line width of istioctl's YAML (yaml.v2 2.3.0 did not wrap; 2.4+ wraps at 80). */
  readonly yamlWidth: number | undefined;
  /** End of support (install prints a warning from that month on). */
  readonly eol?: { readonly year: number; readonly month: number };
}

/** Months of end of support, by release line (from operator/version at each tag). */
const EOL: Readonly<Record<string, { year: number; month: number }>> = { "1.30": { year: 2027, month: 2 } };

/** The facts of one release the lab reproduces; throws for a version the lab does not lay out. */
export const releaseFacts = (text: string): ReleaseFacts => {
  const version = parseReleaseVersion(text);
  const build = ISTIO_RELEASE_BUILDS.find((b) => b.version === text);
  if (!version || !build) throw new Error(`the lab has no Istio ${text} release (known: ${ISTIO_RELEASE_BUILDS.map((b) => b.version).join(", ")})`);
  const atLeast = (v: string): boolean => {
    const o = parseReleaseVersion(v)!;
    return version.minor - o.minor > 0 || (version.minor === o.minor && version.patch >= o.patch);
  };
  const current = atLeast("1.21.0");
  const eol = EOL[`1.${version.minor}`];
  return Object.freeze({
    version,
    build,
    hub: "docker.io/istio",
    eastWestPortNames: atLeast("1.8.2") ? { tls: "tls", istiod: "tls-istiod", webhook: "tls-webhook" } : { tls: "mtls", istiod: "tcp-istiod", webhook: "tcp-webhook" },
    eastWestClusterMesh: atLeast("1.12.0") ? "ignored" : "required",
    eastWestRevision: atLeast("1.8.2"),
    eastWestRouterMode: !atLeast("1.12.0"),
    eastWestInjectionTemplate: atLeast("1.11.0"),
    eastWestAmbient: atLeast("1.28.0"),
    exposeIstiodMode: atLeast("1.8.2") ? "tls-passthrough" : "tcp",
    exposeIstiodNamespaced: !atLeast("1.10.0"),
    exposeIstiodApiVersion: atLeast("1.24.0") ? "networking.istio.io/v1" : "networking.istio.io/v1alpha3",
    sleepImage: atLeast("1.30.0") ? "docker.io/curlimages/curl:8.16.0" : atLeast("1.28.0") ? "curlimages/curl:8.16.0" : atLeast("1.9.0") ? "curlimages/curl" : "governmentpaas/curl-ssl",
    sleepDuration: atLeast("1.18.0") ? "infinity" : "3650d",
    sleepZeroGrace: atLeast("1.9.0"),
    uninstallCommand: Object.freeze(atLeast("1.15.0") ? ["uninstall"] : ["x", "uninstall"]),
    installPrompt: current ? "version-profile" : "components",
    installArt: current,
    progressIcons: current,
    waitTimeoutText: current ? "context deadline exceeded" : "timed out waiting for the condition",
    waitDebugInfo: current,
    installedState: !current,
    serverSideApply: current,
    istiodServiceAccount: atLeast("1.10.0") ? "istiod" : "istiod-service-account",
    validatingWebhookPrefix: atLeast("1.10.0") ? "istio-validator" : "istiod",
    meshDnsAgent: !atLeast("1.9.0"),
    meshZipkinTracer: !current,
    meshDefaultProviders: current,
    versionNoControlPlane: current ? "stderr-not-present" : "stdout-bare",
    proxyStatusFormat: atLeast("1.27.0") ? "subscribed-types" : "synced-columns",
    proxyStatusNoIstiod: current ? 'no running Istio pods in "{ns}"' : "unable to find any Istiod instances",
    workloadGroupApiVersion: atLeast("1.24.0") ? "networking.istio.io/v1" : "networking.istio.io/v1alpha3",
    workloadGroupKeepsEmptyMaps: !atLeast("1.24.0"),
    workloadGroupPlacementFlags: atLeast("1.11.0"),
    clusterIdFromInjector: atLeast("1.12.0"),
    entryIpFlags: atLeast("1.11.2"),
    metaJsonRevisionLabel: atLeast("1.12.0") ? "service.istio.io/canonical-revision" : "service.istio.io/canonical-version",
    clusterEnvExcludePorts: atLeast("1.12.0"),
    podPortsQuoted: !current,
    entryMessages: current ? "current" : "1.8",
    revisionShorthand: current,
    yamlWidth: atLeast("1.9.0") ? 80 : undefined,
    ...(eol ? { eol } : {}),
  });
};

/** Facts of every release the lab lays out. */
export const allReleaseFacts = (): ReleaseFacts[] => ISTIO_RELEASE_BUILDS.map((b) => releaseFacts(b.version));
