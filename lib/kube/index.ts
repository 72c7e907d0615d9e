// lib/kube: kubectl as a process and the Kubernetes API through client-node (reads, watches, waits, server-side
// apply, exec), with typed accessors for the objects the chapter reads.
export { Kubectl, displayPath, isAlreadyExists, isNotFound, type KubectlCallOptions, type KubectlRunOptions, type KubectlGetOptions, type KubectlApplyOptions, type KubectlDeleteOptions, type KubectlExecOptions, type KubectlWaitOptions } from "./kubectl.js";
export { KubeClient, refName, unreachableProblem, type KubeObject, type ReadOptions, type GetOptions, type ListOptions, type Reachability } from "./client.js";
export { loadKubeTarget, kubeTarget, sessionContext, type KubeTarget, type LoadKubeTargetOptions } from "./kubeconfig.js";
export { KubeApiError, apiErrorFromStatus } from "./api-error.js";
export { restRequest, requestUrl, type RestRequest } from "./rest.js";
export { Discovery, type ResourceRef } from "./discovery.js";
export { KNOWN_TYPES, knownType, knownTypeOfKind, apiVersionOf, collectionPath, objectPath, parseObjectRef, type ResourceType, type ResolvedType, type ObjectRef } from "./resources.js";
export { watchUntil, WatchTimeoutError, WatchAbortedError, type WatchUntilOptions, type WatchOutcome, type WatchedObject } from "./watch.js";
export { waitForCondition, waitForDeletion, waitForObjects, type WaitForConditionOptions, type WaitForDeletionOptions, type WaitForObjectsOptions } from "./wait.js";
export { serverSideApply, FIELD_MANAGER, type ServerSideApplyOptions } from "./apply.js";
export { execInPod, exitCodeOf, type ExecInPodOptions } from "./exec.js";
export { recordOperation, type OperationOutcome, type RecordOperationOptions } from "./record.js";
export { toYaml, parseYaml, plain, describeObjects, type Manifest } from "./manifest.js";
export { writeManifestFile, type WriteManifestFileOptions } from "./manifest-file.js";
export { validateName, validateNamespace, validateLabels, validatePort } from "./names.js";
export { findProgram, requireProgram } from "./tools.js";
export { diagnoseKubeFailure, KUBE_FAILURE_IDS } from "./failures.js";
export * from "./objects.js";

import type { Session } from "../run/session.js";
import { KubeClient } from "./client.js";
import { Kubectl } from "./kubectl.js";

/** kubectl for a session (same as `new Kubectl({ session })`). */
export const kubectl = (session: Session): Kubectl => new Kubectl({ session });

/** The API client for a session (same as `new KubeClient({ session })`). */
export const kubeClient = (session: Session): KubeClient => new KubeClient({ session });
