// The cluster's PKI: a lab CA (kept in `<state>/cluster/pki`), the API server's serving certificate (SANs: the
// lab gateway, 127.0.0.1, kubernetes.default.svc…, the kubernetes Service ClusterIP), the ServiceAccount token
// signing key and the admin bearer token.
import "reflect-metadata";
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto, type KeyObject } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
x509.cryptoProvider.set(webcrypto as never);

/** PEM material of the cluster. */
export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** ServiceAccount token signing key (RSA, PEM) and its public key. */
  saKey: KeyObject;
  saPublicKey: KeyObject;
  /** The lab-admin bearer token written into the kubeconfig. */
  adminToken: string;
  /** Folder holding the files. */
  dir: string;
}

const rsa: webcrypto.RsaHashedKeyGenParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

const toPem = (der: ArrayBuffer, label: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

const readIfExists = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

const importPrivate = async (pem: string): Promise<CryptoKey> =>
  webcrypto.subtle.importKey("pkcs8", createPrivateKey(pem).export({ format: "der", type: "pkcs8" }), rsa, true, ["sign"]) as Promise<CryptoKey>;

const importPublicFromPrivate = async (pem: string): Promise<CryptoKey> =>
  webcrypto.subtle.importKey("spki", createPublicKey(createPrivateKey(pem)).export({ format: "der", type: "spki" }), rsa, true, ["verify"]) as Promise<CryptoKey>;

const createCa = async (): Promise<{ cert: string; key: string }> => {
  const keys = (await webcrypto.subtle.generateKey(rsa, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString("hex"),
    name: "CN=kubernetes",
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: toPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY") };
};

/** Issues a serving certificate for `dnsNames` and `ips`, signed by the CA. */
export const issueServingCert = async (options: { caCert: string; caKey: string; commonName: string; dnsNames: string[]; ips: string[]; days?: number }): Promise<{ cert: string; key: string }> => {
  const keys = (await webcrypto.subtle.generateKey(rsa, true, ["sign", "verify"])) as CryptoKeyPair;
  const ca = new x509.X509Certificate(options.caCert);
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex"),
    subject: `CN=${options.commonName}`,
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.days ?? 365) * 24 * 3600_000),
    publicKey: keys.publicKey,
    signingKey: await importPrivate(options.caKey),
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...options.dnsNames.map((value) => ({ type: "dns" as const, value })), ...options.ips.map((value) => ({ type: "ip" as const, value }))]),
      await x509.AuthorityKeyIdentifierExtension.create(await importPublicFromPrivate(options.caKey)),
    ],
  });
  return { cert: cert.toString("pem"), key: toPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY") };
};

/**
 * Loads the cluster PKI from `dir`, creating what is missing (CA, SA key, admin token are kept across restarts;
 * the serving certificate is reissued at every start so its SANs follow the plan).
 */
export const ensureClusterPki = async (options: { dir: string; serverIps: string[]; serverDnsNames?: string[] }): Promise<ClusterPki> => {
  const { dir } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  let caCert = await readIfExists(file("ca.crt"));
  let caKey = await readIfExists(file("ca.key"));
  if (!caCert || !caKey) {
    ({ cert: caCert, key: caKey } = await createCa());
    await writeFile(file("ca.key"), caKey, { mode: 0o600 });
    await writeFile(file("ca.crt"), caCert, { mode: 0o644 });
  }
  let saPem = await readIfExists(file("sa.key"));
  if (!saPem) {
    saPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    await writeFile(file("sa.key"), saPem, { mode: 0o600 });
  }
  const saKey = createPrivateKey(saPem);
  const saPublicKey = createPublicKey(saKey);
  await writeFile(file("sa.pub"), saPublicKey.export({ format: "pem", type: "spki" }).toString(), { mode: 0o644 });
  let adminToken = (await readIfExists(file("admin-token")))?.trim();
  if (!adminToken) {
    adminToken = `lab-admin.${randomBytes(24).toString("hex")}`;
    await writeFile(file("admin-token"), `${adminToken}\n`, { mode: 0o600 });
  }
  const dnsNames = options.serverDnsNames ?? ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost", "lab-node"];
  const serving = await issueServingCert({ caCert, caKey, commonName: "kube-apiserver", dnsNames, ips: options.serverIps });
  await writeFile(file("apiserver.key"), serving.key, { mode: 0o600 });
  await writeFile(file("apiserver.crt"), serving.cert, { mode: 0o644 });
  return { caCert, caKey, serverCert: serving.cert, serverKey: serving.key, saKey, saPublicKey, adminToken, dir };
};
