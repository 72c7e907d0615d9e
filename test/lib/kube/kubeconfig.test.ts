import test from "ava";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { kubeTarget, loadKubeTarget, sessionContext } from "../../../lib/kube/kubeconfig.js";
import { testSession } from "../../helpers/params.js";

const dir = () => mkdtempSync(path.join(os.tmpdir(), "kubeconfig-test-"));

const config = ({ clusters, contexts, current, users = [] }: { clusters: Array<[string, string, Record<string, unknown>?]>; contexts: Array<[string, string, string?, string?]>; current?: string; users?: Array<[string, Record<string, unknown>]> }): string =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: clusters.map(([name, server, extra]) => ({ name, cluster: { server, "insecure-skip-tls-verify": true, ...extra } })),
    users: users.map(([name, user]) => ({ name, user })),
    contexts: contexts.map(([name, cluster, user, namespace]) => ({ name, context: { cluster, user: user ?? "u", ...(namespace ? { namespace } : {}) } })),
    ...(current ? { "current-context": current } : {}),
  });

test("merges a KUBECONFIG list like kubectl: the first file that defines a name or current-context wins", (t) => {
  const d = dir();
  const a = path.join(d, "a");
  const b = path.join(d, "b");
  writeFileSync(a, config({ clusters: [["c1", "https://first:6443"]], contexts: [["dev", "c1"]], current: "dev" }));
  writeFileSync(b, config({ clusters: [["c1", "https://second:6443"], ["c2", "https://other:6443"]], contexts: [["dev", "c2"], ["prod", "c2", "u", "legacy"]], current: "prod" }));
  const target = loadKubeTarget({ kubeconfig: `${a}:${b}` });
  t.is(target.context, "dev");
  t.is(target.cluster.server, "https://first:6443");
  t.deepEqual(target.files, [a, b]);
  t.is(target.namespace, "default");

  const prod = loadKubeTarget({ kubeconfig: `${a}:${b}`, context: "prod" });
  t.is(prod.cluster.server, "https://other:6443");
  t.is(prod.namespace, "legacy");
  t.is(prod.kubeConfig.getCurrentContext(), "prod");
});

test("skips listed files that do not exist, like kubectl", (t) => {
  const d = dir();
  const real = path.join(d, "real");
  writeFileSync(real, config({ clusters: [["c", "https://x:6443"]], contexts: [["ctx", "c"]], current: "ctx" }));
  const target = loadKubeTarget({ kubeconfig: `${path.join(d, "missing")}:${real}` });
  t.is(target.context, "ctx");
  t.deepEqual(target.files, [real]);
});

test("resolves certificate paths relative to the kubeconfig that names them", (t) => {
  const d = dir();
  mkdirSync(path.join(d, "certs"));
  writeFileSync(path.join(d, "certs", "ca.pem"), "ca");
  const file = path.join(d, "config");
  writeFileSync(file, config({ clusters: [["c", "https://x:6443", { "certificate-authority": "certs/ca.pem", "insecure-skip-tls-verify": false }]], contexts: [["ctx", "c"]], current: "ctx" }));
  const target = loadKubeTarget({ kubeconfig: file });
  t.is(target.cluster.caFile, path.join(d, "certs", "ca.pem"));
});

test("refuses an unknown context and lists the ones that exist", (t) => {
  const d = dir();
  const file = path.join(d, "config");
  writeFileSync(file, config({ clusters: [["c", "https://x:6443"]], contexts: [["kind-a", "c"], ["kind-b", "c"]], current: "kind-a" }));
  const error = t.throws(() => loadKubeTarget({ kubeconfig: file, context: "kind-c" }), { instanceOf: InputError }) as InputError;
  t.regex(error.problem, /o contexto "kind-c" não existe/);
  t.regex(error.fix, /kind-a, kind-b/);
  t.is(error.subject, "KUBE_CONTEXT");
});

test("refuses a config without current-context when KUBE_CONTEXT is empty", (t) => {
  const file = path.join(dir(), "config");
  writeFileSync(file, config({ clusters: [["c", "https://x:6443"]], contexts: [["only", "c"]] }));
  const error = t.throws(() => loadKubeTarget({ kubeconfig: file }), { instanceOf: InputError }) as InputError;
  t.regex(error.problem, /current-context/);
  t.regex(error.fix, /only/);
});

test("refuses a context whose cluster is not defined", (t) => {
  const file = path.join(dir(), "config");
  writeFileSync(file, config({ clusters: [["c", "https://x:6443"]], contexts: [["ctx", "ghost"]], current: "ctx" }));
  const error = t.throws(() => loadKubeTarget({ kubeconfig: file }), { instanceOf: InputError }) as InputError;
  t.regex(error.problem, /cluster "ghost"/);
});

test("says which files were looked for when none exists", (t) => {
  const d = dir();
  const error = t.throws(() => loadKubeTarget({ kubeconfig: `${path.join(d, "a")}:${path.join(d, "b")}` }), { instanceOf: InputError }) as InputError;
  t.regex(error.problem, /nenhum arquivo de KUBECONFIG existe/);
  t.regex(error.problem, /\/a, .*\/b/);
  t.regex(error.fix, /lab -- up/);
});

test("reports a kubeconfig that is not YAML, naming the file", (t) => {
  const file = path.join(dir(), "config");
  writeFileSync(file, "clusters: [\n  - oops: : :\n");
  const error = t.throws(() => loadKubeTarget({ kubeconfig: file }), { instanceOf: InputError }) as InputError;
  t.true(error.problem.includes(file));
});

test("a session loads its target once and uses KUBE_CONTEXT", (t) => {
  const d = dir();
  const file = path.join(d, "config");
  writeFileSync(file, config({ clusters: [["c", "https://x:6443"]], contexts: [["a", "c"], ["b", "c", "u", "istio-system"]], current: "a" }));
  const { session } = testSession({ lines: { KUBECONFIG: file, KUBE_CONTEXT: "b" } });
  const first = kubeTarget(session);
  t.is(first.context, "b");
  t.is(first.namespace, "istio-system");
  t.is(kubeTarget(session), first);
});

test("planning without a kubeconfig falls back to KUBE_CONTEXT instead of failing", (t) => {
  const missing = path.join(dir(), "nope");
  const { session: plan } = testSession({ lines: { KUBECONFIG: missing, KUBE_CONTEXT: "kind-istio" }, mode: "plan" });
  t.is(sessionContext(plan), "kind-istio");
  const { session: run } = testSession({ lines: { KUBECONFIG: missing } });
  t.throws(() => sessionContext(run), { instanceOf: InputError });
});
