// The release folders the lab lays out: istio-<version>/ with bin/istioctl (a launcher that runs the stand-in as that
// release) and the samples the chapter uses, checked for the facts the chapter depends on (names, ports, protocols,
// TLS modes, images; the east-west script's flags, output and errors per release).
import test from "ava";
import { spawn } from "node:child_process";
import { access, constants, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { RELEASE_PATHS, writeReleaseFolder } from "../../../../lab/istio/release/folder.js";
import { selectedIstioVersion } from "../../../../lab/istio/release/part.js";
import { DEFAULT_LAB_ISTIO_VERSION, ISTIO_RELEASE_BUILDS, releaseFacts } from "../../../../lab/istio/release/versions.js";

type Obj = Record<string, any>;

let root: string;
test.before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "ilab9-release-"));
  for (const b of ISTIO_RELEASE_BUILDS) await writeReleaseFolder({ root, version: b.version });
});
test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs a program; resolves with its output and exit code. */
const run = (file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env["PATH"] } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

/** The YAML documents of a text. */
const docs = (text: string): Obj[] => yaml.loadAll(text).filter((d): d is Obj => d !== null && typeof d === "object");

/** A release's sample, parsed. */
const sample = async (version: string, relative: string): Promise<Obj[]> => docs(await readFile(path.join(root, `istio-${version}`, relative), "utf8"));

/** Runs the release's gen-eastwest-gateway.sh. */
const eastWest = (version: string, args: string[]) => run("bash", [path.join(root, `istio-${version}`, RELEASE_PATHS.eastWestGateway), ...args]);

/** The east-west gateway component of an IstioOperator. */
const gatewayOf = (iop: Obj): Obj => iop["spec"]["components"]["ingressGateways"][0];
const portsOf = (iop: Obj): Array<[string, number, number]> => gatewayOf(iop)["k8s"]["service"]["ports"].map((p: Obj) => [p["name"], p["port"], p["targetPort"]]);

const EXPOSED = { istiod: "istiod.istio-system.svc.cluster.local", ports: [15012, 15017], istiodPorts: [15012, 443] };

for (const version of ["1.8.1", "1.30.0"]) {
  const dir = () => path.join(root, `istio-${version}`);

  test(`${version}: bin/istioctl and gen-eastwest-gateway.sh are executable, the YAML files are not`, async (t) => {
    for (const relative of [RELEASE_PATHS.istioctl, RELEASE_PATHS.eastWestGateway]) await t.notThrowsAsync(access(path.join(dir(), relative), constants.X_OK), relative);
    t.is((await stat(path.join(dir(), RELEASE_PATHS.exposeIstiod))).mode & 0o777, 0o644);
    t.is((await stat(path.join(dir(), RELEASE_PATHS.sleep))).mode & 0o777, 0o644);
  });

  test(`${version}: bin/istioctl runs as that release`, async (t) => {
    const r = await run(path.join(dir(), RELEASE_PATHS.istioctl), ["version", "--remote=false"]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, version === "1.8.1" ? "1.8.1\n" : "client version: 1.30.0\n");
  });

  test(`${version}: sleep.yaml is a ServiceAccount, a Service on port 80 and a Deployment running /bin/sleep in the release's curl image`, async (t) => {
    const [sa, svc, deploy] = await sample(version, RELEASE_PATHS.sleep);
    t.deepEqual([sa, svc, deploy].map((d) => `${d!["kind"]}/${d!["metadata"]["name"]}`), ["ServiceAccount/sleep", "Service/sleep", "Deployment/sleep"]);
    t.deepEqual(svc!["metadata"]["labels"], { app: "sleep", service: "sleep" });
    t.deepEqual(svc!["spec"], { ports: [{ port: 80, name: "http" }], selector: { app: "sleep" } });
    t.is(deploy!["apiVersion"], "apps/v1");
    t.deepEqual(deploy!["spec"]["selector"], { matchLabels: { app: "sleep" } });
    const pod = deploy!["spec"]["template"]["spec"];
    t.is(pod["serviceAccountName"], "sleep");
    t.is(pod["terminationGracePeriodSeconds"], version === "1.8.1" ? undefined : 0);
    t.like(pod["containers"][0], {
      name: "sleep",
      image: version === "1.8.1" ? "governmentpaas/curl-ssl" : "docker.io/curlimages/curl:8.16.0",
      command: ["/bin/sleep", version === "1.8.1" ? "3650d" : "infinity"],
      imagePullPolicy: "IfNotPresent",
    });
    t.deepEqual(pod["containers"][0]["volumeMounts"], [{ mountPath: "/etc/sleep/tls", name: "secret-volume" }]);
    t.deepEqual(pod["volumes"], [{ name: "secret-volume", secret: { secretName: "sleep-secret", optional: true } }]);
  });
}

