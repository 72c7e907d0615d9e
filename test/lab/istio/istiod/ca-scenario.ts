// istiod's CA as the real one behaves, for one release: the self-signed root in Secret istio-ca-secret, the
// istio-ca-root-cert ConfigMap in every namespace (new ones too, and restored), workload certificates for a valid
// istio-token (audience istio-ca, checked by a TokenReview), the refusals of an expired or wrong-audience token with
// the release's texts (agent side: code 16 "request authenticate failure"; istiod side: its log line), renewal with a
// mesh client certificate, and the ADS port's authentication. Calls go to istiod's pod over real TLS and HTTP/2.
import test from "ava";
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { issueServiceAccountToken } from "../../../../lab/cluster/apiserver/tokens.js";
import { CertificateAuthority, createRoot } from "../../../../lab/istio/istiod/ca/authority.js";
import { agentProfile } from "../../../../lab/istio/agent/release.js";
import { createCertificate, openAds, RpcFailure } from "../../../../lab/istio/agent/rpc.js";
import { generateCsr } from "../../../../lab/istio/agent/secrets.js";
import { startIstioLab, waitFor, R, type IstioLab, type IstioVersion } from "../helpers/istio-lab.js";

/** Registers the CA scenario for `version`. */
export const caScenario = (version: IstioVersion): void => {
  let lab: IstioLab;
  let istiod: { name: string; ip: string };
  let rootPem: string;
  const profile = agentProfile(version);
  const json = version === "1.8.1"; // the 1.8 chart runs istiod with --log_as_json

  /** CreateCertificate against istiod's pod with an optional bearer token and client certificate. */
  const sign = async ({ token, client, spiffe = "spiffe://cluster.local/ns/default/sa/default" }: { token?: string; client?: { certPem: string; keyPem: string }; spiffe?: string }) => {
    const { csrPem, keyPem } = await generateCsr(spiffe);
    const chain = await createCertificate({
      profile,
      dial: { address: `${istiod.ip}:15012`, serverName: "istiod.istio-system.svc", rootPem, ...(client ? { client } : {}) },
      token,
      clusterId: "Kubernetes",
      request: { csr: csrPem, validityDuration: 86400 },
    });
    return { chain, keyPem };
  };

  /** A TokenRequest for `sa` in `ns`. */
  const tokenFor = async (ns: string, sa: string, audiences: string[] | null): Promise<string> => {
    const r = await lab.api.create({ group: "", version: "v1", resource: "serviceaccounts/token" }, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: { name: sa, namespace: ns }, spec: { audiences, expirationSeconds: 3600 } });
    return String(r.status.token);
  };

  /** istiod's log lines (JSON decoded in 1.8). */
  const istiodLog = async (): Promise<Array<{ level: string; scope: string; msg: string }>> =>
    (await lab.logs("istio-system", istiod.name, "discovery"))
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        if (json) {
          const o = JSON.parse(l) as { level: string; scope: string; msg: string };
          return o;
        }
        const [, level, scope, ...msg] = l.split("\t");
        return msg.length ? { level: level!, scope: scope!, msg: msg.join("\t") } : { level: level!, scope: "default", msg: scope! };
      });

  test.serial.before(async () => {
    lab = await startIstioLab();
    const install = await lab.istioctl(version, ["install", "--skip-confirmation"]);
    if (install.exitCode !== 0) throw new Error(install.stderr);
    const pod = await lab.readyPod("app=istiod", "istio-system");
    istiod = { name: pod.metadata.name, ip: pod.status.podIP };
    rootPem = String(((await lab.api.get(R.configmaps, "istio-ca-root-cert", "istio-system")) as any).data["root-cert.pem"]);
  });
  test.after.always(async () => {
    await lab?.close();
  });

  test.serial(`${version}: the root lives in Secret istio-ca-secret (istio.io/ca-root): self-signed, O=cluster.local, ten years`, async (t) => {
    const secret = (await lab.api.get(R.secrets, "istio-ca-secret", "istio-system")) as any;
    t.is(secret.type, "istio.io/ca-root");
    const root = new X509Certificate(Buffer.from(secret.data["ca-cert.pem"], "base64"));
    t.is(root.subject, "O=cluster.local");
    t.is(root.issuer, "O=cluster.local");
    t.true(root.ca);
    t.is(Math.round((Date.parse(root.validTo) - Date.parse(root.validFrom)) / (365 * 86400_000)), 10);
    t.is(root.toString().trim(), new X509Certificate(rootPem).toString().trim());
  });

  test.serial(`${version}: istio-ca-root-cert is published in every namespace the release covers, new ones too, and restored`, async (t) => {
    const namespaces = (await lab.api.list(R.namespaces)).map((n) => n.metadata.name);
    const skipped = version === "1.8.1" ? [] : ["kube-public", "kube-node-lease"];
    for (const ns of namespaces) {
      const has = await lab.api.get(R.configmaps, "istio-ca-root-cert", ns).then(() => true, () => false);
      t.is(has, !skipped.includes(ns), ns);
    }
    await lab.kubectl(["create", "namespace", "fresh"]);
    const fresh = await waitFor("istio-ca-root-cert in a new namespace", () => lab.api.get(R.configmaps, "istio-ca-root-cert", "fresh").catch(() => undefined));
    t.is((fresh as any).data["root-cert.pem"], rootPem);
    t.deepEqual(fresh.metadata.labels, { "istio.io/config": "true" });
    await lab.kubectl(["delete", "configmap", "istio-ca-root-cert", "-n", "fresh"]);
    await waitFor("the deleted ConfigMap back", () => lab.api.get(R.configmaps, "istio-ca-root-cert", "fresh").catch(() => undefined));
    await lab.kubectl(["patch", "configmap", "istio-ca-root-cert", "-n", "fresh", "--type", "merge", "-p", '{"data":{"root-cert.pem":"edited"}}']);
    await waitFor("the edited ConfigMap restored", async () => ((await lab.api.get(R.configmaps, "istio-ca-root-cert", "fresh")) as any).data["root-cert.pem"] === rootPem);
    t.pass();
  });

  test.serial(`${version}: a valid istio-token gets a 24 h certificate for the token's SPIFFE identity, signed by the root`, async (t) => {
    await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "fresh"]);
    const token = await tokenFor("fresh", "legacy-pegasus", ["istio-ca"]);
    // the CSR asks for another identity: the certificate carries the authenticated one
    const { chain } = await sign({ token, spiffe: "spiffe://cluster.local/ns/default/sa/admin" });
    t.is(chain.length, 2);
    const leaf = new X509Certificate(chain[0]!);
    t.is(leaf.subjectAltName, "URI:spiffe://cluster.local/ns/fresh/sa/legacy-pegasus");
    t.falsy(leaf.subject); // empty subject: the identity is only in the (critical) URI SAN
    t.false(leaf.ca);
    t.true(leaf.verify(new X509Certificate(rootPem).publicKey));
    t.is(Math.round((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600_000), 24);
    t.is(new X509Certificate(chain[1]!).fingerprint256, new X509Certificate(rootPem).fingerprint256);
  });

  test.serial(`${version}: an expired istio-token is refused with code 16 "request authenticate failure" and istiod says why`, async (t) => {
    const sa = (await lab.api.get({ group: "", version: "v1", resource: "serviceaccounts" }, "legacy-pegasus", "fresh")) as any;
    const { token } = issueServiceAccountToken({ privateKey: lab.cluster.pki.saKey, namespace: "fresh", serviceAccount: { name: "legacy-pegasus", uid: sa.metadata.uid }, audiences: ["istio-ca"], expirationSeconds: 3600, now: Date.now() - 2 * 3600_000 });
    const error = await t.throwsAsync(sign({ token }), { instanceOf: RpcFailure });
    t.is(error!.message, "rpc error: code = Unauthenticated desc = request authenticate failure");
    const expected =
      version === "1.8.1"
        ? { level: "warn", scope: "serverca", re: /^Authentication failed for [\d.]+:\d+: Authenticator ClientCertAuthenticator at index 0 got error: no client certificate is presented\. Authenticator KubeJWTAuthenticator at index 1 got error: failed to validate the JWT from cluster Kubernetes: the service account authentication returns an error: \[invalid bearer token, service account token has expired\]\. $/ }
        : { level: "error", scope: "security", re: /^Failed to authenticate client from [\d.]+:\d+: Authenticator ClientCertAuthenticator: no client certificate is presented; Authenticator KubeJWTAuthenticator: failed to validate the JWT from cluster "Kubernetes": the service account authentication returns an error: \[invalid bearer token, service account token has expired\]$/ };
    const line = await waitFor("istiod's authentication failure line", async () => (await istiodLog()).find((l) => expected.re.test(l.msg)));
    t.is(line.level, expected.level);
    t.is(line.scope, expected.scope);
  });

  test.serial(`${version}: a token for another audience is refused the same way (TokenReview: invalid for the target audiences ["istio-ca"])`, async (t) => {
    const token = await tokenFor("fresh", "legacy-pegasus", null);
    const error = await t.throwsAsync(sign({ token }), { instanceOf: RpcFailure });
    t.is(error!.status.code, 16);
    const line = await waitFor("the audience failure", async () => (await istiodLog()).find((l) => /is invalid for the target audiences \["istio-ca"\]/.test(l.msg)));
    t.regex(line.msg, /KubeJWTAuthenticator/);
  });

  test.serial(`${version}: renewal needs no token: a mesh certificate authenticates the call; one from another CA does not`, async (t) => {
    const token = await tokenFor("fresh", "legacy-pegasus", ["istio-ca"]);
    const first = await sign({ token });
    const renewed = await sign({ client: { certPem: first.chain[0]!, keyPem: first.keyPem } });
    t.is(new X509Certificate(renewed.chain[0]!).subjectAltName, "URI:spiffe://cluster.local/ns/fresh/sa/legacy-pegasus");
    const other = await CertificateAuthority.load(await createRoot("cluster.local"));
    const { csrPem, keyPem } = await generateCsr("spiffe://cluster.local/ns/fresh/sa/legacy-pegasus");
    const foreign = await other.signCsr({ csrPem, identities: ["spiffe://cluster.local/ns/fresh/sa/legacy-pegasus"], ttlSeconds: 3600 });
    const error = await t.throwsAsync(sign({ client: { certPem: foreign, keyPem } }), { instanceOf: RpcFailure });
    t.is(error!.message, "rpc error: code = Unauthenticated desc = request authenticate failure");
  });

  test.serial(`${version}: 15012 serves istiod's certificate (DNS istiod.istio-system.svc) and refuses an unauthenticated ADS stream`, async (t) => {
    const cert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const s = tls.connect({ host: istiod.ip, port: 15012, servername: "istiod.istio-system.svc", ca: rootPem, ALPNProtocols: ["h2"] }, () => {
        resolve(s.getPeerCertificate());
        s.end();
      });
      s.once("error", reject);
    });
    t.regex(String(cert.subjectaltname), /^DNS:istiod\.istio-system\.svc, DNS:istiod-remote\.istio-system\.svc, DNS:istio-pilot\.istio-system\.svc$/);
    const ads = await openAds({ profile, dial: { address: `${istiod.ip}:15012`, serverName: "istiod.istio-system.svc", rootPem }, clusterId: "Kubernetes" });
    const body = await new Promise<string>((resolve) => {
      let text = "";
      ads.stream.on("data", (c: Buffer) => (text += c.toString()));
      ads.stream.once("close", () => resolve(text));
      ads.stream.end();
    });
    ads.session.close();
    t.deepEqual(JSON.parse(body), { code: 16, message: "authentication failure" });
    const line = await waitFor("the XDS authentication failure", async () => (await istiodLog()).find((l) => /^Failed to authenticate client from /.test(l.msg)));
    t.is(line.scope, version === "1.8.1" ? "ads" : "security");
  });
};
