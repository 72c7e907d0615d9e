// A test certificate authority issuing Istio-like workload certificates: empty subject, critical URI SAN with the
// SPIFFE identity, server and client auth, signed by a self-signed root (ECDSA P-256 for speed).
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

const pemKey = async (key: CryptoKey): Promise<string> => {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key as unknown as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
};

/** A workload's certificate material, as SDS would push it. */
export interface IssuedIdentity {
  certChainPem: string;
  privateKeyPem: string;
  rootCertsPem: string[];
  spiffe: string;
}

/** A root CA that issues SPIFFE workload certificates. */
export class TestCa {
  private serial = 1;
  private constructor(
    private readonly keys: CryptoKeyPair,
    readonly root: x509.X509Certificate,
    readonly trustDomain: string,
  ) {}

  /** Creates a root ("O=<trust domain>"). */
  static async create(trustDomain = "cluster.local"): Promise<TestCa> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
    const now = Date.now();
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: `O=${trustDomain}`,
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 10 * 365 * 86400_000),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new TestCa(keys, root, trustDomain);
  }

  /** The root as PEM. */
  get rootPem(): string {
    return this.root.toString("pem");
  }

  /** Issues a workload certificate for spiffe://<td>/ns/<namespace>/sa/<serviceAccount>. */
  async issue(namespace: string, serviceAccount: string): Promise<IssuedIdentity> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
    const spiffe = `spiffe://${this.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
    const now = Date.now();
    this.serial++;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: this.serial.toString(16).padStart(2, "0"),
      subject: "",
      issuer: this.root.subject,
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 86400_000),
      signingKey: this.keys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: "url", value: spiffe }], true),
        await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
      ],
    });
    return { certChainPem: cert.toString("pem"), privateKeyPem: await pemKey(keys.privateKey), rootCertsPem: [this.rootPem], spiffe };
  }
}