test("1.8.1: expose-istiod.yaml is a TCP Gateway, tcp routes to istiod and a DestinationRule turning TLS off, all in istio-system", async (t) => {
  const objects = await sample("1.8.1", RELEASE_PATHS.exposeIstiod);
  t.deepEqual(
    objects.map((o) => [o["apiVersion"], o["kind"], o["metadata"]["name"], o["metadata"]["namespace"]]),
    [
      ["networking.istio.io/v1alpha3", "Gateway", "istiod-gateway", "istio-system"],
      ["networking.istio.io/v1alpha3", "VirtualService", "istiod-vs", "istio-system"],
      ["networking.istio.io/v1alpha3", "DestinationRule", "istiod-dr", "istio-system"],
    ],
  );
  const [gw, vs, dr] = objects;
  t.deepEqual(gw!["spec"]["selector"], { istio: "eastwestgateway" });
  t.deepEqual(gw!["spec"]["servers"], [
    { port: { name: "tcp-istiod", number: 15012, protocol: "TCP" }, hosts: ["*"] },
    { port: { name: "tcp-istiodwebhook", number: 15017, protocol: "TCP" }, hosts: ["*"] },
  ]);
  t.deepEqual(vs!["spec"]["hosts"], [EXPOSED.istiod]);
  t.deepEqual(vs!["spec"]["gateways"], ["istiod-gateway"]);
  t.deepEqual(
    vs!["spec"]["tcp"],
    EXPOSED.ports.map((port, i) => ({ match: [{ port }], route: [{ destination: { host: EXPOSED.istiod, port: { number: EXPOSED.istiodPorts[i] } } }] })),
  );
  t.is(dr!["spec"]["host"], EXPOSED.istiod);
  t.deepEqual(dr!["spec"]["trafficPolicy"]["portLevelSettings"], EXPOSED.ports.map((number) => ({ port: { number }, tls: { mode: "DISABLE" } })));
});

test("1.30.0: expose-istiod.yaml passes TLS through by SNI to istiod, names no namespace and uses networking.istio.io/v1", async (t) => {
  const objects = await sample("1.30.0", RELEASE_PATHS.exposeIstiod);
  t.deepEqual(
    objects.map((o) => [o["apiVersion"], o["kind"], o["metadata"]]),
    [
      ["networking.istio.io/v1", "Gateway", { name: "istiod-gateway" }],
      ["networking.istio.io/v1", "VirtualService", { name: "istiod-vs" }],
    ],
  );
  const [gw, vs] = objects;
  t.deepEqual(gw!["spec"]["selector"], { istio: "eastwestgateway" });
  t.deepEqual(gw!["spec"]["servers"], [
    { port: { name: "tls-istiod", number: 15012, protocol: "tls" }, tls: { mode: "PASSTHROUGH" }, hosts: ["*"] },
    { port: { name: "tls-istiodwebhook", number: 15017, protocol: "tls" }, tls: { mode: "PASSTHROUGH" }, hosts: ["*"] },
  ]);
  t.deepEqual(vs!["spec"]["hosts"], ["*"]);
  t.deepEqual(vs!["spec"]["gateways"], ["istiod-gateway"]);
  t.deepEqual(
    vs!["spec"]["tls"],
    EXPOSED.ports.map((port, i) => ({ match: [{ port, sniHosts: ["*"] }], route: [{ destination: { host: EXPOSED.istiod, port: { number: EXPOSED.istiodPorts[i] } } }] })),
  );
});

