// istioctl install and uninstall beyond the chapter's happy path, per release: the readiness timeout and its error
// text, the confirmation prompt, reinstall as reconcile (env and mesh config follow the flags), the 1.8 prune of a
// named install's gateway by an unnamed one, input errors, and uninstall's flags.
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startIstioctlLab, type IstioctlLab } from "./helpers/istioctl-lab.js";

const D = { group: "apps", version: "v1", resource: "deployments" };
const NS = { group: "", version: "v1", resource: "namespaces" };
const CM = { group: "", version: "v1", resource: "configmaps" };

/** stderr without current releases' ASCII art (everything up to the first blank line). */
const afterArt = (version: string, stderr: string): string => (version !== "1.8.1" && stderr.startsWith("        |\\") ? stderr.slice(stderr.indexOf("\n\n") + 2) : stderr);

/** The env of istiod's container as name → value. */
const istiodEnv = async (lab: IstioctlLab): Promise<Record<string, string>> => {
  const d = (await lab.api.get(D, "istiod", "istio-system")) as any;
  return Object.fromEntries(d.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
};

for (const version of ["1.8.1", "1.30.0"] as const) {
  const old = version === "1.8.1";

  test.serial(`${version}: a control plane that never gets ready fails after --readiness-timeout with the release's error`, async (t) => {
    const lab = await startIstioctlLab({ pullFailures: [`docker.io/istio/pilot:${version}`] });
    t.teardown(() => lab.close());
    const r = await lab.istioctl(version, ["install", "--set", "profile=minimal", "-y", "--readiness-timeout", "2s"]);
    t.is(r.exitCode, 1);
    const waitError = old
      ? "failed to wait for resource: resources not ready after 2s: timed out waiting for the condition\nDeployment/istio-system/istiod"
      : 'failed to wait for resource: resources not ready after 2s: context deadline exceeded\n  Deployment/istio-system/istiod (container failed to start: ImagePullBackOff: Back-off pulling image "docker.io/istio/pilot:1.30.0")';
    const lines = afterArt(version, r.stderr)
      .split("\n")
      .filter((l, i, all) => !(l === "- Processing resources for Istiod. Waiting for Deployment/istio-system/istiod" && all[i - 1] === l));
    t.deepEqual(lines.join("\n"), [
      "- Processing resources for Istio core.",
      `✔ Istio core installed${old ? "" : " ⛵️"}`,
      "- Processing resources for Istiod.",
      "- Processing resources for Istiod. Waiting for Deployment/istio-system/istiod",
      `✘ Istiod encountered an error: ${waitError}`,
      ...(old ? ["- Pruning removed resources", "Error: failed to install manifests: errors occurred during operation", ""] : [`Error: failed to install manifests: ${waitError}`, ""]),
    ].join("\n"));
  });

  test.serial(`${version}: ISTIOCTL_LAB_READINESS_TIMEOUT is the default wait; the flag wins; a bad value is refused`, async (t) => {
    const lab = await startIstioctlLab({ pullFailures: [`docker.io/istio/pilot:${version}`] });
    t.teardown(() => lab.close());
    const env = await lab.istioctl(version, ["install", "--set", "profile=minimal", "-y"], { env: { ISTIOCTL_LAB_READINESS_TIMEOUT: "1s" } });
    t.regex(env.stderr, /resources not ready after 1s: /);
    const flag = await lab.istioctl(version, ["install", "--set", "profile=minimal", "-y", "--readiness-timeout=2s"], { env: { ISTIOCTL_LAB_READINESS_TIMEOUT: "1s" } });
    t.regex(flag.stderr, /resources not ready after 2s: /);
    const bad = await lab.istioctl(version, ["install", "-y"], { env: { ISTIOCTL_LAB_READINESS_TIMEOUT: "soon" } });
    t.is(bad.exitCode, 1);
    t.regex(bad.stderr, /Error: ISTIOCTL_LAB_READINESS_TIMEOUT=soon: time: invalid duration "soon"\n$/);
  });

  test.serial(`${version}: without -y the prompt reads stdin; anything but y cancels before anything changes`, async (t) => {
    const lab = await startIstioctlLab();
    t.teardown(() => lab.close());
    const prompt = old
      ? 'This will install the Istio default profile with ["Istio core" "Istiod" "Ingress gateways"] components into the cluster. Proceed? (y/N) '
      : 'This will install the Istio 1.30.0 profile "default" into the cluster. Proceed? (y/N) ';
    const no = await lab.istioctl(version, ["install"], { input: "n\n" });
    t.deepEqual([no.exitCode, no.stdout, afterArt(version, no.stderr)], [1, prompt, "Cancelled.\n"]);
    t.false((await lab.api.list(NS)).some((n) => n.metadata.name === "istio-system"));
    const eof = await lab.istioctl(version, ["install", "--set", "profile=empty"], { input: "" });
    t.is(eof.stdout, old ? "This will install the Istio empty profile into the cluster. Proceed? (y/N) " : 'This will install the Istio 1.30.0 profile "empty" into the cluster. Proceed? (y/N) ');
    t.is(eof.exitCode, 1);
    const yes = await lab.istioctl(version, ["install", "--set", "profile=minimal"], { input: "y\n" });
    t.is(yes.exitCode, 0, yes.stderr);
    t.truthy(await lab.api.get(D, "istiod", "istio-system"));
  });

  test.serial(`${version}: install again reconciles: istiod's env and the mesh config follow the flags of the last run`, async (t) => {
    const lab = await startIstioctlLab();
    t.teardown(() => lab.close());
    const install = (...sets: string[]) => lab.istioctl(version, ["install", "-y", "--set", "profile=minimal", ...sets.flatMap((s) => ["--set", s])]);
    t.is((await install("values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY")).exitCode, 0);
    t.is((await istiodEnv(lab))["PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION"], "true");
    const mesh = () => lab.api.get(CM, "istio", "istio-system").then((c) => (c["data"] as Record<string, string>)["mesh"]!);
    t.regex(await mesh(), /^outboundTrafficPolicy:\n {2}mode: REGISTRY_ONLY$/m);
    if (old) t.is((await lab.kubectl(["get", "istiooperator", "installed-state", "-n", "istio-system", "-o", "jsonpath={.spec.meshConfig.outboundTrafficPolicy.mode}"])).stdout, "REGISTRY_ONLY");
    const again = await install();
    t.is(again.exitCode, 0, again.stderr);
    t.false("PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION" in (await istiodEnv(lab)));
    t.notRegex(await mesh(), /outboundTrafficPolicy/);
    t.is((await install()).exitCode, 0);
  });

  test.serial(`${version}: an unnamed install prunes the gateway of the named east-west install, as istioctl does (istio/istio#29634)`, async (t) => {
    const lab = await startIstioctlLab();
    t.teardown(() => lab.close());
    const dir = lab.releases[version]!.dir;
    t.is((await lab.istioctl(version, ["install", "-y", "--set", "profile=minimal"])).exitCode, 0);
    t.is((await lab.sh(`${dir}/samples/multicluster/gen-eastwest-gateway.sh --single-cluster | ${dir}/bin/istioctl install -y -f -`)).exitCode, 0);
    const r = await lab.istioctl(version, ["install", "-y", "--set", "profile=minimal"]);
    t.is(r.exitCode, 0, r.stderr);
    t.true(r.stdout.includes(old ? "  Removed Deployment:istio-system:istio-eastwestgateway.\n" : "  Removed apps/v1, Kind=Deployment/istio-eastwestgateway.istio-system.\n"), r.stdout);
    t.false((await lab.api.list(D, { namespace: "istio-system" })).some((d) => d.metadata.name === "istio-eastwestgateway"));
  });

  test.serial(`${version}: bad input gets istioctl's errors before anything is applied`, async (t) => {
    const lab = await startIstioctlLab();
    t.teardown(() => lab.close());
    const work = await mkdtemp(path.join(os.tmpdir(), "ilab9-iop-"));
    t.teardown(() => rm(work, { recursive: true, force: true }));
    await writeFile(path.join(work, "bad.yaml"), "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profiel: demo\n");
    const cases: Array<[string[], number, string]> = [
      [["install", "-y", "--set", "revison=canary"], 1, 'Error: failed to install manifests: could not unmarshal merged YAML: unknown field "revison" in v1alpha1.IstioOperatorSpec\n'],
      [["install", "-y", "--set", "profile"], 1, "Error: failed to install manifests: bad argument profile: expect format key=value\n"],
      [["install", "-y", "-f", path.join(work, "bad.yaml")], 1, 'Error: failed to install manifests: could not unmarshal merged YAML: unknown field "profiel" in v1alpha1.IstioOperatorSpec\n'],
      [["install", "-y", "-f", path.join(work, "missing.yaml")], 1, `Error: failed to install manifests: open ${path.join(work, "missing.yaml")}: no such file or directory\n`],
      [["install", "extra"], 1, "Error: accepts 0 arg(s), received 1\n"],
      [["install", "--foo"], 1, "Error: unknown flag: --foo\n"],
      [["install", "-y", "--context", "nope"], 1, 'Error: context "nope" does not exist\n'],
      [["instal"], 64, 'Error: unknown command "instal" for "istioctl"\n\nDid you mean this?\n\tinstall\n\nRun \'istioctl --help\' for usage.\n'],
    ];
    for (const [args, code, stderr] of cases) {
      const r = await lab.istioctl(version, args);
      t.is(r.exitCode, code, args.join(" "));
      t.is(afterArt(version, r.stderr), stderr, args.join(" "));
    }
    t.false((await lab.api.list(NS)).some((n) => n.metadata.name === "istio-system"));
  });

  test.serial(`${version}: uninstall needs --purge, --revision or -f, and asks before purging`, async (t) => {
    const lab = await startIstioctlLab();
    t.teardown(() => lab.close());
    const words = old ? ["x", "uninstall"] : ["uninstall"];
    const none = await lab.istioctl(version, words);
    t.is(none.stderr, old ? "Error: at least one of the --revision, --filename or --purge flags must be set\n" : "Error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set\n");
    if (old) t.is((await lab.istioctl(version, ["uninstall", "--purge"])).exitCode, 64);
    else t.regex((await lab.istioctl(version, ["x", "uninstall", "--purge"])).stderr, /^Error: unknown flag: --purge\n/);
    t.is((await lab.istioctl(version, ["install", "-y", "--set", "profile=minimal"])).exitCode, 0);
    const no = await lab.istioctl(version, [...words, "--purge"], { input: "n\n" });
    t.deepEqual([no.exitCode, no.stdout, no.stderr], [1, "All Istio resources will be pruned from the cluster\nProceed? (y/N) ", "Cancelled.\n"]);
    t.truthy(await lab.api.get(D, "istiod", "istio-system"));
    const rev = await lab.istioctl(version, [...words, "--revision", "default", "-y"]);
    t.is(rev.exitCode, 0, rev.stderr);
    t.deepEqual(await lab.api.list(D, { namespace: "istio-system" }), []);
    t.true((await lab.kubectl(["get", "crd", "workloadentries.networking.istio.io"])).exitCode === 0, "CRDs survive a revision uninstall");
  });
}

test.serial("--kubeconfig and --context pick the cluster over KUBECONFIG, like client-go", async (t) => {
  const lab = await startIstioctlLab();
  t.teardown(() => lab.close());
  const missing = path.join(lab.stateDir, "missing-kubeconfig");
  const viaEnv = await lab.istioctl("1.8.1", ["version"], { env: { KUBECONFIG: missing } });
  t.not(viaEnv.stdout, 'no running Istio pods in "istio-system"\n1.8.1\n');
  const viaFlag = await lab.istioctl("1.8.1", ["version", "--kubeconfig", lab.cluster.kubeconfigFile, "--context", "lab"], { env: { KUBECONFIG: missing } });
  t.is(viaFlag.stdout, 'no running Istio pods in "istio-system"\n1.8.1\n');
  const other = await lab.istioctl("1.30.0", ["version", "--context", "lab-other"]);
  t.regex(other.stderr, /^Istio is not present in the cluster: Get "https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/istio-system\/pods\?[^"]*": dial tcp 127\.0\.0\.1:\d+: connect: connection refused\n$/);
});
