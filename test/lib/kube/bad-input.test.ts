// The bad inputs lib/kube refuses: each is an InputError in Portuguese (cause + "Como corrigir"), raised before any
// process runs, any request is sent or any event is recorded.
import test from "ava";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { Kubectl } from "../../../lib/kube/kubectl.js";
import type { Executor, ProcessSpec } from "../../../lib/run/executor.js";
import type { Session } from "../../../lib/run/session.js";
import { testSession } from "../../helpers/params.js";
import { MiniApi } from "./helpers/mini-api.js";
import { REAL_KUBECTL } from "./helpers/kube-session.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "kube-bad-"));
const write = (name: string, text: string, mode = 0o600) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
};
const good = write("good", JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:1" } }], contexts: [{ name: "lab", context: { cluster: "c", user: "u" } }], users: [{ name: "u", user: { token: "x" } }], "current-context": "lab" }));
const noCurrent = write("no-current", JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:1" } }], contexts: [{ name: "lab", context: { cluster: "c", user: "u" } }] }));
const ghostCluster = write("ghost", JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [], contexts: [{ name: "lab", context: { cluster: "nowhere", user: "u" } }], "current-context": "lab" }));
const broken = write("broken", "clusters: [\n  - : :\n");
const notExecutable = write("kubectl-not-executable", "#!/bin/sh\n", 0o644);

/** A session whose executor records what would run. */
const make = (lines: Record<string, string> = {}): { session: Session; specs: ProcessSpec[]; events: ReturnType<typeof testSession>["events"] } => {
  const specs: ProcessSpec[] = [];
  const executor: Executor = {
    async execute(spec) {
      specs.push(spec);
      return { exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: 0, timedOut: false };
    },
  };
  const { session, events } = testSession({ lines: { KUBECONFIG: good, KUBECTL: REAL_KUBECTL, ...lines }, executor });
  return { session, specs, events };
};

interface Case {
  name: string;
  lines?: Record<string, string>;
  run: (x: { kubectl: Kubectl; client: KubeClient }) => Promise<unknown>;
}

