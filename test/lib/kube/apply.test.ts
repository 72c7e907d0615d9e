import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { KubeClient } from "../../../lib/kube/client.js";
import { CommandResult } from "../../../lib/run/result.js";
import { MiniApi } from "./helpers/mini-api.js";
import { kubeSession } from "./helpers/kube-session.js";

const setup = async () => {
  const api = await new MiniApi().start();
  const { session, events } = kubeSession({ api });
  return { api, client: new KubeClient({ session }), events };
};

const workloadGroup = {
  apiVersion: "networking.istio.io/v1",
  kind: "WorkloadGroup",
  metadata: { name: "pegasus-pay", namespace: "legacy" },
  spec: { metadata: { labels: { app: "pegasus-pay" } }, template: { serviceAccount: "legacy-pegasus" } },
};

test("applies objects server-side with the runbook's field manager and records kubectl apply --server-side", async (t) => {
  const { api, client, events } = await setup();
  try {
    const result = await client.apply({ manifest: [workloadGroup, { apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy" } }] });
    t.is(result.stdout, "workloadgroups.networking.istio.io/pegasus-pay serverside-applied\nnamespaces/legacy serverside-applied\n");
    t.true(api.actions.includes("PATCH /apis/networking.istio.io/v1/namespaces/legacy/workloadgroups/pegasus-pay?fieldManager=istio-em-vms&force=false"));
    t.true(api.actions.includes("PATCH /api/v1/namespaces/legacy?fieldManager=istio-em-vms&force=false"));
    t.like(api.object({ apiVersion: "networking.istio.io/v1", kind: "WorkloadGroup", name: "pegasus-pay", namespace: "legacy" }), { spec: workloadGroup.spec });
    const display = events.ofKind("command")[0]!.display;
    t.true(display.startsWith("cat <<EOF | kubectl apply --server-side --field-manager=istio-em-vms -f -\napiVersion: networking.istio.io/v1\nkind: WorkloadGroup\n"));
    t.true(display.includes("\n---\napiVersion: v1\nkind: Namespace\n"));
    t.true(display.endsWith("\nEOF"));
  } finally {
    await api.stop();
  }
});

test("accepts YAML text and puts namespaced objects without a namespace in the one given", async (t) => {
  const { api, client } = await setup();
  try {
    await client.apply({ manifest: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: disable-mtls-legacy\nspec:\n  mtls:\n    mode: DISABLE\n", namespace: "legacy" });
    t.truthy(api.object({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", name: "disable-mtls-legacy", namespace: "legacy" }));
  } finally {
    await api.stop();
  }
});

test("a field conflict fails with a Portuguese hint, and force takes the fields over", async (t) => {
  const { api, client } = await setup();
  try {
    api.put({ ...workloadGroup, metadata: { ...workloadGroup.metadata, annotations: { conflict: "true" } } });
    const error = (await t.throwsAsync(client.apply({ manifest: workloadGroup }), { instanceOf: CommandResult })) as CommandResult;
    t.regex(error.stderr, /Error from server \(Conflict\): workloadgroups.networking.istio.io\/pegasus-pay: Apply failed/);
    t.regex(error.stderr, /force: true/);
    const forced = await client.apply({ manifest: workloadGroup, force: true });
    t.true(forced.ok);
    t.true(api.actions.some((a) => a.includes("force=true")));
  } finally {
    await api.stop();
  }
});

test("checks every object and resolves every type before sending any", async (t) => {
  const { api, client, events } = await setup();
  try {
    await t.throwsAsync(client.apply({ manifest: [workloadGroup, { apiVersion: "networking.istio.io/v1", kind: "Sidecar", metadata: { name: "x", namespace: "legacy" } }] }), { instanceOf: InputError });
    await t.throwsAsync(client.apply({ manifest: [workloadGroup, { apiVersion: "v1", kind: "Service", metadata: { name: "Pegasus_Pay" } }] }), { instanceOf: InputError, message: /não é um nome válido/ });
    await t.throwsAsync(client.apply({ manifest: [{ kind: "Service", metadata: { name: "x" } }] }), { instanceOf: InputError, message: /apiVersion e kind/ });
    await t.throwsAsync(client.apply({ manifest: "a: [" }), { instanceOf: InputError, message: /não é YAML válido/ });
    await t.throwsAsync(client.apply({ manifest: [] }), { instanceOf: InputError, message: /vazio/ });
    await t.throwsAsync(client.apply({ manifest: workloadGroup, fieldManager: "bad manager" }), { instanceOf: InputError });
    t.false(api.actions.some((a) => a.startsWith("PATCH")));
    t.is(events.ofKind("command").length, 0);
  } finally {
    await api.stop();
  }
});

test("a server-side dry run sends dryRun=All and changes nothing", async (t) => {
  const { api, client, events } = await setup();
  try {
    const result = await client.apply({ manifest: workloadGroup, dryRun: true });
    t.regex(result.stdout, /serverside-applied \(server dry run\)/);
    t.true(api.actions.some((a) => a.includes("dryRun=All")));
    t.regex(events.ofKind("command")[0]!.display, /--dry-run=server/);
  } finally {
    await api.stop();
  }
});
