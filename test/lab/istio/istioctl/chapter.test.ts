// The chapter's istioctl steps, for the course's 1.8.1 and the current 1.30.0, with each release's bin/istioctl as a
// process against a lab API server, the course's pipeline through bash and the real kubectl: install with VM
// auto-registration, the east-west gateway, expose istiod, the WorkloadGroup, the VM's five files, version,
// proxy-status and uninstall.
import test from "ava";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startIstioctlLab, type IstioctlLab } from "./helpers/istioctl-lab.js";

const D = { group: "apps", version: "v1", resource: "deployments" };
const S = { group: "", version: "v1", resource: "services" };
const CM = { group: "", version: "v1", resource: "configmaps" };
const CRD = { group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions" };

/** The data of a ConfigMap. */
const configMapData = async (lab: IstioctlLab, name: string, namespace: string): Promise<Record<string, string>> => (await lab.api.get(CM, name, namespace))["data"] as Record<string, string>;

/** stderr of an install without the timing-dependent "Waiting for" lines. */
const progressLines = (stderr: string): string[] => stderr.split("\n").filter((l) => l && !l.includes("Waiting for") && /^[-✔✘]/.test(l));

const expected = {
  "1.8.1": {
    install: ["- Processing resources for Istio core.", "✔ Istio core installed", "- Processing resources for Istiod.", "✔ Istiod installed", "- Processing resources for Ingress gateways.", "✔ Ingress gateways installed", "- Pruning removed resources", "✔ Installation complete"],
    eastwest: ["- Processing resources for Ingress gateways.", "✔ Ingress gateways installed", "- Pruning removed resources", "✔ Installation complete"],
    mesh: "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n  proxyMetadata:\n    DNS_AGENT: \"\"\n  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local",
    eastwestPorts: [["status-port", 15021], ["mtls", 15443], ["tcp-istiod", 15012], ["tcp-webhook", 15017]],
    workloadGroup: "apiVersion: networking.istio.io/v1alpha3\nkind: WorkloadGroup\nmetadata:\n  name: pegasus-pay\n  namespace: legacy\nspec:\n  metadata:\n    annotations: {}\n    labels:\n      app: pegasus-pay\n  template:\n    ports: {}\n    serviceAccount: legacy-pegasus\n",
    // The seed's cluster.env (a real 1.8.1 one), line for line.
    clusterEnv:
      "CANONICAL_REVISION='latest'\nCANONICAL_SERVICE='pegasus-pay'\nDNS_AGENT=''\nISTIO_INBOUND_PORTS='*'\nISTIO_METAJSON_LABELS='{\"app\":\"pegasus-pay\",\"service.istio.io/canonical-name\":\"pegasus-pay\",\"service.istio.io/canonical-version\":\"latest\"}'\nISTIO_META_CLUSTER_ID='Kubernetes'\nISTIO_META_DNS_CAPTURE='true'\nISTIO_META_MESH_ID=''\nISTIO_META_NETWORK=''\nISTIO_META_WORKLOAD_NAME='pegasus-pay'\nISTIO_NAMESPACE='legacy'\nISTIO_SERVICE='pegasus-pay.legacy'\nISTIO_SERVICE_CIDR='*'\nPOD_NAMESPACE='legacy'\nSERVICE_ACCOUNT='legacy-pegasus'\nTRUST_DOMAIN='cluster.local'\n",
    meshYaml:
      "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n  proxyMetadata:\n    CANONICAL_REVISION: latest\n    CANONICAL_SERVICE: pegasus-pay\n    DNS_AGENT: \"\"\n    ISTIO_META_CLUSTER_ID: Kubernetes\n    ISTIO_META_DNS_CAPTURE: \"true\"\n    ISTIO_META_MESH_ID: \"\"\n    ISTIO_META_NETWORK: \"\"\n    ISTIO_META_WORKLOAD_NAME: pegasus-pay\n    ISTIO_METAJSON_LABELS: '{\"app\":\"pegasus-pay\",\"service.istio.io/canonical-name\":\"pegasus-pay\",\"service.istio.io/canonical-version\":\"latest\"}'\n    POD_NAMESPACE: legacy\n    SERVICE_ACCOUNT: legacy-pegasus\n    TRUST_DOMAIN: cluster.local\n  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\n",
    configureOut: (dir: string) => ({ stdout: `warning: a security token for namespace legacy and service account legacy-pegasus has been generated and stored at ${dir}/istio-token\nconfiguration generation into directory ${dir} was successful\n`, stderr: "" }),
    versionBefore: { stdout: 'no running Istio pods in "istio-system"\n1.8.1\n', stderr: "" },
    uninstall: ["x", "uninstall", "--purge", "-y"],
    removedIstiod: "  Removed Deployment:istio-system:istiod.\n",
  },
  "1.30.0": {
    install: ["- Processing resources for Istio core.", "✔ Istio core installed ⛵️", "- Processing resources for Istiod.", "✔ Istiod installed 🧠", "- Processing resources for Ingress gateways.", "✔ Ingress gateways installed 🛬", "- Pruning removed resources", "✔ Installation complete"],
    eastwest: ["- Processing resources for Ingress gateways.", "✔ Ingress gateways installed 🛬", "- Pruning removed resources", "✔ Installation complete"],
    mesh: "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\ndefaultProviders:\n  metrics:\n  - prometheus\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local",
    eastwestPorts: [["status-port", 15021], ["tls", 15443], ["tls-istiod", 15012], ["tls-webhook", 15017]],
    workloadGroup: "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: pegasus-pay\n  namespace: legacy\nspec:\n  metadata:\n    labels:\n      app: pegasus-pay\n  template:\n    serviceAccount: legacy-pegasus\n",
    clusterEnv:
      "CANONICAL_REVISION='latest'\nCANONICAL_SERVICE='pegasus-pay'\nISTIO_INBOUND_PORTS='*'\nISTIO_LOCAL_EXCLUDE_PORTS='22,15090,15021,15020'\nISTIO_METAJSON_LABELS='{\"app\":\"pegasus-pay\",\"service.istio.io/canonical-name\":\"pegasus-pay\",\"service.istio.io/canonical-revision\":\"latest\"}'\nISTIO_META_CLUSTER_ID=''\nISTIO_META_DNS_CAPTURE='true'\nISTIO_META_MESH_ID=''\nISTIO_META_NETWORK=''\nISTIO_META_WORKLOAD_NAME='pegasus-pay'\nISTIO_NAMESPACE='legacy'\nISTIO_SERVICE='pegasus-pay.legacy'\nISTIO_SERVICE_CIDR='*'\nPOD_NAMESPACE='legacy'\nSERVICE_ACCOUNT='legacy-pegasus'\nTRUST_DOMAIN='cluster.local'\n",
    meshYaml:
      "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n  proxyMetadata:\n    CANONICAL_REVISION: latest\n    CANONICAL_SERVICE: pegasus-pay\n    ISTIO_META_CLUSTER_ID: \"\"\n    ISTIO_META_DNS_CAPTURE: \"true\"\n    ISTIO_META_MESH_ID: \"\"\n    ISTIO_META_NETWORK: \"\"\n    ISTIO_META_WORKLOAD_NAME: pegasus-pay\n    ISTIO_METAJSON_LABELS: '{\"app\":\"pegasus-pay\",\"service.istio.io/canonical-name\":\"pegasus-pay\",\"service.istio.io/canonical-revision\":\"latest\"}'\n    POD_NAMESPACE: legacy\n    SERVICE_ACCOUNT: legacy-pegasus\n    TRUST_DOMAIN: cluster.local\n",
    configureOut: (dir: string) => ({ stdout: `Configuration generation into directory ${dir} was successful\n`, stderr: `Warning: a security token for namespace "legacy" and service account "legacy-pegasus" has been generated and stored at "${dir}/istio-token"\n` }),
    versionBefore: { stdout: "client version: 1.30.0\n", stderr: 'Istio is not present in the cluster: no running Istio pods in namespace "istio-system"\n' },
    uninstall: ["uninstall", "--purge", "-y"],
    removedIstiod: "  Removed apps/v1, Kind=Deployment/istiod.istio-system.\n",
  },
} as const;

for (const version of ["1.8.1", "1.30.0"] as const) {
  const want = expected[version];
  let lab: IstioctlLab;
  let work: string;
  const script = (text: string) => text.replaceAll("$ISTIO", lab.releases[version]!.dir);

  test.serial.before(async () => {
    lab = await startIstioctlLab();
    work = await mkdtemp(path.join(os.tmpdir(), `ilab9-work-${version}-`));
    // Until the istiod stand-in publishes istio-ca-root-cert to new namespaces, install publishes the lab's root to
    // the namespaces that exist: the VM's namespace is made before the install here (see lab/README.md).
    await lab.kubectl(["create", "namespace", "legacy"]);
  });
  test.after.always(async () => {
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test.serial(`${version}: istioctl version before the install reports no control plane the release's way`, async (t) => {
    const r = await lab.istioctl(version, ["version"]);
    t.is(r.exitCode, 0);
    t.deepEqual({ stdout: r.stdout, stderr: r.stderr }, want.versionBefore);
  });

  test.serial(`${version}: install --set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true --skip-confirmation installs Istio core, Istiod and the ingress gateway`, async (t) => {
    const r = await lab.istioctl(version, ["install", "--set", "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "--skip-confirmation"]);
    t.is(r.exitCode, 0, r.stderr);
    t.deepEqual(progressLines(r.stderr), [...want.install]);
    const istiod: any = await lab.api.get(D, "istiod", "istio-system");
    const container = istiod.spec.template.spec.containers[0];
    t.is(container.image, `docker.io/istio/pilot:${version}`);
    t.deepEqual(container.env.find((e: { name: string }) => e.name === "PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION"), { name: "PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION", value: "true" });
    t.like(istiod.metadata.labels, { "operator.istio.io/component": "Pilot", "operator.istio.io/version": version, "operator.istio.io/managed": "Reconcile" });
    const svc = await lab.api.get(S, "istiod", "istio-system");
    t.deepEqual(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]), [[15010, 15010], [15012, 15012], [443, 15017], [15014, 15014]]);
    t.is((await configMapData(lab, "istio", "istio-system"))["mesh"], want.mesh);
    const values = JSON.parse((await configMapData(lab, "istio-sidecar-injector", "istio-system"))["values"]!);
    t.is(values.global.multiCluster.clusterName, "");
    t.is(values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION, "true");
    const iop = await lab.kubectl(["get", "istiooperator", "installed-state", "-n", "istio-system", "-o", "jsonpath={.spec.values.pilot.env}"]);
    if (version === "1.8.1") t.is(iop.stdout, '{"PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION":true}');
    else t.regex(iop.stderr, /the server doesn't have a resource type "istiooperator"/);
  });

  test.serial(`${version}: gen-eastwest-gateway.sh --single-cluster | istioctl install -y -f - adds the east-west gateway without removing the first install`, async (t) => {
    const r = await lab.sh(script("$ISTIO/samples/multicluster/gen-eastwest-gateway.sh --single-cluster | $ISTIO/bin/istioctl install -y -f -"));
    t.is(r.exitCode, 0, r.stderr);
    t.deepEqual(progressLines(r.stderr), [...want.eastwest]);
    t.truthy(await lab.api.get(D, "istiod", "istio-system"));
    t.truthy(await lab.api.get(D, "istio-ingressgateway", "istio-system"));
    const gw: any = await lab.api.get(D, "istio-eastwestgateway", "istio-system");
    t.like(gw.metadata.labels, { istio: "eastwestgateway", app: "istio-eastwestgateway", "install.operator.istio.io/owning-resource": "eastwest", "operator.istio.io/component": "IngressGateways" });
    const proxy = gw.spec.template.spec.containers[0];
    if (version === "1.8.1") {
      t.is(proxy.image, "docker.io/istio/proxyv2:1.8.1");
      t.deepEqual(proxy.env.find((e: { name: string }) => e.name === "ISTIO_META_ROUTER_MODE"), { name: "ISTIO_META_ROUTER_MODE", value: "sni-dnat" });
      t.is((await lab.kubectl(["get", "istiooperator", "installed-state-eastwest", "-n", "istio-system"])).exitCode, 0);
    } else {
      // Current releases install the east-west gateway as an injected Deployment: istiod's injector fills the proxy in.
      t.is(proxy.image, "auto");
      t.is(gw.spec.template.metadata.annotations["inject.istio.io/templates"], "gateway");
    }
    const svc = await lab.api.get(S, "istio-eastwestgateway", "istio-system");
    t.is(svc.spec.type, "LoadBalancer");
    t.deepEqual(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), want.eastwestPorts);
  });

  test.serial(`${version}: kubectl apply of the release's expose-istiod.yaml passes the CRDs' validation`, async (t) => {
    const file = path.join(lab.releases[version]!.dir, "samples/multicluster/expose-istiod.yaml");
    const r = await lab.kubectl(["apply", ...(version === "1.8.1" ? [] : ["-n", "istio-system"]), "-f", file]);
    t.is(r.exitCode, 0, r.stderr);
    t.is(r.stdout, version === "1.8.1" ? "gateway.networking.istio.io/istiod-gateway created\nvirtualservice.networking.istio.io/istiod-vs created\ndestinationrule.networking.istio.io/istiod-dr created\n" : "gateway.networking.istio.io/istiod-gateway created\nvirtualservice.networking.istio.io/istiod-vs created\n");
    const get = await lab.kubectl(["get", "vs", "-n", "istio-system"]);
    t.regex(get.stdout, /^NAME\s+GATEWAYS\s+HOSTS\s+AGE\nistiod-vs\s+\["istiod-gateway"\]\s+\["(istiod\.istio-system\.svc\.cluster\.local|\*)"\]/);
  });

  test.serial(`${version}: x workload group create prints the release's WorkloadGroup byte for byte`, async (t) => {
    t.is((await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "legacy"])).exitCode, 0);
    const r = await lab.sh(script('$ISTIO/bin/istioctl x workload group create --name "pegasus-pay" --namespace "legacy" --labels app="pegasus-pay" --serviceAccount "legacy-pegasus" > workloadgroup.yaml'), { cwd: work });
    t.is(r.exitCode, 0, r.stderr);
    t.is(await readFile(path.join(work, "workloadgroup.yaml"), "utf8"), want.workloadGroup);
  });

  test.serial(`${version}: x workload entry configure writes the five files (mode 0744) the VM needs`, async (t) => {
    const out = "bkp/vmintegration";
    const r = await lab.istioctl(version, ["x", "workload", "entry", "configure", "-f", "workloadgroup.yaml", "-o", out], { cwd: work });
    t.is(r.exitCode, 0, r.stderr);
    t.deepEqual({ stdout: r.stdout, stderr: r.stderr }, want.configureOut(out));
    const file = (name: string) => readFile(path.join(work, out, name), "utf8");
    t.is(await file("cluster.env"), want.clusterEnv);
    t.is(await file("mesh.yaml"), want.meshYaml);
    const lbIp = ((await lab.api.get(S, "istio-eastwestgateway", "istio-system")) as any).status.loadBalancer.ingress[0].ip;
    t.is(await file("hosts"), `${lbIp} istiod.istio-system.svc\n`);
    const root = (await configMapData(lab, "istio-ca-root-cert", "legacy"))["root-cert.pem"]!;
    t.regex(root, /^-----BEGIN CERTIFICATE-----\n/);
    t.is(await file("root-cert.pem"), root);
    const [, payload] = (await file("istio-token")).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    t.deepEqual(claims.aud, ["istio-ca"]);
    t.is(claims.sub, "system:serviceaccount:legacy:legacy-pegasus");
    t.is(claims.exp - claims.iat, 3600);
    for (const name of ["cluster.env", "mesh.yaml", "hosts", "root-cert.pem", "istio-token"]) t.is((await stat(path.join(work, out, name))).mode & 0o777, 0o744, name);
    t.is((await lab.kubectl(["apply", "-f", path.join(work, "workloadgroup.yaml")])).stdout, "workloadgroup.networking.istio.io/pegasus-pay created\n");
  });

  test.serial(`${version}: version and proxy-status see istiod and the two gateways`, async (t) => {
    const v = await lab.istioctl(version, ["version"]);
    t.is(v.stdout, `client version: ${version}\ncontrol plane version: ${version}\ndata plane version: ${version} (2 proxies)\n`);
    const json = JSON.parse((await lab.istioctl(version, ["version", "-o", "json"])).stdout);
    t.is(json.clientVersion.version, version);
    t.is(json.meshVersion[0].Component, "pilot");
    const ps = await lab.istioctl(version, ["proxy-status"]);
    t.is(ps.exitCode, 0, ps.stderr);
    const [header, ...rows] = ps.stdout.trimEnd().split("\n");
    t.regex(header!, version === "1.8.1" ? /^NAME {2,}CDS {5,}LDS {5,}EDS {5,}RDS {5,}ISTIOD {5,}VERSION$/ : /^NAME {2,}CLUSTER {5,}ISTIOD {5,}VERSION {5,}SUBSCRIBED TYPES$/);
    t.is(rows.length, 2);
    t.regex(rows[0]!, new RegExp(`^istio-eastwestgateway-[a-z0-9]+-[a-z0-9]+\\.istio-system +${version === "1.8.1" ? "SYNCED +SYNCED +SYNCED +SYNCED" : "Kubernetes"} +istiod-[a-z0-9]+-[a-z0-9]+ +${version.replace(/\./g, "\\.")}`));
  });

  test.serial(`${version}: uninstall --purge -y removes what the installs made and keeps the user's resources' namespace`, async (t) => {
    const r = await lab.istioctl(version, [...want.uninstall]);
    t.is(r.exitCode, 0, r.stderr);
    t.true(r.stdout.startsWith("All Istio resources will be pruned from the cluster\n\n"));
    t.true(r.stdout.includes(want.removedIstiod));
    t.true(r.stderr.endsWith("✔ Uninstall complete\n"));
    t.deepEqual(await lab.api.list(D, { namespace: "istio-system" }), []);
    t.deepEqual((await lab.api.list(CRD)).map((c) => c.metadata.name).filter((n) => n.endsWith("istio.io")), []);
    // istiod's root certificate stays, as it does after a real uninstall.
    t.truthy(await lab.api.get(CM, "istio-ca-root-cert", "legacy"));
  });
}
