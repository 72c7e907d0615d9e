// istioctl x workload entry configure and group create beyond the chapter's inputs, per release: the flags that
// change cluster.env and hosts, the WorkloadGroup read from the API, and the errors with istioctl's texts.
import test from "ava";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startIstioctlLab, type IstioctlLab } from "./helpers/istioctl-lab.js";

/** cluster.env as a map. */
const envOf = (text: string): Record<string, string> => Object.fromEntries(text.trimEnd().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

for (const version of ["1.8.1", "1.30.0"] as const) {
  const old = version === "1.8.1";
  let lab: IstioctlLab;
  let work: string;
  const configure = (args: string[]) => lab.istioctl(version, ["x", "workload", "entry", "configure", ...args], { cwd: work });
  const group = (args: string[]) => lab.istioctl(version, ["x", "workload", "group", "create", ...args]);
  const file = (...p: string[]) => readFile(path.join(work, ...p), "utf8");

  test.serial.before(async () => {
    lab = await startIstioctlLab();
    work = await mkdtemp(path.join(os.tmpdir(), `ilab9-configure-${version}-`));
    await lab.kubectl(["create", "namespace", "legacy"]);
    await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "legacy"]);
    const install = await lab.istioctl(version, ["install", "-y", "--set", "profile=minimal", "--set", "values.global.multiCluster.clusterName=cluster9"]);
    if (install.exitCode !== 0) throw new Error(install.stderr);
    const wg = await group(["--name", "pegasus-pay", "-n", "legacy", "-l", "app=pegasus-pay,version=v2", "-p", "http=8000,grpc=9000", "-s", "legacy-pegasus"]);
    await writeFile(path.join(work, "wg.yaml"), wg.stdout);
  });
  test.after.always(async () => {
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test.serial(`${version}: ports, labels, --autoregister, --capture-dns=false and --clusterID shape cluster.env`, async (t) => {
    const r = await configure(["-f", "wg.yaml", "-o", "a", "--autoregister", "--capture-dns=false", "--clusterID", "cluster1", "--ingressIP", "10.1.2.3"]);
    t.is(r.exitCode, 0, r.stderr);
    const env = envOf(await file("a", "cluster.env"));
    t.is(env["ISTIO_INBOUND_PORTS"], "'9000,8000'");
    t.is(env["ISTIO_META_POD_PORTS"], old ? `'"[{\\"name\\":\\"grpc\\",\\"containerPort\\":9000,\\"protocol\\":\\"\\"},{\\"name\\":\\"http\\",\\"containerPort\\":8000,\\"protocol\\":\\"\\"}]"'` : `'[{"name":"grpc","containerPort":9000,"protocol":""},{"name":"http","containerPort":8000,"protocol":""}]'`);
    t.is(env["ISTIO_META_AUTO_REGISTER_GROUP"], "'pegasus-pay'");
    t.is(env["CANONICAL_REVISION"], "'v2'");
    t.false("ISTIO_META_DNS_CAPTURE" in env);
    t.is(env["ISTIO_META_CLUSTER_ID"], "'cluster1'");
    t.is(await file("a", "hosts"), "10.1.2.3 istiod.istio-system.svc\n");
  });

  test.serial(`${version}: the cluster ID default is ${old ? "Kubernetes" : "read from the istio-sidecar-injector ConfigMap"}`, async (t) => {
    t.is((await configure(["-f", "wg.yaml", "-o", "b"])).exitCode, 0);
    t.is(envOf(await file("b", "cluster.env"))["ISTIO_META_CLUSTER_ID"], old ? "'Kubernetes'" : "'cluster9'");
  });

  test.serial(`${version}: without an east-west gateway the hosts file is empty${old ? "" : " and istioctl warns"}`, async (t) => {
    const r = await configure(["-f", "wg.yaml", "-o", "c"]);
    t.is(await file("c", "hosts"), "");
    if (old) t.false(r.stdout.includes("Could not auto-detect"));
    else t.regex(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\twarn\tCould not auto-detect IP for istiod\.istio-system\.svc\/istio-system\. Use --ingressIP to manually specify the Gateway address to reach istiod from the VM\.\n/m);
  });

  test.serial(`${version}: --name and -n read the WorkloadGroup from the API`, async (t) => {
    t.is((await lab.kubectl(["apply", "-f", path.join(work, "wg.yaml")])).exitCode, 0);
    const r = await configure(["--name", "pegasus-pay", "-n", "legacy", "-o", "d"]);
    t.is(r.exitCode, 0, r.stderr);
    t.is(await file("d", "cluster.env"), await file("b", "cluster.env"));
    const missing = await configure(["--name", "nope", "-n", "legacy", "-o", "d"]);
    t.is(missing.stderr, 'Error: workloadgroup nope not found in namespace legacy: workloadgroups.networking.istio.io "nope" not found\n');
  });

  if (!old) {
    test.serial(`${version}: --internalIP sets ISTIO_SVC_IP; --internalIP and --externalIP together are refused`, async (t) => {
      t.is((await configure(["-f", "wg.yaml", "-o", "e", "--internalIP", "198.18.144.10"])).exitCode, 0);
      t.is(envOf(await file("e", "cluster.env"))["ISTIO_SVC_IP"], "'198.18.144.10'");
      const both = await configure(["-f", "wg.yaml", "-o", "e", "--internalIP", "1.1.1.1", "--externalIP", "2.2.2.2"]);
      t.deepEqual([both.exitCode, both.stderr], [1, "Error: the flags --internalIP and --externalIP are mutually exclusive\n"]);
    });
  } else {
    test.serial(`${version}: --internalIP does not exist yet`, async (t) => {
      t.is((await configure(["-f", "wg.yaml", "-o", "e", "--internalIP", "1.1.1.1"])).stderr, "Error: unknown flag: --internalIP\n");
    });
  }

  test.serial(`${version}: errors keep istioctl's texts`, async (t) => {
    await writeFile(path.join(work, "not-a-dir"), "x");
    const cases: Array<[string[], RegExp | string]> = [
      [["-f", "wg.yaml"], "Error: expecting an output directory\n"],
      [["-o", "x"], "Error: expecting a WorkloadGroup artifact file or the name and namespace of an existing WorkloadGroup\n"],
      [["-f", "missing.yaml", "-o", "x"], "Error: open missing.yaml: no such file or directory\n"],
      [["-f", "wg.yaml", "-o", "not-a-dir/out"], "Error: mkdir not-a-dir/out: not a directory\n"],
      [["-f", "wg.yaml", "-o", "x", "-i", "other"], old ? 'Error: configmap istio was not found in namespace other: configmaps "istio" not found\n' : 'Error: failed to automatically determine the --clusterID: fetch injection template: configmaps "istio-sidecar-injector" not found\n'],
      [["-f", "wg.yaml", "-o", "x", "--tokenDuration", "100"], /^Error: could not create a token under service account legacy-pegasus in namespace legacy: .*10 minutes/],
      [["-f", "wg.yaml", "-o", "x", "--tokenDuration", "1h"], 'Error: invalid argument "1h" for "--tokenDuration" flag: strconv.ParseInt: parsing "1h": invalid syntax\n'],
    ];
    for (const [args, want] of cases) {
      const r = await configure(args);
      t.is(r.exitCode, 1, args.join(" "));
      if (typeof want === "string") t.is(r.stderr, want, args.join(" "));
      else t.regex(r.stderr, want, args.join(" "));
    }
  });

  test.serial(`${version}: a WorkloadGroup in a namespace without istio-ca-root-cert fails like istioctl (istiod publishes it)`, async (t) => {
    await lab.kubectl(["create", "namespace", "late"]);
    await lab.kubectl(["create", "serviceaccount", "sa", "-n", "late"]);
    await writeFile(path.join(work, "late.yaml"), (await group(["--name", "vm", "-n", "late", "-s", "sa"])).stdout);
    const r = await configure(["-f", "late.yaml", "-o", "f"]);
    t.is(r.stderr, 'Error: configmap istio-ca-root-cert was not found in namespace late: configmaps "istio-ca-root-cert" not found\n');
  });

  test.serial(`${version}: group create takes annotations and checks its inputs`, async (t) => {
    const r = await group(["--name", "a", "--namespace", "b", "--annotations", "proxy.istio.io/config=x", "-l", "app=a"]);
    t.regex(r.stdout, /\n {4}annotations:\n {6}proxy\.istio\.io\/config: x\n/);
    t.is((await group(["--name", "a"])).stderr, "Error: expecting a workload namespace\n");
    t.is((await group(["-n", "b"])).stderr, "Error: expecting a workload name\n");
    const weight = await group(["--name", "a", "-n", "b", "-w", "2"]);
    if (old) t.is(weight.stderr, "Error: unknown shorthand flag: 'w' in -w\n");
    else t.regex(weight.stdout, /\n {4}weight: 2\n/);
  });
}
