// Sidecar injection and pod-to-pod mTLS for one release: pods of a namespace labelled istio-injection=enabled get the
// release's istio-init and istio-proxy (1.30 on Kubernetes 1.33: a native sidecar), others are left alone; istio-init
// programs the pod's own netfilter; two injected pods talk through their sidecars with real mTLS (the server
// presents payment's SPIFFE certificate and requires a mesh client certificate); STRICT refuses a plaintext client
// outside the mesh, DISABLE lets it in.
import test from "ava";
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { agentProfile } from "../../../../lab/istio/agent/release.js";
import { createCertificate } from "../../../../lab/istio/agent/rpc.js";
import { generateCsr } from "../../../../lab/istio/agent/secrets.js";
import { PAYMENT_APP_YAML } from "../helpers/payment-app.js";
import { startIstioLab, waitFor, R, type IstioLab, type IstioVersion } from "../helpers/istio-lab.js";

const APPS = `${PAYMENT_APP_YAML}---
apiVersion: v1
kind: Pod
metadata: { name: sleep, namespace: shop, labels: { app: sleep } }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: sleep, image: curlimages/curl, command: ["/bin/sleep", "infinity"] }]
---
apiVersion: v1
kind: Pod
metadata: { name: opted-out, namespace: shop, labels: { app: opted-out }, annotations: { sidecar.istio.io/inject: "false" } }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: sleep, image: curlimages/curl, command: ["/bin/sleep", "infinity"] }]
---
apiVersion: v1
kind: Pod
metadata: { name: outsider, namespace: outside, labels: { app: outsider } }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: sleep, image: curlimages/curl, command: ["/bin/sleep", "infinity"] }]
`;

const peerAuthentication = (mode: string) => `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: default, namespace: shop }
spec: { mtls: { mode: ${mode} } }
`;

