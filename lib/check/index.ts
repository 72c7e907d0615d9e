// Checks: the istio.io doc-test matchers, structured checks over parsed data, retry/watch, ✔/✘ events.
export { check, type CheckOptions, type CheckResult, type DiagnoseSetting } from "./check.js";
export { watchCheck, subscribeIterable, subscribeFromWait, type Subscribe, type WatchCheckOptions } from "./watch.js";
export { Checks } from "./checks.js";
export { CheckFailure } from "./failure.js";
export { match, isMatcher, describeMatcher, type Matcher, type MatcherKind } from "./matchers.js";
export { applyMatcher, type MatchInput, type MatchOutcome } from "./compare.js";
export { compareLike, fieldIsLike } from "./like.js";
export { normalizeText } from "./normalize.js";
export { toExpectation, matcherExpectation, predicateExpectation, receivedText, type Expectation, type ExpectInput, type Predicate, type Verdict } from "./expectation.js";
export { normalizeRetry, retryUntil, realTime, type RetryPolicy, type NormalizedRetry, type RetryOutcome, type RetryTime, type AttemptInfo } from "./retry.js";
export { clipText } from "./clip.js";
export { workloadEntryExists, serviceHasExternalIp, servicePorts, externalAddressOf, type ExpectedPort } from "./expect/kube.js";
export { sidecarLogHealthy, xdsMarkers, TOLERATED_ERRORS } from "./expect/sidecar-log.js";
export { httpAnswer, subsetProblem, type HttpAnswerOptions, type HttpReceived } from "./expect/http.js";
export { pingSucceeded } from "./expect/ping.js";
export { filesPresent, VM_FILES } from "./expect/files.js";
export { tokenValid, type TokenReceived } from "./expect/token.js";
export type { KubeReceived } from "./expect/received.js";
