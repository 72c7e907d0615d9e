// X.509 plumbing shared by the CA (istiod) and its clients (pilot-agent): @peculiar/x509 on Node's WebCrypto, RSA
// 2048 / SHA-256 keys like Istio's defaults, PEM conversions between PKCS#1/PKCS#8 and WebCrypto keys.
import "reflect-metadata";
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

/** Istio's key algorithm: RSA 2048 with PKCS#1 v1.5 signatures over SHA-256. */
export const RSA_ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/** A key pair with its private key in PEM. */
export interface PemKeyPair {
  keys: CryptoKeyPair;
  /** PKCS#1 ("RSA PRIVATE KEY"), as Istio writes key.pem unless PKCS8_KEY is set. */
  privateKeyPem: string;
}

/** Generates an RSA 2048 key pair. */
export const generateRsaKeyPair = async (): Promise<PemKeyPair> => {
  const keys = (await webcrypto.subtle.generateKey(RSA_ALGORITHM, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey));
  const privateKeyPem = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ type: "pkcs1", format: "pem" }).toString();
  return { keys, privateKeyPem };
};

/** Imports a private key PEM (PKCS#1 or PKCS#8) as a WebCrypto RSA signing key. */
export const importRsaSigningKey = async (pem: string): Promise<CryptoKey> => {
  const der = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
  return (await webcrypto.subtle.importKey("pkcs8", der, { name: RSA_ALGORITHM.name, hash: RSA_ALGORITHM.hash }, true, ["sign"])) as unknown as CryptoKey;
};

/** Imports the public key of a private key PEM (for the certificate generator's publicKey). */
export const importRsaPublicKey = async (privatePem: string): Promise<CryptoKey> => {
  const der = createPublicKey(createPrivateKey(privatePem)).export({ type: "spki", format: "der" });
  return (await webcrypto.subtle.importKey("spki", der, { name: RSA_ALGORITHM.name, hash: RSA_ALGORITHM.hash }, true, ["verify"])) as unknown as CryptoKey;
};

/** A random positive serial number (hex), like Go's 128-bit serials. */
export const randomSerial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString("hex");
};

/** Splits a PEM bundle into its certificates (each with its markers and a final newline). */
export const splitPemCertificates = (pem: string): string[] => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => `${c}\n`);