const CASES: Case[] = [
  { name: "KUBECONFIG lists only files that do not exist", lines: { KUBECONFIG: `${dir}/nope:${dir}/nada` }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "KUBECONFIG is not YAML", lines: { KUBECONFIG: broken }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "KUBE_CONTEXT names a context that does not exist", lines: { KUBE_CONTEXT: "kind-istio" }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "no current-context and no KUBE_CONTEXT", lines: { KUBECONFIG: noCurrent }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "the context's cluster is not defined", lines: { KUBECONFIG: ghostCluster }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "KUBECTL does not exist", lines: { KUBECTL: "/opt/none/kubectl" }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "KUBECTL is not on PATH", lines: { KUBECTL: "kubectl-that-is-not-installed" }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "KUBECTL is not executable", lines: { KUBECTL: notExecutable }, run: ({ kubectl }) => kubectl.get({ resource: "pods" }) },
  { name: "namespace with capitals and underscore", run: ({ kubectl }) => kubectl.createNamespace({ name: "Legacy_NS" }) },
  { name: "namespace longer than 63 characters", run: ({ kubectl }) => kubectl.get({ resource: "svc", namespace: "a".repeat(64) }) },
  { name: "service account with a space", run: ({ kubectl }) => kubectl.createServiceAccount({ name: "legacy pegasus", namespace: "legacy" }) },
  { name: "object name with capitals", run: ({ kubectl }) => kubectl.get({ resource: "svc", name: "Payment" }) },
  { name: "resource type with shell characters", run: ({ kubectl }) => kubectl.get({ resource: "svc;rm -rf /" }) },
  { name: "namespace and -A together", run: ({ kubectl }) => kubectl.get({ resource: "pods", namespace: "legacy", allNamespaces: true }) },
  { name: "jsonpath without braces", run: ({ kubectl }) => kubectl.jsonpath({ resource: "svc", name: "x", path: ".status" }) },
  { name: "apply with neither file nor manifest", run: ({ kubectl }) => kubectl.apply({}) },
  { name: "apply with both file and manifest", run: ({ kubectl }) => kubectl.apply({ file: good, manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } } }) },
  { name: "apply of a file that does not exist", run: ({ kubectl }) => kubectl.apply({ file: "istio-1.8.1/samples/multicluster/expose-istiod.yaml" }) },
  { name: "apply of an empty manifest", run: ({ kubectl }) => kubectl.apply({ manifest: "" }) },
  { name: "delete of a type without a name", run: ({ kubectl }) => kubectl.delete({ resource: "ns" }) },
  { name: "delete with nothing to delete", run: ({ kubectl }) => kubectl.delete({}) },
  { name: "exec without a command", run: ({ kubectl }) => kubectl.exec({ target: "svc/payment", command: [] }) },
  { name: "exec into a malformed target", run: ({ kubectl }) => kubectl.exec({ target: "svc/", command: ["true"] }) },
  { name: "exec into a container with an invalid name", run: ({ kubectl }) => kubectl.exec({ target: "svc/payment", container: "Payment!", command: ["true"] }) },
  { name: "wait for something kubectl wait does not know", run: ({ kubectl }) => kubectl.wait({ for: "ready", object: "deployment/istiod" }) },
  { name: "wait on an object without TYPE/", run: ({ kubectl }) => kubectl.wait({ for: "condition=Available", object: "istiod" }) },
  { name: "API wait with an invalid condition name", run: ({ client }) => client.waitForCondition({ object: "deployment/istiod", condition: "Available=True; x" }) },
  { name: "API wait with a negative timeout", run: ({ client }) => client.waitForCondition({ object: "deployment/istiod", condition: "Available", timeoutMs: -1 }) },
  { name: "server-side apply of an object without kind", run: ({ client }) => client.apply({ manifest: { apiVersion: "v1", metadata: { name: "x" } } }) },
  { name: "server-side apply of an object without a name", run: ({ client }) => client.apply({ manifest: { apiVersion: "v1", kind: "Namespace", metadata: {} } }) },
  { name: "server-side apply of invalid YAML", run: ({ client }) => client.apply({ manifest: "kind: [" }) },
  { name: "server-side apply with a field manager containing spaces", run: ({ client }) => client.apply({ manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }, fieldManager: "my manager" }) },
  { name: "API read with an invalid namespace", run: ({ client }) => client.list({ resource: "pods", namespace: "-legacy" }) },
  { name: "API exec into an unsupported type", run: ({ client }) => client.exec({ target: "secret/token", command: ["cat"] }) },
];

for (const c of CASES) {
  test(`refuses: ${c.name}`, async (t) => {
    const { session, specs, events } = make(c.lines);
    const error = await t.throwsAsync(c.run({ kubectl: new Kubectl({ session }), client: new KubeClient({ session }) }), { instanceOf: InputError });
    t.regex(error!.message, /\nComo corrigir: ./, "names the fix");
    t.true(/[ãçéêíóõú]|não|use|passe|defina|corrija/.test(error!.message), "Portuguese");
    t.is(specs.length, 0, "nothing ran");
    t.is(events.events.length, 0, "nothing was recorded");
  });
}

test("refuses a type the cluster does not serve (discovery), before sending anything else", async (t) => {
  const api = await new MiniApi().start();
  try {
    const kubeconfig = write("mini", api.kubeconfig());
    const { session } = make({ KUBECONFIG: kubeconfig });
    const error = await t.throwsAsync(new KubeClient({ session }).list({ resource: "virtualservices.networking.istio.io" }), { instanceOf: InputError });
    t.regex(error!.message, /istioctl install/);
    t.false(api.actions.some((a) => a.includes("virtualservices")));
  } finally {
    await api.stop();
  }
});

test("the corpus is large enough for the integrator's list", (t) => {
  t.true(CASES.length + 1 >= 25);
});
