import test from "ava";
import { readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { Istioctl, parseTable, parseVersionOutput } from "../../../lib/istio/istioctl.js";
import { vmClusterOperator } from "../../../lib/istio/resources/istio-operator.js";
import { TOKEN_MASK } from "../../../lib/redact/masker.js";
import { CommandResult } from "../../../lib/run/result.js";
import { FAKE_TOKEN } from "./helpers/fake-release.js";
import { istioSession, recordingExecutor } from "./helpers/istio-session.js";

// Each test points RUNBOOK_HOME at its own project folder: run them one at a time.

test.serial("install --set … --skip-confirmation: the course's command, with --context and KUBECONFIG for the real run", async (t) => {
  const { session, events, release, root } = istioSession();
  await new Istioctl({ session }).install({ set: { "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "true" } });
  t.is(events.ofKind("command")[0]!.display, "istioctl install --set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true --skip-confirmation");
  const call = release.call(0);
  t.deepEqual(call.argv, ["install", "--context", "kind-lab", "--set", "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "--skip-confirmation"]);
  t.is(call.kubeconfig, path.join(root, "kubeconfig"));
});

test.serial("install -f vm-cluster.yaml --set …: files first (shown relative to the project), then the settings", async (t) => {
  const { session, events, release, root } = istioSession({ version: "1.30.0" });
  writeFileSync(path.join(root, "vm-cluster.yaml"), "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n");
  await new Istioctl({ session }).install({ files: ["vm-cluster.yaml"], set: { "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS": "true" } });
  t.is(events.ofKind("command")[0]!.display, "istioctl install -f vm-cluster.yaml --set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS=true --skip-confirmation");
  t.deepEqual(release.call(0).argv.slice(3, 5), ["-f", path.join(root, "vm-cluster.yaml")]);
});

test.serial("install with an IstioOperator on stdin is shown as a heredoc and istioctl reads it from -f -", async (t) => {
  const { session, events, release } = istioSession({ version: "1.30.0" });
  const operator = vmClusterOperator({ version: "1.30.0", meshID: "mesh1", clusterName: "cluster1" });
  await new Istioctl({ session }).install({ manifest: operator });
  const display = events.ofKind("command")[0]!.display;
  t.true(display.startsWith("cat <<EOF | istioctl install -f - --skip-confirmation\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"));
  t.regex(release.call(0).stdin!, /meshID: mesh1/);
});

test.serial("install refuses bad --set keys and values before running", async (t) => {
  const { session, release } = istioSession();
  const istioctl = new Istioctl({ session });
  await t.throwsAsync(istioctl.install({ set: { "values.pilot env": "true" } }), { instanceOf: InputError });
  await t.throwsAsync(istioctl.install({ set: { "values.x": "" } }), { instanceOf: InputError });
  await t.throwsAsync(istioctl.install({ set: { "values.x": "a\nb" } }), { instanceOf: InputError });
  await t.throwsAsync(istioctl.install({ files: ["missing.yaml"] }), { instanceOf: InputError, message: /não existe/ });
  t.false(existsSync(path.join(release.dir, "calls")));
});

test.serial("east-west gateway: the release's script piped into istioctl install -y -f -, shown as the course's pipeline", async (t) => {
  const { session, events, release } = istioSession();
  const result = await new Istioctl({ session }).eastWestGateway();
  t.true(result.ok);
  t.is(events.ofKind("command")[0]!.display, "istio-1.8.1/samples/multicluster/gen-eastwest-gateway.sh --single-cluster | istioctl install -y -f -");
  const call = release.call(0);
  t.deepEqual(call.argv, ["install", "--context", "kind-lab", "-y", "-f", "-"]);
  t.regex(call.stdin!, /name: istio-eastwestgateway/);
});

test.serial("east-west gateway for several networks on 1.8 passes --mesh/--cluster/--network, and needs MESH_ID", async (t) => {
  const { session: noMesh } = istioSession({ lines: { CLUSTER_NETWORK: "network1" } });
  await t.throwsAsync(new Istioctl({ session: noMesh }).eastWestGateway(), { instanceOf: InputError, message: /--mesh/ });
  const { session, release } = istioSession({ lines: { CLUSTER_NETWORK: "network1", MESH_ID: "mesh1" } });
  const ok = await new Istioctl({ session }).eastWestGateway();
  t.is(ok.command, "istio-1.8.1/samples/multicluster/gen-eastwest-gateway.sh --mesh mesh1 --cluster Kubernetes --network network1 | istioctl install -y -f -");
  t.regex(release.call(0).stdin!, /# network: network1/);
});

test.serial("east-west gateway fails when the generator fails, and istioctl is not run with an empty manifest", async (t) => {
  const { session, release } = istioSession();
  writeFileSync(path.join(release.dir, "samples", "multicluster", "gen-eastwest-gateway.sh"), "#!/bin/bash\necho 'gen failed' >&2\nexit 3\n");
  const result = await new Istioctl({ session }).eastWestGateway({ nothrow: true });
  t.false(result.ok);
  t.is(result.exitCode, 3);
  t.regex(result.stderr, /gen failed/);
  t.false(existsSync(path.join(release.dir, "calls")), "istioctl was not called");
  writeFileSync(path.join(release.dir, "samples", "multicluster", "gen-eastwest-gateway.sh"), "#!/bin/bash\nexit 0\n");
  const empty = await new Istioctl({ session }).eastWestGateway({ nothrow: true });
  t.false(empty.ok);
  t.regex(empty.stderr, /não imprimiu nenhum IstioOperator/);
  t.false(existsSync(path.join(release.dir, "calls")));
});

test.serial("east-west gateway on 1.12+ passes only --network for a multi-network mesh", async (t) => {
  const executor = recordingExecutor();
  const { session, events } = istioSession({ version: "1.30.0", executor, lines: { CLUSTER_NETWORK: "network1" } });
  await new Istioctl({ session }).eastWestGateway();
  t.is(events.ofKind("command")[0]!.display, "istio-1.30.0/samples/multicluster/gen-eastwest-gateway.sh --network network1 | istioctl install -y -f -");
  t.is(executor.specs[0]!.argv[0], "bash");
});

test.serial("a missing release folder is an InputError that says how to download it", async (t) => {
  const { session, release } = istioSession();
  rmSync(path.join(release.dir, "samples"), { recursive: true });
  const error = (await t.throwsAsync(new Istioctl({ session }).eastWestGateway(), { instanceOf: InputError })) as InputError;
  t.regex(error.problem, /não contém samples\/multicluster\/gen-eastwest-gateway.sh/);
  t.regex(error.fix, /ISTIO_VERSION=1\.8\.1 sh -/);
});

test.serial("a missing istioctl is an InputError naming ISTIOCTL", async (t) => {
  const { session, release } = istioSession();
  rmSync(release.istioctl);
  const error = (await t.throwsAsync(new Istioctl({ session }).install(), { instanceOf: InputError })) as InputError;
  t.is(error.subject, "ISTIOCTL");
  t.regex(error.fix, /downloadIstio/);
});

test.serial("expose istiod: 1.8's file names its namespace; 1.10+ needs -n istio-system", async (t) => {
  const executor = recordingExecutor();
  const old = istioSession({ executor });
  await new Istioctl({ session: old.session }).exposeIstiod();
  t.is(old.events.ofKind("command")[0]!.display, "kubectl apply -f istio-1.8.1/samples/multicluster/expose-istiod.yaml");
  const current = istioSession({ version: "1.30.0", executor, exposeNamespaced: false });
  await new Istioctl({ session: current.session }).exposeIstiod();
  t.is(current.events.ofKind("command")[0]!.display, "kubectl apply -n istio-system -f istio-1.30.0/samples/multicluster/expose-istiod.yaml");
  t.deepEqual(executor.specs[1]!.argv.slice(1, 6), ["--context", "kind-lab", "apply", "-n", "istio-system"]);
});

test.serial("workload group create writes workloadgroup.yaml next to WORK_DIR and shows the redirect", async (t) => {
  const { session, events, release, root } = istioSession();
  const created = await new Istioctl({ session }).workloadGroupCreate();
  t.is(events.ofKind("command")[0]!.display, "istioctl x workload group create --name pegasus-pay --namespace legacy --labels app=pegasus-pay --serviceAccount legacy-pegasus > bkp/workloadgroup.yaml");
  t.is(created.file, path.join(root, "bkp", "workloadgroup.yaml"));
  t.is(readFileSync(created.file, "utf8"), created.yaml);
  t.regex(created.yaml, /kind: WorkloadGroup\n/);
  t.false(release.call(0).argv.includes("--context"), "group create does not talk to the cluster");
});

test.serial("workload entry configure: the course's command, the five files found, the token masked from then on", async (t) => {
  const { session, events, release } = istioSession();
  const istioctl = new Istioctl({ session });
  await istioctl.workloadGroupCreate();
  const configured = await istioctl.workloadEntryConfigure({ autoregister: true });
  t.is(events.ofKind("command")[1]!.display, "istioctl x workload entry configure -f bkp/workloadgroup.yaml -o bkp/vmintegration --autoregister");
  t.deepEqual(Object.keys(configured.files).sort(), ["cluster.env", "hosts", "istio-token", "mesh.yaml", "root-cert.pem"]);
  t.deepEqual(configured.missing, []);
  t.is(configured.hosts, "198.18.2.1 istiod.istio-system.svc");
  t.true(release.call(1).argv.includes("--context"));
  const shown = await session.run({ argv: ["cat", configured.files["istio-token"]!] });
  t.is(shown.stdout, "<segredo oculto>");
  t.false(JSON.stringify(events.events).includes(FAKE_TOKEN));
  t.not(TOKEN_MASK, "");
});

test.serial("workload entry configure passes --clusterID where the release needs it (1.12+) or it is not the default", async (t) => {
  const executor = recordingExecutor();
  const current = istioSession({ version: "1.30.0", executor, mode: "plan", lines: { CLUSTER_ID: "cluster1" } });
  await new Istioctl({ session: current.session }).workloadEntryConfigure({ autoregister: true });
  t.is(current.events.ofKind("command")[0]!.display, "istioctl x workload entry configure -f bkp/workloadgroup.yaml -o bkp/vmintegration --clusterID cluster1 --autoregister");
  const old = istioSession({ mode: "plan" });
  await new Istioctl({ session: old.session }).workloadEntryConfigure({ tokenDuration: 7200, ingressIP: "198.18.2.1", captureDns: false });
  t.is(old.events.ofKind("command")[0]!.display, "istioctl x workload entry configure -f bkp/workloadgroup.yaml -o bkp/vmintegration --tokenDuration 7200 --ingressIP 198.18.2.1 --capture-dns=false");
  t.is(executor.specs.length, 0);
});

test.serial("an empty hosts file gets a warning that says to pass the gateway's IP", async (t) => {
  const { session, events, release } = istioSession();
  release.noGatewayIp();
  const istioctl = new Istioctl({ session });
  await istioctl.workloadGroupCreate();
  const configured = await istioctl.workloadEntryConfigure();
  t.deepEqual(configured.empty, ["hosts"]);
  const warning = events.ofKind("note").find((n) => n.level === "warn");
  t.regex(warning!.text, /hosts está vazio/);
  t.regex(warning!.text, /ingressIP/);
});

test.serial("workload entry configure refuses bad options before running", async (t) => {
  const { session, release } = istioSession();
  const istioctl = new Istioctl({ session });
  await t.throwsAsync(istioctl.workloadEntryConfigure(), { instanceOf: InputError, message: /workloadgroup.yaml" não existe/ });
  await istioctl.workloadGroupCreate();
  await t.throwsAsync(istioctl.workloadEntryConfigure({ tokenDuration: 300 }), { instanceOf: InputError, message: /curto demais/ });
  await t.throwsAsync(istioctl.workloadEntryConfigure({ ingressIP: "gateway.example.com" }), { instanceOf: InputError });
  await t.throwsAsync(istioctl.workloadEntryConfigure({ internalIP: "10.0.0.5" }), { instanceOf: InputError, message: /não tem --internalIP/ });
  await t.throwsAsync(istioctl.workloadEntryConfigure({ ingressService: "Bad_Name" }), { instanceOf: InputError });
  t.false(existsSync(path.join(release.dir, "calls", "1.argv")));
});

test.serial("--internalIP exists from 1.11.2 and adds sidecar.env", async (t) => {
  const { session, release } = istioSession({ version: "1.11.2" });
  const istioctl = new Istioctl({ session });
  await istioctl.workloadGroupCreate();
  const configured = await istioctl.workloadEntryConfigure({ internalIP: "198.18.0.10" });
  t.truthy(configured.files["sidecar.env"]);
  t.true(release.call(1).argv.includes("--internalIP"));
  await t.throwsAsync(istioctl.workloadEntryConfigure({ internalIP: "198.18.0.10", externalIP: "198.18.3.10" }), { instanceOf: InputError });
});

test.serial("version parses client, control plane and data plane, and warns when istioctl is another version", async (t) => {
  const { session, events } = istioSession();
  const versions = await new Istioctl({ session }).version();
  t.is(versions.client, "1.8.1");
  t.deepEqual(versions.controlPlane, ["1.8.1"]);
  t.deepEqual(versions.dataPlane, ["1.8.1"]);
  t.is(events.ofKind("note").length, 0);
  t.is(events.ofKind("command")[0]!.display, "istioctl version -o json");

  // ISTIOCTL points at a 1.8.2 release's istioctl while ISTIO_VERSION says 1.8.1.
  const mismatch = istioSession({ otherReleases: ["1.8.2"], lines: { ISTIOCTL: "istio-1.8.2/bin/istioctl" } });
  await new Istioctl({ session: mismatch.session }).version();
  t.regex(mismatch.events.ofKind("note")[0]!.text, /versão 1\.8\.2, mas ISTIO_VERSION é 1\.8\.1/);
});

test.serial("uninstall is `x uninstall` up to 1.14 and `uninstall` from 1.15", async (t) => {
  const executor = recordingExecutor();
  const old = istioSession({ executor });
  await new Istioctl({ session: old.session }).uninstall();
  const current = istioSession({ version: "1.15.0", executor });
  await new Istioctl({ session: current.session }).uninstall();
  t.is(old.events.ofKind("command")[0]!.display, "istioctl x uninstall --purge -y");
  t.is(current.events.ofKind("command")[0]!.display, "istioctl uninstall --purge -y");
  t.deepEqual(executor.specs[0]!.argv.slice(1), ["x", "uninstall", "--context", "kind-lab", "--purge", "-y"]);
});

test.serial("proxy-status rows are keyed by the header's columns", async (t) => {
  const { session } = istioSession();
  const { rows } = await new Istioctl({ session }).proxyStatus();
  t.is(rows.length, 2);
  t.like(rows[1], { NAME: "pegasus.legacy", RDS: "NOT SENT", VERSION: "1.8.1" });
});

test.serial("a failing istioctl throws the result with its stderr", async (t) => {
  const { session, release } = istioSession();
  release.failWith(1);
  const error = (await t.throwsAsync(new Istioctl({ session }).install(), { instanceOf: CommandResult })) as CommandResult;
  t.regex(error.stderr, /injected failure/);
});

test.serial("plan mode records every command and runs nothing", async (t) => {
  const executor = recordingExecutor();
  const { session, events } = istioSession({ mode: "plan", executor });
  const istioctl = new Istioctl({ session });
  await istioctl.install({ set: { "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "true" } });
  await istioctl.eastWestGateway();
  await istioctl.exposeIstiod();
  const created = await istioctl.workloadGroupCreate();
  await istioctl.workloadEntryConfigure();
  t.is(created.yaml, "");
  t.is(executor.specs.length, 0);
  t.deepEqual(events.ofKind("command").map((c) => c.display), [
    "istioctl install --set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true --skip-confirmation",
    "istio-1.8.1/samples/multicluster/gen-eastwest-gateway.sh --single-cluster | istioctl install -y -f -",
    "kubectl apply -f istio-1.8.1/samples/multicluster/expose-istiod.yaml",
    "istioctl x workload group create --name pegasus-pay --namespace legacy --labels app=pegasus-pay --serviceAccount legacy-pegasus > bkp/workloadgroup.yaml",
    "istioctl x workload entry configure -f bkp/workloadgroup.yaml -o bkp/vmintegration",
  ]);
});

test("parseVersionOutput reads JSON and the plain text form", (t) => {
  t.deepEqual(parseVersionOutput('{"clientVersion":{"version":"1.30.0"},"meshVersion":null,"dataPlaneVersion":null}'), { client: "1.30.0", controlPlane: [], dataPlane: [] });
  t.deepEqual(parseVersionOutput("client version: 1.8.1\ncontrol plane version: 1.8.1\ndata plane version: 1.8.1 (3 proxies)\n"), { client: "1.8.1", controlPlane: ["1.8.1"], dataPlane: ["1.8.1"] });
});

test("parseTable splits on two or more spaces", (t) => {
  t.deepEqual(parseTable("A  B C  D\nx  y z  w\n"), [{ A: "x", "B C": "y z", D: "w" }]);
  t.deepEqual(parseTable(""), []);
});
