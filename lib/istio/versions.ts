// What changes between the course's Istio 1.8 and current releases, for the parts of the chapter that depend on it:
// one table, read from the Istio sources and release notes (see /work/shared/reference/istio-vm-facts.md).
import { InputError } from "../errors.js";
import { parseIstioVersion, type IstioVersion } from "../params/validate.js";

/** apiVersions of the Istio resources the runbook writes. */
export interface IstioApiVersions {
  workloadGroup: string;
  workloadEntry: string;
  serviceEntry: string;
  peerAuthentication: string;
}

/** The version-dependent behaviour of one Istio release. */
export interface IstioFeatures {
  version: IstioVersion;
  /** PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION is on by default (1.10+); the course (1.8) must set it. */
  autoregistrationDefault: boolean;
  /** PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS: does not exist in 1.8, off in 1.9, on from 1.10. */
  healthChecks: "absent" | "off" | "on";
  /** gen-eastwest-gateway.sh ignores --cluster and --mesh (1.12+): multi-network needs only --network. */
  eastWestClusterMeshFlagsIgnored: boolean;
  /** Name of the istiod port on the east-west gateway: tcp-istiod (1.8.0, 1.8.1), tls-istiod (1.8.2+). */
  eastWestIstiodPortName: "tcp-istiod" | "tls-istiod";
  /** expose-istiod.yaml names no namespace (1.10+): it must be applied with -n istio-system. */
  exposeIstiodNeedsNamespace: boolean;
  /** expose-istiod.yaml's Gateway: plain TCP (1.8.0, 1.8.1) or TLS passthrough with sniHosts "*" (1.8.2+). */
  exposeIstiodMode: "tcp" | "tls-passthrough";
  /** apiVersion `istioctl x workload group create` prints (v1alpha3 until 1.23, v1 from 1.24). */
  workloadGroupCreateApiVersion: string;
  /** The printed WorkloadGroup keeps empty maps (`annotations: {}`, `ports: {}`) — until 1.23. */
  workloadGroupCreateKeepsEmptyMaps: boolean;
  /** apiVersions the runbook's builders use: the course's for 1.8–1.21, v1 from 1.22 (when Istio's APIs reached v1). */
  apiVersions: IstioApiVersions;
  /** --clusterID default of `workload entry configure`: "Kubernetes" (≤ 1.11) or read from the cluster (1.12+). */
  clusterIdDefault: "Kubernetes" | "from-cluster";
  /** istioctl install saves the IstioOperator `installed-state` in istio-system (≤ 1.20). */
  installedState: boolean;
  /** `workload entry configure` has --internalIP/--externalIP (1.11.2+). */
  entryConfigureIpFlags: boolean;
  /** Words of the uninstall command: `x uninstall` (≤ 1.14) or `uninstall` (1.15+). */
  uninstallCommand: readonly string[];
  /** The VM sidecar's DNS capture redirects all udp/53 (1.8; loops with systemd-resolved; fixed in 1.9). */
  dnsCaptureAllUdp53: boolean;
  /** istio.service removes its iptables rules on stop (ExecStopPost, 1.10+). */
  sidecarCleansUpOnStop: boolean;
  /** istio-start.sh appends to /var/log/istio/istio.log (1.14+) instead of overwriting it at each start. */
  sidecarLogAppends: boolean;
  /** Shortest token Kubernetes issues (seconds): `--tokenDuration` below it is rejected. */
  minTokenSeconds: number;
}

/** Compares two versions: negative, zero or positive. */
export const compareVersions = (a: IstioVersion, b: IstioVersion): number => a.minor - b.minor || a.patch - b.patch;

/** Parses a version the runbook supports; InputError naming ISTIO_VERSION otherwise. */
export const istioVersion = (value: string | IstioVersion): IstioVersion => {
  if (typeof value !== "string") return value;
  const parsed = parseIstioVersion(value);
  if (!parsed) {
    throw new InputError(`ISTIO_VERSION "${value}" não é uma versão do Istio que o roteiro conhece`, "use uma versão 1.MENOR.PATCH entre 1.8.0 e 1.30.x (o curso usa 1.8.1)", "ISTIO_VERSION");
  }
  return parsed;
};

/** The feature table of one release. */
export const istioFeatures = (value: string | IstioVersion): IstioFeatures => {
  const version = istioVersion(value);
  const atLeast = (text: string) => compareVersions(version, parseIstioVersion(text)!) >= 0;
  const v1 = atLeast("1.22.0");
  return Object.freeze({
    version,
    autoregistrationDefault: atLeast("1.10.0"),
    healthChecks: atLeast("1.10.0") ? "on" : atLeast("1.9.0") ? "off" : "absent",
    eastWestClusterMeshFlagsIgnored: atLeast("1.12.0"),
    eastWestIstiodPortName: atLeast("1.8.2") ? "tls-istiod" : "tcp-istiod",
    exposeIstiodNeedsNamespace: atLeast("1.10.0"),
    exposeIstiodMode: atLeast("1.8.2") ? "tls-passthrough" : "tcp",
    workloadGroupCreateApiVersion: atLeast("1.24.0") ? "networking.istio.io/v1" : "networking.istio.io/v1alpha3",
    workloadGroupCreateKeepsEmptyMaps: !atLeast("1.24.0"),
    apiVersions: Object.freeze({
      workloadGroup: v1 ? "networking.istio.io/v1" : "networking.istio.io/v1alpha3",
      workloadEntry: v1 ? "networking.istio.io/v1" : "networking.istio.io/v1beta1",
      serviceEntry: v1 ? "networking.istio.io/v1" : "networking.istio.io/v1alpha3",
      peerAuthentication: v1 ? "security.istio.io/v1" : "security.istio.io/v1beta1",
    }),
    clusterIdDefault: atLeast("1.12.0") ? "from-cluster" : "Kubernetes",
    installedState: !atLeast("1.21.0"),
    entryConfigureIpFlags: atLeast("1.11.2"),
    uninstallCommand: Object.freeze(atLeast("1.15.0") ? ["uninstall"] : ["x", "uninstall"]),
    dnsCaptureAllUdp53: !atLeast("1.9.0"),
    sidecarCleansUpOnStop: atLeast("1.10.0"),
    sidecarLogAppends: atLeast("1.14.0"),
    minTokenSeconds: 600,
  });
};

/** The --set values that turn on VM auto-registration (and health checks where they exist but are off by default). */
export const vmInstallSettings = ({ features, healthChecks = true }: { features: IstioFeatures; healthChecks?: boolean }): Record<string, string> => ({
  "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "true",
  ...(healthChecks && features.healthChecks !== "absent" ? { "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS": "true" } : {}),
});