/** Registers the injection scenario for `version`. */
export const injectionScenario = (version: IstioVersion): void => {
  let lab: IstioLab;
  const current = version !== "1.8.1";
  const curl = (ns: string, pod: string, url: string) => lab.kubectl(["exec", "-n", ns, pod, "-c", "sleep", "--", "curl", "-s", "-S", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", url]);

  test.serial.before(async () => {
    lab = await startIstioLab();
    const install = await lab.istioctl(version, ["install", "--skip-confirmation"]);
    if (install.exitCode !== 0) throw new Error(install.stderr);
    for (const ns of ["shop", "outside"]) await lab.kubectl(["create", "namespace", ns]);
    await lab.kubectl(["label", "namespace", "shop", "istio-injection=enabled"]);
    const applied = await lab.kubectl(["apply", "-f", "-"], APPS);
    if (applied.exitCode !== 0) throw new Error(applied.stderr);
    for (const [selector, ns] of [["app=payment", "shop"], ["app=sleep", "shop"], ["app=opted-out", "shop"], ["app=outsider", "outside"]] as const) await lab.readyPod(selector, ns);
  });
  test.after.always(async () => {
    await lab?.close();
  });

  test.serial(`${version}: an injected pod gets istio-init with the release's istio-iptables args and istio-proxy running \`proxy sidecar\``, async (t) => {
    const [pod] = await lab.api.list(R.pods, { namespace: "shop", labelSelector: "app=payment" });
    const spec = pod!.spec;
    const init = spec.initContainers.find((c: any) => c.name === "istio-init");
    t.is(init.image, `docker.io/istio/proxyv2:${version}`);
    t.deepEqual(init.args, ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", ...(current ? ["--log_output_level=default:info"] : [])]);
    t.like(init.securityContext, { runAsUser: 0, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } });
    const proxy = (current ? spec.initContainers : spec.containers).find((c: any) => c.name === "istio-proxy");
    t.is(proxy.image, `docker.io/istio/proxyv2:${version}`);
    t.is(proxy.restartPolicy, current ? "Always" : undefined);
    t.deepEqual(proxy.args.slice(0, 4), ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"]);
    if (!current) t.deepEqual(proxy.args.slice(4, 6), ["--serviceCluster", "payment.$(POD_NAMESPACE)"]);
    t.like(proxy.securityContext, { runAsUser: 1337, runAsGroup: 1337 });
    t.like(proxy.readinessProbe, { httpGet: { path: "/healthz/ready", port: 15021 } });
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
    t.like(env, { POD_NAME: "metadata.name", POD_NAMESPACE: "metadata.namespace", INSTANCE_IP: "status.podIP", SERVICE_ACCOUNT: "spec.serviceAccountName", CA_ADDR: "istiod.istio-system.svc:15012", ISTIO_META_CLUSTER_ID: "Kubernetes", ISTIO_META_WORKLOAD_NAME: "payment", TRUST_DOMAIN: "cluster.local" });
    t.like(pod!.metadata.labels, { "security.istio.io/tlsMode": "istio", "service.istio.io/canonical-name": "payment", "service.istio.io/canonical-revision": "v1" });
    const status = JSON.parse(String(pod!.metadata.annotations?.["sidecar.istio.io/status"]));
    t.deepEqual(status.initContainers, current ? ["istio-init", "istio-proxy"] : ["istio-init"]);
    t.true(status.volumes.includes("istio-token"));
    // the app's HTTP readiness probe goes through the agent (rewriteAppHTTPProbe)
    const app = spec.containers.find((c: any) => c.name === "payment");
    t.like(app.readinessProbe, { httpGet: { path: "/app-health/payment/readyz", port: 15020 } });
  });

  test.serial(`${version}: pods outside labelled namespaces, or annotated sidecar.istio.io/inject: "false", are left alone`, async (t) => {
    for (const [name, ns] of [["outsider", "outside"], ["opted-out", "shop"]] as const) {
      const pod = await lab.api.get(R.pods, name, ns);
      t.deepEqual(pod.spec.containers.map((c: any) => c.name), ["sleep"], name);
      t.is(pod.spec.initContainers, undefined, name);
      t.is(pod.metadata.annotations?.["sidecar.istio.io/status"], undefined, name);
    }
  });

  test.serial(`${version}: istio-init programs the pod's own netfilter and istio-proxy answers 15021 once configured`, async (t) => {
    const [pod] = await lab.api.list(R.pods, { namespace: "shop", labelSelector: "app=payment" });
    const rules = await lab.kubectl(["exec", "-n", "shop", pod!.metadata.name, "-c", "payment", "--", "iptables-save", "-t", "nat"]);
    t.regex(rules.stdout, /^-A PREROUTING -p tcp -j ISTIO_INBOUND$/m);
    t.regex(rules.stdout, /^-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006$/m);
    t.regex(rules.stdout, /^-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001$/m);
    const log = await lab.waitForLog("shop", pod!.metadata.name, "istio-proxy", /\tinfo\tEnvoy proxy is ready$/);
    t.truthy(log);
  });

  test.serial(`${version}: sidecar to sidecar is real mTLS: payment presents its SPIFFE certificate and wants a mesh client certificate`, async (t) => {
    t.is((await curl("shop", "sleep", "payment:8000/")).stdout, "200");
    const [pod] = await lab.api.list(R.pods, { namespace: "shop", labelSelector: "app=payment" });
    const root = String(((await lab.api.get(R.configmaps, "istio-ca-root-cert", "shop")) as any).data["root-cert.pem"]);
    const token = String((await lab.api.create({ group: "", version: "v1", resource: "serviceaccounts/token" }, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: { name: "default", namespace: "shop" }, spec: { audiences: ["istio-ca"], expirationSeconds: 3600 } })).status.token);
    const istiod = await lab.readyPod("app=istiod", "istio-system");
    const { csrPem, keyPem } = await generateCsr("spiffe://cluster.local/ns/shop/sa/default");
    const chain = await createCertificate({ profile: agentProfile(version), dial: { address: `${istiod.status.podIP}:15012`, serverName: "istiod.istio-system.svc", rootPem: root }, token, clusterId: "Kubernetes", request: { csr: csrPem, validityDuration: 3600 } });
    const handshake = (withClientCert: boolean) =>
      new Promise<{ peer?: tls.PeerCertificate; error?: Error }>((resolve) => {
        const s = tls.connect({ host: pod!.status.podIP, port: 8000, servername: "outbound_.8000_._.payment.shop.svc.cluster.local", ca: root, ALPNProtocols: ["istio-http/1.1", "istio"], checkServerIdentity: () => undefined, ...(withClientCert ? { cert: chain[0], key: keyPem } : {}) }, () => {
          const peer = s.getPeerCertificate();
          s.write("GET / HTTP/1.1\r\nHost: payment\r\n\r\n");
          s.once("data", () => (s.end(), resolve({ peer })));
          s.once("error", (error) => resolve({ peer, error }));
        });
        s.once("error", (error) => resolve({ error }));
      });
    const ok = await handshake(true);
    t.is(ok.error, undefined);
    t.is(ok.peer?.subjectaltname, "URI:spiffe://cluster.local/ns/shop/sa/payment");
    t.true(new X509Certificate(ok.peer!.raw).verify(new X509Certificate(root).publicKey));
    const refused = await handshake(false);
    t.truthy(refused.error);
  });

  test.serial(`${version}: STRICT refuses a plaintext client outside the mesh; sidecar to sidecar still works`, async (t) => {
    t.is((await curl("outside", "outsider", "payment.shop:8000/")).stdout, "200");
    t.is((await lab.kubectl(["apply", "-f", "-"], peerAuthentication("STRICT"))).exitCode, 0);
    const refused = await waitFor("plaintext refused", async () => {
      const r = await curl("outside", "outsider", "payment.shop:8000/");
      return r.exitCode !== 0 ? r : undefined;
    });
    t.regex(refused.stderr, /curl: \(56\) Recv failure: Connection reset by peer|curl: \(52\) Empty reply from server/);
    t.is((await curl("shop", "sleep", "payment:8000/")).stdout, "200");
  });

  test.serial(`${version}: DISABLE lets the plaintext client in, and the client sidecar sends plaintext too (auto mTLS)`, async (t) => {
    t.is((await lab.kubectl(["apply", "-f", "-"], peerAuthentication("DISABLE"))).exitCode, 0);
    const accepted = await waitFor("plaintext accepted", async () => {
      const r = await curl("outside", "outsider", "payment.shop:8000/");
      return r.stdout === "200" ? r : undefined;
    });
    t.is(accepted.stdout, "200");
    t.is((await curl("shop", "sleep", "payment:8000/")).stdout, "200");
  });
};
