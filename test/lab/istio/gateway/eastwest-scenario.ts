// The scenario of the chapter's path from the VM to istiod, for the course's 1.8.1 and the current 1.30.0: the east-west gateway's
// LoadBalancer IP refuses 15012 until expose-istiod's Gateway exists, then forwards it (TCP in 1.8.1, TLS passthrough
// now) to istiod; an agent outside the cluster (a network namespace standing in for the VM, istiod's name mapped to
// the LB IP by the `hosts` file) gets its certificate, its configuration and the DNS name table through it, registers
// its WorkloadEntry, and calls a pod's service by name over mTLS. The 15443 AUTO_PASSTHROUGH server routes by SNI.
import test from "ava";
import type { IstioVersion } from "../helpers/istio-lab.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import tls from "node:tls";
import { startIstioLab, waitFor, run, R, type IstioLab } from "../helpers/istio-lab.js";
import { PAYMENT_APP_YAML } from "../helpers/payment-app.js";
import { readVmFiles, TestVm, type AgentProcess, type VmFiles } from "../helpers/vm-agent.js";

const SHOP = PAYMENT_APP_YAML;

/** Registers the scenario's tests for `version` (one test file per release: each owns instance 10 in turn). */
export const eastWestScenario = (version: IstioVersion): void => {
  let lab: IstioLab;
  let vm: TestVm;
  let files: VmFiles;
  let agent: AgentProcess;
  let lbIp: string;
  let work: string;
  const current = version !== "1.8.1";

  test.serial.before(async () => {
    lab = await startIstioLab();
    work = await mkdtemp("/tmp/ilab10-eastwest-");
    const rel = lab.releases[version]!.dir;
    const install = await lab.istioctl(version, ["install", "--set", "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "--skip-confirmation"]);
    if (install.exitCode !== 0) throw new Error(install.stderr);
    const ew = await run("bash", ["-c", `"${rel}/samples/multicluster/gen-eastwest-gateway.sh" --single-cluster | "${rel}/bin/istioctl" install -y -f -`], { env: { PATH: process.env["PATH"], KUBECONFIG: lab.cluster.kubeconfigFile, HOME: lab.stateDir } });
    if (ew.exitCode !== 0) throw new Error(ew.stderr);
    lbIp = await waitFor("the east-west gateway's LoadBalancer IP", async () => (await lab.api.get(R.services, "istio-eastwestgateway", "istio-system")).status?.loadBalancer?.ingress?.[0]?.ip as string | undefined);
    await lab.kubectl(["create", "namespace", "shop"]);
    await lab.kubectl(["label", "namespace", "shop", "istio-injection=enabled"]);
    const applied = await lab.kubectl(["apply", "-f", "-"], SHOP);
    if (applied.exitCode !== 0) throw new Error(applied.stderr);
    await lab.readyPod("app=payment", "shop");
    vm = await TestVm.create("ewvm", "198.18.160.60");
  });

  test.after.always(async () => {
    await vm?.destroy();
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test.serial(`${version}: before expose-istiod, nothing listens on the gateway's 15012 (nc from the VM: connection refused)`, async (t) => {
    const r = await vm.exec(["nc", "-vz", "-w", "3", lbIp, "15012"]);
    t.is(r.exitCode, 1);
    t.regex(r.stderr, new RegExp(`connect to ${lbIp.replaceAll(".", "\\.")} port 15012 \\(tcp\\) failed: Connection refused`));
  });

  test.serial(`${version}: expose-istiod's Gateway opens 15012 and 15017 on the LoadBalancer IP`, async (t) => {
    const file = path.join(lab.releases[version]!.dir, "samples/multicluster/expose-istiod.yaml");
    const r = await lab.kubectl(["apply", "-f", file, ...(current ? ["-n", "istio-system"] : [])]);
    t.is(r.exitCode, 0, r.stderr);
    const open = await waitFor("15012 to open", async () => {
      const nc = await vm.exec(["nc", "-vz", "-w", "3", lbIp, "15012"]);
      return nc.exitCode === 0 ? nc : undefined;
    });
    t.regex(open.stderr, /succeeded!/);
    t.is((await vm.exec(["nc", "-vz", "-w", "3", lbIp, "15017"])).exitCode, 0);
  });

  test.serial(`${version}: the gateway forwards the TLS of 15012 to istiod unchanged: the VM sees istiod's own certificate`, async (t) => {
    const root = String((await lab.api.get(R.configmaps, "istio-ca-root-cert", "istio-system") as any).data["root-cert.pem"]);
    const cert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const s = tls.connect({ host: lbIp, port: 15012, servername: "istiod.istio-system.svc", ca: root, ALPNProtocols: ["h2"] }, () => {
        resolve(s.getPeerCertificate());
        s.end();
      });
      s.once("error", reject);
    });
    t.regex(cert.subjectaltname ?? "", /DNS:istiod\.istio-system\.svc/);
  });

  test.serial(`${version}: the VM's agent gets its certificate, configuration and name table through the gateway`, async (t) => {
    await lab.kubectl(["create", "namespace", "legacy"]);
    await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "legacy"]);
    const wg = await lab.istioctl(version, ["x", "workload", "group", "create", "--name", "pegasus-pay", "--namespace", "legacy", "--labels", "app=pegasus-pay", "--serviceAccount", "legacy-pegasus"]);
    await writeFile(path.join(work, "workloadgroup.yaml"), wg.stdout);
    t.is((await lab.kubectl(["apply", "-f", path.join(work, "workloadgroup.yaml")])).exitCode, 0);
    const configure = await lab.istioctl(version, ["x", "workload", "entry", "configure", "-f", path.join(work, "workloadgroup.yaml"), "-o", path.join(work, "vm"), "--autoregister"]);
    t.is(configure.exitCode, 0, configure.stderr);
    files = await readVmFiles(path.join(work, "vm"));
    t.is(files.hosts.trim(), `${lbIp} istiod.istio-system.svc`);
    await vm.install(files);
    const capture = await vm.capture(version, files);
    t.is(capture.exitCode, 0, capture.stdout + capture.stderr);
    agent = vm.startAgent(version, vm.agentEnv(files));
    if (current) {
      await agent.waitForLine(/\tinfo\tcache\tgenerated new workload certificate\tresourceName=default latency=\S+ ttl=23h59m/);
      await agent.waitForLine(/\tinfo\txdsproxy\tconnected to upstream XDS server: istiod\.istio-system\.svc:15012\tid=\d+$/);
    } else {
      await agent.waitForLine(/\tinfo\tsds\tresource:default pushed key\/cert pair to proxy$/);
      await agent.waitForLine(/\tinfo\tsds\tresource:ROOTCA pushed root cert to proxy$/);
      await agent.waitForLine(/\tinfo\txdsproxy\tEnvoy ADS stream established$/);
      await agent.waitForLine(/\tinfo\txdsproxy\tconnecting to upstream XDS server: istiod\.istio-system\.svc:15012$/);
    }
    await agent.waitForLine(/\tinfo\tenvoy config\tall dependencies initialized\. starting workers$/);
    const ready = await vm.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "localhost:15021/healthz/ready"]);
    t.is(ready.stdout, "200");
    await agent.waitForLine(/\tinfo\tEnvoy proxy is ready$/);
    // the certificate the agent wrote to OUTPUT_CERTS (/etc/certs on a VM): the service account's SPIFFE identity, 24 h
    const chain = await readFile(path.join(vm.root, "etc/certs/cert-chain.pem"), "utf8");
    const leaf = new X509Certificate(chain);
    t.is(leaf.subjectAltName, "URI:spiffe://cluster.local/ns/legacy/sa/legacy-pegasus");
    t.true(leaf.verify(new X509Certificate(files.rootCert).publicKey));
    t.is(Math.round((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600_000), 24);
  });

  test.serial(`${version}: auto-registration created the VM's WorkloadEntry pegasus-pay-<ip>`, async (t) => {
    const we = await waitFor("the WorkloadEntry", async () => {
      const r = await lab.kubectl(["get", "workloadentry", "-n", "legacy", `pegasus-pay-${vm.ip}`, "-o", "json"]);
      return r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
    });
    t.is(we.spec.address, vm.ip);
    t.is(we.spec.serviceAccount, "legacy-pegasus");
    t.is(we.metadata.annotations["istio.io/autoRegistrationGroup"], "pegasus-pay");
    t.regex(we.metadata.annotations["istio.io/workloadController"], /^istiod-/);
    t.is(we.metadata.ownerReferences[0].kind, "WorkloadGroup");
  });

  test.serial(`${version}: the VM resolves cluster names through the agent's DNS proxy and calls a pod's service by name`, async (t) => {
    const svc = await lab.api.get(R.services, "payment", "shop");
    const dig = await vm.exec(["dig", "+short", "payment.shop.svc.cluster.local"]);
    t.is(dig.stdout.trim(), svc.spec.clusterIP);
    const curl = await vm.exec(["curl", "-s", "-D", "-", "payment.shop.svc:8000/"]);
    t.is(curl.exitCode, 0, curl.stderr);
    t.regex(curl.stdout, /^HTTP\/1\.1 200 OK/);
    t.regex(curl.stdout, /\r\nserver: envoy\r\n/);
    t.regex(curl.stdout, /"app":"payment"/);
  });

  test.serial(`${version}: 15443 with AUTO_PASSTHROUGH routes SNI outbound_.8000_._.payment.shop.svc.cluster.local to the pod, keeping mTLS end to end`, async (t) => {
    const gw = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: { name: cross-network-gateway, namespace: istio-system }
spec:
  selector: { istio: eastwestgateway }
  servers:
  - port: { number: 15443, name: tls, protocol: TLS }
    tls: { mode: AUTO_PASSTHROUGH }
    hosts: ["*.local"]
`;
    t.is((await lab.kubectl(["apply", "-f", "-"], gw)).exitCode, 0);
    const key = await readFile(path.join(vm.root, "etc/certs/key.pem"), "utf8");
    const cert = await readFile(path.join(vm.root, "etc/certs/cert-chain.pem"), "utf8");
    const peer = await waitFor("a TLS session through 15443", () =>
      new Promise<tls.PeerCertificate | undefined>((resolve) => {
        const s = tls.connect({ host: lbIp, port: 15443, servername: "outbound_.8000_._.payment.shop.svc.cluster.local", ca: files.rootCert, cert, key, ALPNProtocols: ["istio-peer-exchange", "istio"], checkServerIdentity: () => undefined }, () => {
          resolve(s.getPeerCertificate());
          s.end();
        });
        s.once("error", () => resolve(undefined));
      }),
    );
    t.is(peer.subjectaltname, "URI:spiffe://cluster.local/ns/shop/sa/payment");
  });

  test.serial(`${version}: when the agent stops, its WorkloadEntry is marked disconnected`, async (t) => {
    await agent.stop();
    const we = await waitFor("istio.io/disconnectedAt", async () => {
      const r = await lab.kubectl(["get", "workloadentry", "-n", "legacy", `pegasus-pay-${vm.ip}`, "-o", "json"]);
      const o = r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
      return o?.metadata?.annotations?.["istio.io/disconnectedAt"] ? o : undefined;
    });
    t.truthy(Date.parse(we.metadata.annotations["istio.io/disconnectedAt"]));
  });
};
