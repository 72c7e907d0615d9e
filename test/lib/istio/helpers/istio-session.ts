// A session over a temp project holding a fake Istio release (istio-<version>/) and a kubeconfig; the project folder
// becomes RUNBOOK_HOME so displayed paths read like the course's (istio-1.8.1/samples/…). Tests using it run serially.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadParams } from "../../../../lib/params/load.js";
import { RunState } from "../../../../lib/params/state.js";
import { EventLog } from "../../../../lib/run/events.js";
import type { Executor } from "../../../../lib/run/executor.js";
import { Session, type SessionMode } from "../../../../lib/run/session.js";
import { tempProject } from "../../../helpers/params.js";
import { REAL_KUBECTL } from "../../kube/helpers/kube-session.js";
import { fakeRelease } from "./fake-release.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: kind-lab
  context:
    cluster: lab
    user: admin
users:
- name: admin
  user:
    token: not-a-secret
current-context: kind-lab
`;

/** A session for Istio version `version`, with its fake release. */
export const istioSession = ({
  version = "1.8.1",
  mode,
  executor,
  exposeNamespaced,
  lines = {},
  otherReleases = [],
}: { version?: string; mode?: SessionMode; executor?: Executor; exposeNamespaced?: boolean; lines?: Record<string, string>; otherReleases?: string[] } = {}) => {
  const { root, file } = tempProject({ ISTIO_VERSION: version, KUBECONFIG: "kubeconfig", KUBECTL: REAL_KUBECTL, ...lines });
  writeFileSync(path.join(root, "kubeconfig"), KUBECONFIG);
  const release = fakeRelease({ root, version, ...(exposeNamespaced !== undefined ? { exposeNamespaced } : {}) });
  for (const other of otherReleases) fakeRelease({ root, version: other });
  process.env["RUNBOOK_HOME"] = root;
  const events = new EventLog();
  const session = new Session({
    params: loadParams({ file, env: {}, root }),
    sink: events,
    state: new RunState(path.join(root, ".state", "state.json")),
    ...(mode ? { mode } : {}),
    ...(executor ? { executor } : {}),
  });
  return { session, events, root, release };
};

/** An executor that records what would run and answers success with `stdout`. */
export const recordingExecutor = (stdout = ""): Executor & { specs: Array<Parameters<Executor["execute"]>[0]> } => {
  const specs: Array<Parameters<Executor["execute"]>[0]> = [];
  return {
    specs,
    async execute(spec) {
      specs.push(spec);
      return { exitCode: 0, signal: null, stdout, stderr: "", durationMs: 0, timedOut: false };
    },
  };
};
