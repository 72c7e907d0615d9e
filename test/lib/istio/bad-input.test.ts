// The bad inputs lib/istio refuses: each is an InputError in Portuguese (cause + "Como corrigir"), raised before
// istioctl or kubectl runs and before anything is recorded.
import test from "ava";
import { rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { Istioctl } from "../../../lib/istio/istioctl.js";
import { vmClusterOperator } from "../../../lib/istio/resources/istio-operator.js";
import { peerAuthentication, type MtlsMode } from "../../../lib/istio/resources/peer-authentication.js";
import { serviceEntry } from "../../../lib/istio/resources/service-entry.js";
import { vmService } from "../../../lib/istio/resources/service.js";
import { workloadEntry } from "../../../lib/istio/resources/workload-entry.js";
import { workloadGroup } from "../../../lib/istio/resources/workload-group.js";
import { istioFeatures } from "../../../lib/istio/versions.js";
import { istioSession, recordingExecutor } from "./helpers/istio-session.js";

interface Case {
  name: string;
  version?: string;
  lines?: Record<string, string>;
  /** Prepare the project folder (e.g. remove the release). */
  setup?: (x: { root: string; releaseDir: string }) => void;
  run: (istioctl: Istioctl) => unknown;
}

const wg = { version: "1.8.1", name: "pegasus-pay", namespace: "legacy", labels: { app: "pegasus-pay" }, serviceAccount: "legacy-pegasus" };
const se = { version: "1.8.1", name: "pegasus-pay", namespace: "legacy", hosts: ["pegasus-pay.legacy"], ports: [{ number: 8000, name: "http", protocol: "HTTP" }], location: "MESH_INTERNAL" as const, resolution: "DNS" as const };
const writeWorkloadGroup = ({ root }: { root: string }) => {
  mkdirSync(path.join(root, "bkp"), { recursive: true });
  writeFileSync(path.join(root, "bkp", "workloadgroup.yaml"), "apiVersion: networking.istio.io/v1alpha3\nkind: WorkloadGroup\nmetadata:\n  name: pegasus-pay\n  namespace: legacy\n");
};

const CASES: Case[] = [
  { name: "ISTIOCTL does not exist", setup: ({ releaseDir }) => rmSync(path.join(releaseDir, "bin", "istioctl")), run: (i) => i.install() },
  { name: "ISTIO_DIR does not exist (release not downloaded)", setup: ({ releaseDir }) => rmSync(releaseDir, { recursive: true }), lines: { ISTIOCTL: "/bin/true" }, run: (i) => i.eastWestGateway() },
  { name: "the release has no expose-istiod.yaml", setup: ({ releaseDir }) => rmSync(path.join(releaseDir, "samples", "multicluster", "expose-istiod.yaml")), run: (i) => i.exposeIstiod() },
  { name: "--set key with a space", run: (i) => i.install({ set: { "values.pilot.env X": "true" } }) },
  { name: "--set with an empty value", run: (i) => i.install({ set: { "values.pilot.env.X": "" } }) },
  { name: "--set value with a line break", run: (i) => i.install({ set: { "values.pilot.env.X": "true\n--set=evil" } }) },
  { name: "install -f of a file that does not exist", run: (i) => i.install({ files: ["vm-cluster.yaml"] }) },
  { name: "install of an empty IstioOperator", run: (i) => i.install({ manifest: "" }) },
  { name: "east-west network with capitals", run: (i) => i.eastWestGateway({ network: "Network1" }) },
  { name: "1.8 multi-network gateway without MESH_ID", run: (i) => i.eastWestGateway({ network: "network1" }) },
  { name: "workload group with an invalid name", run: (i) => i.workloadGroupCreate({ name: "Pegasus Pay" }) },
  { name: "workload group with an invalid label value", run: (i) => i.workloadGroupCreate({ labels: { app: "pegasus pay" } }) },
  { name: "workload group with an invalid service account", run: (i) => i.workloadGroupCreate({ serviceAccount: "legacy_pegasus" }) },
  { name: "workload group with a port out of range", run: (i) => i.workloadGroupCreate({ ports: { http: 0 } }) },
  { name: "workload entry configure before the WorkloadGroup file exists", run: (i) => i.workloadEntryConfigure() },
  { name: "workload entry configure with an empty WorkloadGroup file", setup: ({ root }) => (mkdirSync(path.join(root, "bkp"), { recursive: true }), writeFileSync(path.join(root, "bkp", "workloadgroup.yaml"), "")), run: (i) => i.workloadEntryConfigure() },
  { name: "token shorter than 10 minutes", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ tokenDuration: 599 }) },
  { name: "token duration that is not an integer", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ tokenDuration: 3600.5 }) },
  { name: "ingressIP that is a host name", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ ingressIP: "pegasus.eastus.cloudapp.azure.com" }) },
  { name: "--internalIP on 1.8.1", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ internalIP: "10.240.0.115" }) },
  { name: "internalIP and externalIP together", version: "1.30.0", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ internalIP: "10.240.0.115", externalIP: "52.1.1.1" }) },
  { name: "externalIP that is not an IP", version: "1.30.0", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ externalIP: "vm.example.com" }) },
  { name: "ingressService with an invalid name", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ ingressService: "istio_eastwestgateway" }) },
  { name: "revision with an invalid name", setup: writeWorkloadGroup, run: (i) => i.workloadEntryConfigure({ revision: "1.8.1!" }) },
  { name: "WorkloadGroup builder: no labels", run: () => workloadGroup({ ...wg, labels: {} }) },
  { name: "WorkloadGroup builder: probe on 1.8", run: () => workloadGroup({ ...wg, probe: { tcpSocket: { port: 8000 } } }) },
  { name: "WorkloadEntry builder: address that is neither IP nor DNS", run: () => workloadEntry({ ...wg, address: "10.240.0.300" }) },
  { name: "WorkloadEntry builder: invalid service account", run: () => workloadEntry({ ...wg, address: "10.240.0.115", serviceAccount: "Legacy" }) },
  { name: "PeerAuthentication builder: unknown mode", run: () => peerAuthentication({ version: "1.8.1", name: "x", namespace: "legacy", mode: "OFF" as MtlsMode }) },
  { name: "PeerAuthentication builder: an apiVersion Istio does not serve", run: () => peerAuthentication({ version: "1.8.1", name: "x", namespace: "legacy", mode: "DISABLE", apiVersion: "security.istio.io/v2" }) },
  { name: "ServiceEntry builder: unknown location", run: () => serviceEntry({ ...se, location: "INTERNAL" as "MESH_INTERNAL" }) },
  { name: "ServiceEntry builder: unknown protocol", run: () => serviceEntry({ ...se, ports: [{ number: 8000, name: "http", protocol: "HTTP3" }] }) },
  { name: "ServiceEntry builder: wildcard in the middle of a host", run: () => serviceEntry({ ...se, hosts: ["pegasus.*.legacy"] }) },
  { name: "ServiceEntry builder: selector and endpoints together", run: () => serviceEntry({ ...se, workloadSelector: { app: "x" }, endpoints: [{ address: "10.0.0.1" }] }) },
  { name: "Service builder: port name with capitals", run: () => vmService({ name: "pegasus-pay", selector: { app: "x" }, ports: [{ name: "HTTP-vm", port: 8000 }] }) },
  { name: "Service builder: duplicate port names", run: () => vmService({ name: "pegasus-pay", selector: { app: "x" }, ports: [{ name: "http-vm", port: 8000 }, { name: "http-vm", port: 8001 }] }) },
  { name: "IstioOperator builder: invalid network", run: () => vmClusterOperator({ version: "1.30.0", network: "Net_1" }) },
  { name: "feature table: unknown Istio version", run: () => istioFeatures("1.31.0") },
];

for (const c of CASES) {
  test.serial(`refuses: ${c.name}`, async (t) => {
    const executor = recordingExecutor();
    const { session, events, root, release } = istioSession({ executor, ...(c.version ? { version: c.version } : {}), ...(c.lines ? { lines: c.lines } : {}) });
    c.setup?.({ root, releaseDir: release.dir });
    const error = await t.throwsAsync(async () => c.run(new Istioctl({ session })), { instanceOf: InputError });
    t.regex(error!.message, /\nComo corrigir: ./, "names the fix");
    t.is(executor.specs.length, 0, "nothing ran");
    t.is(events.events.length, 0, "nothing was recorded");
  });
}

test("the corpus is large enough for the integrator's list", (t) => {
  t.true(CASES.length >= 25);
});
