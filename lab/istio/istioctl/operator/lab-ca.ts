// A lab addition until the istiod stand-in exists: the mesh's self-signed root CA as istiod creates it on first start
// (Secret `istio-ca-secret` in the Istio namespace, subject O=<trust domain>, ten years) and its certificate in
// ConfigMap `istio-ca-root-cert` (key root-cert.pem) in every namespace that exists at install time — what
// `x workload entry configure` copies into root-cert.pem. Neither carries install labels, so uninstall keeps them, as
// with a real istiod.
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { KubeApiError, type KubeClient, type KubeObj } from "../kube/client.js";
import { collectionPath, objectPath, resourceKind } from "../kube/resources.js";

x509.cryptoProvider.set(webcrypto as never);

const rsa: webcrypto.RsaHashedKeyGenParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** Namespaces istiod's root-certificate publisher leaves out. */
const SKIPPED = new Set(["kube-system", "kube-public", "kube-node-lease"]);

const pem = (der: ArrayBuffer, label: string): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

/** A new self-signed root for `trustDomain`. */
const newRoot = async (trustDomain: string): Promise<{ cert: string; key: string }> => {
  const keys = (await webcrypto.subtle.generateKey(rsa, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString("hex").replace(/^[89a-f]/, "1"),
    name: `O=${trustDomain}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: rsa,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { cert: cert.toString("pem"), key: pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY") };
};

/** Ensures the CA secret exists (keeping an existing one) and publishes its root in every namespace; returns the root PEM. */
export const publishLabRootCa = async (client: KubeClient, { namespace, trustDomain }: { namespace: string; trustDomain: string }): Promise<string> => {
  const secrets = resourceKind("Secret");
  let secret = await client.getOptional(objectPath(secrets, "istio-ca-secret", namespace));
  if (!secret) {
    const root = await newRoot(trustDomain);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    try {
      secret = await client.request("POST", collectionPath(secrets, namespace), {
        body: { apiVersion: "v1", kind: "Secret", type: "istio.io/ca-root", metadata: { name: "istio-ca-secret", namespace }, data: { "ca-cert.pem": b64(root.cert), "ca-key.pem": b64(root.key), "cert-chain.pem": "", "key.pem": "", "root-cert.pem": "" } },
      });
    } catch (error) {
      // istiod's first start created it meanwhile (both keep an existing secret): use that one.
      if (!(error instanceof KubeApiError && error.code === 409)) throw error;
      secret = await client.request("GET", objectPath(secrets, "istio-ca-secret", namespace));
    }
  }
  const rootPem = Buffer.from(String(secret["data"]["ca-cert.pem"]), "base64").toString("utf8");
  const configMaps = resourceKind("ConfigMap");
  const namespaces = ((await client.request("GET", collectionPath(resourceKind("Namespace"))))["items"] ?? []) as KubeObj[];
  for (const ns of namespaces) {
    const name = String(ns["metadata"]["name"]);
    if (SKIPPED.has(name) || ns["status"]?.["phase"] === "Terminating") continue;
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio-ca-root-cert", namespace: name, labels: { "istio.io/config": "true" } }, data: { "root-cert.pem": rootPem } };
    await client.request("PATCH", objectPath(configMaps, "istio-ca-root-cert", name), { query: { fieldManager: "istiod", force: "true" }, body, contentType: "application/apply-patch+yaml" });
  }
  return rootPem;
};
