// Public surface of the runbook's helper library: what notebook cells import (as `../lib`).
export { InputError } from "./errors.js";
export { projectRoot } from "./project.js";
export { runbook, resetRunbookSession, Runbook, type RunbookOptions } from "./runbook.js";

export { Masker, looksSecret, TOKEN_MASK, PRIVATE_KEY_MASK, SECRET_MASK } from "./redact/masker.js";
export { LineMasker } from "./redact/line-masker.js";

export { loadParams, defaultParamsFile, ParamsError, type LoadedParams, type LoadParamsOptions, type ParamSource } from "./params/load.js";
export { PARAM_SPECS, paramSpec, type RunbookParams, type ParamName, type ParamSpec } from "./params/schema.js";
export { RunState, stateFile } from "./params/state.js";
export { parseEnvFile, formatEnvFile } from "./params/env-file.js";
export * as validate from "./params/validate.js";

export { Session, type RunOptions, type SessionMode, type SessionOptions } from "./run/session.js";
export { CommandResult, type CommandResultFields } from "./run/result.js";
export { localExecutor, type Executor, type ProcessSpec, type ProcessOutcome } from "./run/executor.js";
export { quote, quoteArgv } from "./run/quote.js";
export * from "./run/events.js";

export * from "./display/render.js";
export { escapeHtml, stripAnsi, formatDuration } from "./display/text.js";
export { NotebookSink, inTslabKernel } from "./display/notebook.js";
export { ConsoleSink } from "./display/console.js";

// The VM over SSH (lib/vm): `new Vm({ session })`; the rest is in lib/vm/index.ts.
export { Vm, VmShell, VmError, classifyVmFailure, explainVmFailure, inspectPrivateKey, type VmOptions, type SshCommand, type VmFailure, type VmFailureKind } from "./vm/index.js";

// The cluster (lib/kube): `new Kubectl({ session })` (kubectl as a process) and `new KubeClient({ session })` (API reads,
// watches, waits, server-side apply, exec); everything else under the `kube` namespace.
export { Kubectl, KubeClient, KubeApiError, WatchTimeoutError, diagnoseKubeFailure, type KubeObject, type KubeTarget } from "./kube/index.js";
export * as kube from "./kube/index.js";

// Istio (lib/istio): `new Istioctl({ session })`, the version table and the typed resources; the rest under `istio`.
export { Istioctl, istioFeatures, courseResources, type IstioFeatures, type CourseResources } from "./istio/index.js";
export * as istio from "./istio/index.js";

// Checks, diagnoses and parsers (lib/check, lib/diagnose, lib/parse): `check(session, {…})` or `new Checks({ session })`,
// matchers as data (`match.like(…)`), `diagnose({…})`; everything else under `checks`, `diagnoses` and `parse`.
export { check, watchCheck, Checks, CheckFailure, match, type Matcher, type Expectation, type Verdict, type CheckOptions, type CheckResult, type RetryPolicy, type WatchCheckOptions } from "./check/index.js";
export * as checks from "./check/index.js";
export { diagnose, contextFromParams, type DiagnoseContext, type DiagnoseInput } from "./diagnose/index.js";
export * as diagnoses from "./diagnose/index.js";
export * as parse from "./parse/index.js";
