// @kubernetes/client-node 1.4 against the API server stand-in, unchanged, through the kubeconfig the lab writes.
import { PassThrough } from "node:stream";
import test from "ava";
import * as k8s from "@kubernetes/client-node";
import { localExecComponent } from "./helpers/local-exec.js";
import { startTestCluster, type TestCluster } from "./helpers/test-cluster.js";

let lab: TestCluster;
let kc: k8s.KubeConfig;

test.before(async () => {
  lab = await startTestCluster({ components: [localExecComponent(["main"])] });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(lab.cluster.kubeconfigFile);
});

test.after.always(async () => {
  await lab?.stop();
});

test.serial("lists namespaces with the typed client", async (t) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespace();
  t.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ["default", "kube-node-lease", "kube-public", "kube-system"]);
});

test.serial("watches config maps: ADDED then MODIFIED then DELETED", async (t) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const watch = new k8s.Watch(kc);
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    void watch
      .watch("/api/v1/namespaces/default/configmaps", { fieldSelector: "metadata.name=watched" }, (type, obj: k8s.V1ConfigMap) => {
        seen.push(`${type}:${obj.data?.["k"] ?? ""}`);
        if (type === "DELETED") resolve();
      }, () => resolve())
      .then(async (req) => {
        await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "watched" }, data: { k: "1" } } });
        await core.patchNamespacedConfigMap({ namespace: "default", name: "watched", body: { data: { k: "2" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
        await core.deleteNamespacedConfigMap({ namespace: "default", name: "watched" });
        await done;
        req.abort();
      });
  });
  await done;
  t.deepEqual(seen, ["ADDED:1", "MODIFIED:2", "DELETED:2"]);
});

test.serial("server-side apply through KubernetesObjectApi creates (201) then merges", async (t) => {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const spec = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", namespace: "default" }, data: { a: "1" } };
  await client.patch(spec, undefined, undefined, "notebook", true, k8s.PatchStrategy.ServerSideApply);
  const updated = await client.patch({ ...spec, data: { a: "1", b: "2" } }, undefined, undefined, "notebook", true, k8s.PatchStrategy.ServerSideApply);
  t.deepEqual((updated as k8s.V1ConfigMap).data, { a: "1", b: "2" });
  t.true((((updated as k8s.V1ConfigMap).metadata?.managedFields ?? []) as k8s.V1ManagedFieldsEntry[]).some((m) => m.manager === "notebook" && m.operation === "Apply"));
});

test.serial("exec streams stdout and reports the exit status", async (t) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pod = await core.createNamespacedPod({ namespace: "default", body: { metadata: { name: "box" }, spec: { containers: [{ name: "main", image: "busybox" }] } } });
  await core.replaceNamespacedPodStatus({ namespace: "default", name: "box", body: { ...pod, status: { phase: "Running", podIP: "198.18.65.7" } } });
  const exec = new k8s.Exec(kc);
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    exec.exec("default", "box", "main", ["sh", "-c", "echo hi; exit 4"], stdout, null, null, false, (s) => resolve(s)).catch(reject);
  });
  t.is(out, "hi\n");
  t.is(status.status, "Failure");
  t.is(status.details?.causes?.[0]?.reason, "ExitCode");
  t.is(status.details?.causes?.[0]?.message, "4");
});

test.serial("a TokenRequest gives a JWT that TokenReview accepts for its audience only", async (t) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "robot" } } });
  const tr = await core.createNamespacedServiceAccountToken({ namespace: "default", name: "robot", body: { spec: { audiences: ["istio-ca"], expirationSeconds: 3600 } } });
  const token = tr.status!.token;
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, any>;
  t.is(claims["sub"], "system:serviceaccount:default:robot");
  t.deepEqual(claims["aud"], ["istio-ca"]);
  t.is(claims["exp"] - claims["iat"], 3600);
  const auth = kc.makeApiClient(k8s.AuthenticationV1Api);
  const ok = await auth.createTokenReview({ body: { spec: { token, audiences: ["istio-ca"] } } });
  t.true(ok.status?.authenticated);
  t.is(ok.status?.user?.username, "system:serviceaccount:default:robot");
  const wrongAudience = await auth.createTokenReview({ body: { spec: { token, audiences: ["other"] } } });
  t.falsy(wrongAudience.status?.authenticated);
  t.regex(wrongAudience.status?.error ?? "", /audiences/);
  const short = await t.throwsAsync(core.createNamespacedServiceAccountToken({ namespace: "default", name: "robot", body: { spec: { audiences: [], expirationSeconds: 300 } } }));
  t.regex(String(short?.message), /may not specify a duration less than 10 minutes/);
});