for (const version of ["1.8.1", "1.30.0"]) {
  const old = version === "1.8.1";
  const names = old ? ["mtls", "tcp-istiod", "tcp-webhook"] : ["tls", "tls-istiod", "tls-webhook"];

  test(`${version}: gen-eastwest-gateway.sh --single-cluster prints the IstioOperator eastwest with the gateway's four ports`, async (t) => {
    const r = await eastWest(version, ["--single-cluster"]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stderr, "");
    const [iop, ...rest] = docs(r.stdout);
    t.is(rest.length, 0);
    t.like(iop, { apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", metadata: { name: "eastwest" }, spec: { profile: "empty" } });
    t.is(iop!["spec"]["revision"], old ? undefined : "");
    t.like(gatewayOf(iop!), { name: "istio-eastwestgateway", enabled: true });
    t.deepEqual(gatewayOf(iop!)["label"], { istio: "eastwestgateway", app: "istio-eastwestgateway" });
    t.deepEqual(portsOf(iop!), [["status-port", 15021, 15021], [names[0], 15443, 15443], [names[1], 15012, 15012], [names[2], 15017, 15017]]);
    t.deepEqual(gatewayOf(iop!)["k8s"]["env"], old ? [{ name: "ISTIO_META_ROUTER_MODE", value: "sni-dnat" }] : undefined);
    t.deepEqual(iop!["spec"]["values"], old ? undefined : { gateways: { "istio-ingressgateway": { injectionTemplate: "gateway" } } });
  });

  test(`${version}: gen-eastwest-gateway.sh for a network labels the gateway, routes inside the network and sets the mesh's network`, async (t) => {
    const r = await eastWest(version, old ? ["--cluster", "cluster1", "--network", "network1", "--mesh", "mesh1"] : ["--network", "network1"]);
    t.is(r.code, 0, r.stderr);
    const [iop] = docs(r.stdout);
    t.is(gatewayOf(iop!)["label"]["topology.istio.io/network"], "network1");
    t.deepEqual(gatewayOf(iop!)["k8s"]["env"], [...(old ? [{ name: "ISTIO_META_ROUTER_MODE", value: "sni-dnat" }] : []), { name: "ISTIO_META_REQUESTED_NETWORK_VIEW", value: "network1" }]);
    t.deepEqual(portsOf(iop!).map(([n]) => n), ["status-port", ...names]);
    t.deepEqual(
      iop!["spec"]["values"],
      old
        ? { global: { meshID: "mesh1", network: "network1", multiCluster: { clusterName: "cluster1" } } }
        : { gateways: { "istio-ingressgateway": { injectionTemplate: "gateway" } }, global: { network: "network1" } },
    );
  });
}

test("gen-eastwest-gateway.sh: missing flags and unknown flags fail with the release's messages", async (t) => {
  for (const [version, args, stdout, stderr] of [
    ["1.8.1", ["--network", "network1"], "Must specify either --single-cluster or --mesh, --cluster, and --network.\n", ""],
    ["1.8.1", ["--revision", "r1"], "", "Error: Unsupported flag --revision\n"],
    ["1.30.0", ["--cluster", "cluster1"], "Must specify either --single-cluster or --network.\n", ""],
    ["1.30.0", ["--foo"], "", "Error: Unsupported flag --foo\n"],
  ] as const) {
    const r = await eastWest(version, [...args]);
    t.deepEqual([r.code, r.stdout, r.stderr], [1, stdout, stderr], `${version} ${args.join(" ")}`);
  }
});

test("1.30.0: gen-eastwest-gateway.sh ignores --cluster and --mesh, takes --revision, and prints an ambient Gateway with --ambient", async (t) => {
  const ignored = await eastWest("1.30.0", ["--cluster", "cluster1", "--mesh", "mesh1", "--network", "network1"]);
  t.deepEqual(docs(ignored.stdout), docs((await eastWest("1.30.0", ["--network", "network1"])).stdout));
  const revision = docs((await eastWest("1.30.0", ["--single-cluster", "--revision", "canary"])).stdout)[0]!;
  t.is(revision["spec"]["revision"], "canary");
  const ambient = await eastWest("1.30.0", ["--ambient", "--network", "network1"]);
  t.is(ambient.code, 0, ambient.stderr);
  t.deepEqual(docs(ambient.stdout), [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "istio-eastwestgateway", namespace: "istio-system", labels: { "topology.istio.io/network": "network1" } },
      spec: {
        gatewayClassName: "istio-east-west",
        listeners: [{ name: "mesh", port: 15008, protocol: "HBONE", tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } } }],
      },
    },
  ]);
});

test("no sample carries another project's licence header", async (t) => {
  for (const version of ["1.8.1", "1.30.0"]) {
    for (const relative of [RELEASE_PATHS.exposeIstiod, RELEASE_PATHS.sleep, RELEASE_PATHS.eastWestGateway]) {
      t.notRegex(await readFile(path.join(root, `istio-${version}`, relative), "utf8"), /Copyright|Licensed under|apache\.org\/licenses/i, `${version} ${relative}`);
    }
  }
});

test("a release the lab does not lay out is refused", (t) => {
  t.throws(() => releaseFacts("1.9.0"), { message: /no Istio 1\.9\.0 release/ });
});

test("the parameters name the course's release unless LAB_ISTIO_VERSION picks another laid-out one", (t) => {
  t.is(selectedIstioVersion({}), DEFAULT_LAB_ISTIO_VERSION);
  t.is(DEFAULT_LAB_ISTIO_VERSION, "1.8.1");
  t.is(selectedIstioVersion({ LAB_ISTIO_VERSION: "1.30.0" }), "1.30.0");
  t.throws(() => selectedIstioVersion({ LAB_ISTIO_VERSION: "1.9.0" }), { message: /LAB_ISTIO_VERSION=1\.9\.0 não é uma versão que o laboratório reproduz; use uma de 1\.8\.1, 1\.30\.0/ });
});
