// The chapter's steps as a student runs them, per release: the course's commands for 1.8.1 and istio.io's current
// "Virtual Machine Installation" for 1.30.0, with the corrections the runbook makes (the sidecar package before the
// files that go into its folders, `--autoregister` so the VM registers itself). Each step returns what the commands
// printed; the tests assert on it.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { deploymentsYaml, servicesYaml } from "../../../../lib/course/manifests.js";
import type { Ran } from "../../../helpers/lab-instance.js";
import { CHAPTER, type Student } from "./student.js";

/** What a release prints when things go right or wrong (Istio's and Envoy's own texts). */
export interface ReleaseExpectations {
  /** istio.log lines of a healthy first start (after the readiness endpoint was probed once). */
  successLines: RegExp[];
  /** The 503 body a pod gets when Docker's DNAT hands its mTLS to the plaintext app (istio-vm-facts §4). */
  dockerPublishedPortFailure: string;
  /** --clusterID for `entry configure` (1.8 defaults to Kubernetes; istio.io names the cluster). */
  clusterId?: string;
}

/** Per release. */
export const EXPECT: Readonly<Record<string, ReleaseExpectations>> = {
  "1.8.1": {
    successLines: [
      /\tinfo\tsds\tresource:default pushed key\/cert pair to proxy$/m,
      /\tinfo\tsds\tresource:ROOTCA pushed root cert to proxy$/m,
      /\tinfo\txdsproxy\tEnvoy ADS stream established$/m,
      /\tinfo\txdsproxy\tconnecting to upstream XDS server: istiod\.istio-system\.svc:15012$/m,
      /\tinfo\tEnvoy proxy is ready$/m,
    ],
    dockerPublishedPortFailure: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
  },
  "1.30.0": {
    successLines: [
      /\tinfo\tcache\tgenerated new workload certificate\tresourceName=default latency=\S+ ttl=23h59m\S+$/m,
      /\tinfo\tads\tSDS: PUSH request for node:pegasus-vm\.legacy resources:1 size:\S+ resource:default$/m,
      /\tinfo\txdsproxy\tconnected to upstream XDS server: istiod\.istio-system\.svc:15012\tid=\d+$/m,
      /\tinfo\tReadiness succeeded in \S+$/m,
      /\tinfo\tEnvoy proxy is ready$/m,
    ],
    dockerPublishedPortFailure: "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure",
    clusterId: "cluster1",
  },
};

/** istio.io's vm-cluster.yaml (single network: network left empty). */
const VM_CLUSTER_YAML = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: istio
spec:
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: cluster1
      network: ""
