// lib/istio: istioctl as a process (install, east-west gateway, expose istiod, workload group/entry, version,
// uninstall, proxy-status), the release folder, the 1.8-vs-current feature table, and typed, validated resources.
export { Istioctl, parseVersionOutput, parseTable, type IstioctlCallOptions, type IstioInstallOptions, type EastWestGatewayOptions, type WorkloadGroupCreateOptions, type WorkloadGroupCreated, type WorkloadEntryConfigureOptions, type WorkloadEntryConfigured, type IstioVersions, type ProxyStatusRow } from "./istioctl.js";
export { istioFeatures, istioVersion, compareVersions, vmInstallSettings, type IstioFeatures, type IstioApiVersions } from "./versions.js";
export { IstioRelease, RELEASE_FILES, sidecarPackageUrl, type SidecarPackageFormat } from "./release.js";
export { outboundTrafficPolicyMode, type OutboundTrafficPolicy } from "./mesh-config.js";
export { inspectWorkloadFiles, WORKLOAD_FILES, type WorkloadFiles, type WorkloadFileName } from "./workload-files.js";
export { workloadGroup, type WorkloadGroupOptions, type WorkloadGroupResource } from "./resources/workload-group.js";
export { workloadEntry, type WorkloadEntryOptions, type WorkloadEntryResource } from "./resources/workload-entry.js";
export { vmService, type VmServiceOptions, type VmServicePort, type ServiceResource } from "./resources/service.js";
export { peerAuthentication, type PeerAuthenticationOptions, type PeerAuthenticationResource, type MtlsMode } from "./resources/peer-authentication.js";
export { serviceEntry, type ServiceEntryOptions, type ServiceEntryPort, type ServiceEntryResource } from "./resources/service-entry.js";
export { vmClusterOperator, type VmClusterOperatorOptions, type IstioOperatorResource } from "./resources/istio-operator.js";
export { courseResources, VM_APP_PORT, type CourseResources } from "./resources/course.js";
export { validateModel, describeSchemaError, validateAddress, validateHost, validatePortName, normalizeProtocol, ISTIO_PROTOCOLS } from "./resources/validate.js";
export { featuresOf, type Resource, type ForVersion } from "./resources/resource.js";

import type { Session } from "../run/session.js";
import { Istioctl } from "./istioctl.js";

/** istioctl for a session (same as `new Istioctl({ session })`). */
export const istioctl = (session: Session): Istioctl => new Istioctl({ session });