`;

/** Installs Istio with WorkloadEntry auto-registration (the course's --set; istio.io's IstioOperator plus both --set). */
export const installIstio = async (s: Student): Promise<Ran> => {
  if (s.version === "1.8.1") return s.istioctl(["install", "--set", "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "--skip-confirmation"]);
  const file = path.join(s.workDir, "vm-cluster.yaml");
  await writeFile(file, VM_CLUSTER_YAML);
  return s.istioctl([
    "install",
    "-f",
    file,
    "--set",
    "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true",
    "--set",
    "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS=true",
    "-y",
  ]);
};

/** `kubectl apply [-n istio-system] -f samples/multicluster/expose-istiod.yaml` (1.10+ files carry no namespace). */
export const exposeIstiod = (s: Student): Promise<Ran> =>
  s.kubectl(["apply", ...(s.version === "1.8.1" ? [] : ["-n", "istio-system"]), "-f", s.sample("multicluster/expose-istiod.yaml")]);

/** The east-west gateway's external IP once the load balancer gave it one. */
export const eastWestAddress = async (s: Student): Promise<string> =>
  (await s.kubectlEventually(["-n", "istio-system", "get", "svc", "istio-eastwestgateway", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"], /^\d+\.\d+\.\d+\.\d+$/)).stdout;

/** simul-shop's payment (the course's chapter 4 manifests) in `default`, with sidecar injection. */
export const deployPayment = async (s: Student): Promise<Ran> => {
  const pick = (yaml: string) => yaml.split(/^---$/m).filter((d) => /^\s*name: payment$/m.test(d)).join("---\n");
  await s.kubectl(["label", "namespace", "default", "istio-injection=enabled", "--overwrite"]);
  const applied = await s.kubectl(["apply", "-f", "-"], `${pick(deploymentsYaml())}---\n${pick(servicesYaml())}`);
  if (applied.exitCode !== 0) return applied;
  return s.kubectl(["wait", "--for=condition=Ready", "pod", "-l", "app=payment", "--timeout=180s"]);
};

/** Namespace and service account of the VM. */
export const prepareNamespace = async (s: Student): Promise<Ran[]> => [
  await s.kubectl(["create", "namespace", CHAPTER.vmNamespace]),
  await s.kubectl(["create", "serviceaccount", CHAPTER.serviceAccount, "-n", CHAPTER.vmNamespace]),
];

/** The folder `entry configure` writes (WORK_DIR). */
export const vmFilesDir = (s: Student): string => path.join(s.workDir, "vmintegration");

/** WorkloadGroup, its files (with --autoregister) and the group applied. */
export const generateVmFiles = async (s: Student): Promise<{ group: Ran; configure: Ran; apply: Ran }> => {
  const groupFile = path.join(s.workDir, "workloadgroup.yaml");
  const group = await s.istioctl(["x", "workload", "group", "create", "--name", CHAPTER.vmApp, "--namespace", CHAPTER.vmNamespace, "--labels", `app=${CHAPTER.vmApp}`, "--serviceAccount", CHAPTER.serviceAccount]);
  await writeFile(groupFile, group.stdout);
  const clusterId = EXPECT[s.version]?.clusterId;
  const configure = await s.istioctl(["x", "workload", "entry", "configure", "-f", groupFile, "-o", vmFilesDir(s), ...(clusterId ? ["--clusterID", clusterId] : []), "--autoregister"]);
  const apply = await s.kubectl(["apply", "-f", groupFile]);
  return { group, configure, apply };
};

/** The VM commands in istio.io's order: certificate and token, the package, then the files that go into the
 * package's folders, the hosts line and the ownership. One `ssh-vm` per command, as the course runs them. */
export const VM_INSTALL_COMMANDS = (s: Student): string[] => [
  "sudo mkdir -p /etc/certs",
  "sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
  "sudo mkdir -p /var/run/secrets/tokens",
  "sudo cp /home/peguser/istio-token /var/run/secrets/tokens/istio-token",
  `curl -LO ${s.packageUrl}`,
  "sudo dpkg -i istio-sidecar.deb",
  "sudo cp /home/peguser/cluster.env /var/lib/istio/envoy/cluster.env",
  "sudo cp /home/peguser/mesh.yaml /etc/istio/config/mesh",
  s.version === "1.8.1" ? 'sudo -- sh -c "cat /home/peguser/hosts >> /etc/hosts"' : "sudo sh -c 'cat $(eval echo ~$SUDO_USER)/hosts >> /etc/hosts'",
  "sudo mkdir -p /etc/istio/proxy",
  "sudo chown -R istio-proxy /var/lib/istio /etc/certs /etc/istio/proxy /etc/istio/config /var/run/secrets /etc/certs/root-cert.pem",
];

/** Runs commands on the VM in order; stops at the first failure. */
export const runOnVm = async (s: Student, commands: readonly string[]): Promise<Array<{ command: string; ran: Ran }>> => {
  const out: Array<{ command: string; ran: Ran }> = [];
  for (const command of commands) {
    const ran = await s.ssh(command);
    out.push({ command, ran });
    if (ran.exitCode !== 0) break;
  }
  return out;
};

/** The course's pegasus-pay: published with -p (the course) or on the VM's network (the fix). */
export const runPegasus = (s: Student, mode: "published" | "host-network"): Promise<Ran> =>
  s.ssh(
    [
      "docker rm -f pegasus-pay >/dev/null 2>&1;",
      "docker run -d --rm",
      mode === "published" ? "-p 8000:8000" : "--network host",
      "--hostname pegasus-pay --name pegasus-pay",
      "-e SCHED_CALL_URL_LST=http://localhost:8000/healthz -e SCHED_CALL_INTERVAL=300",
      "-e APP=pegasus-pay -e VERSION=v1 kdop/generic-service:0.0.5",
    ].join(" "),
  );

/** `sudo systemctl start istio`, then waits until the sidecar answers ready on 15021 (which also makes the agent log
 * its readiness) and returns istio.log. */
/** The sidecar's readiness as the HTTP status of 15021/healthz/ready (200 when Envoy has its configuration). */
export const SIDECAR_READY = "curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready";

export const startSidecar = async (s: Student): Promise<{ start: Ran; ready: Ran; log: Ran }> => {
  const start = await s.ssh("sudo systemctl start istio");
  const ready = await s.vmEventually(SIDECAR_READY, /^200$/);
  const log = await s.ssh("cat /var/log/istio/istio.log");
  return { start, ready, log };
};

/** The Service of the VM (the course's manifest). */
export const PEGASUS_SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: pegasus-pay
  labels:
    app: pegasus-pay
spec:
  ports:
  - port: 8000
    name: http-vm
    targetPort: 8000
  selector:
    app: pegasus-pay
`;

/** The course's PeerAuthentication for legacy, in the given mode. */
export const peerAuthenticationYaml = (mode: "DISABLE" | "STRICT"): string => `apiVersion: "security.istio.io/v1beta1"
kind: "PeerAuthentication"
metadata:
  name: "disable-mtls-legacy"
  namespace: "legacy"
spec:
  mtls:
    mode: ${mode}
`;

/** The course's ServiceEntry for Kiali. */
export const SERVICE_ENTRY_YAML = `apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: pegasus-pay
  namespace: legacy
spec:
  hosts:
  - pegasus-pay.legacy
  location: MESH_INTERNAL
  ports:
  - number: 8000
    name: http
    protocol: HTTP
  resolution: DNS
`;

/** Fails with the command's output when it did not succeed. */
const must = (what: string, r: Ran): void => {
  if (r.exitCode !== 0) throw new Error(`${what} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
};

/** The whole setup up to an installed but never started sidecar, pegasus-pay published and its Service applied. */
export const prepareVm = async (s: Student): Promise<void> => {
  must("istioctl install", await installIstio(s));
  must("east-west gateway", (await s.eastWestGateway()).install);
  must("expose istiod", await exposeIstiod(s));
  await eastWestAddress(s);
  must("payment", await deployPayment(s));
  for (const r of await prepareNamespace(s)) must("namespace", r);
  must("entry configure", (await generateVmFiles(s)).configure);
  must("scp", await s.scpToVm(vmFilesDir(s)));
  for (const { command, ran } of await runOnVm(s, VM_INSTALL_COMMANDS(s))) must(command, ran);
  must("pegasus-pay", await runPegasus(s, "published"));
  must("Service pegasus-pay", await s.kubectl(["-n", CHAPTER.vmNamespace, "apply", "-f", "-"], PEGASUS_SERVICE_YAML));
};

/** Restarts the sidecar and waits until it is ready again (after a fault is cleared). */
export const restartUntilReady = async (s: Student): Promise<Ran> => {
  must("systemctl restart istio", await s.ssh("sudo systemctl restart istio"));
  return s.vmEventually(SIDECAR_READY, /^200$/);
};
