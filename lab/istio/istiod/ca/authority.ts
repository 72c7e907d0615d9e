// Istio's self-signed CA: a root (O=<trust domain>, ten years) whose key signs workload certificates from CSRs — empty
// subject, the caller's SPIFFE identity as a critical URI SAN, server+client auth, 24 h by default — and istiod's own
// serving certificate (DNS SANs istiod.<ns>.svc …).
import { createHash, webcrypto, X509Certificate } from "node:crypto";
import { x509, generateRsaKeyPair, importRsaPublicKey, importRsaSigningKey, randomSerial, RSA_ALGORITHM } from "./x509.js";

/** The root's PEM pair as kept in Secret istio-ca-secret (ca-cert.pem, ca-key.pem). */
export interface RootMaterial {
  certPem: string;
  keyPem: string;
}

/** Thrown when a CSR cannot be signed (CSR signing error). */
export class CsrSigningError extends Error {
  override name = "CsrSigningError";
}

/** Creates a new self-signed root for `trustDomain` (what istiod does when istio-ca-secret does not exist). */
export const createRoot = async (trustDomain: string, now = new Date()): Promise<RootMaterial> => {
  const { keys, privateKeyPem } = await generateRsaKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `O=${trustDomain}`,
    notBefore: now,
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign, true),
      new x509.BasicConstraintsExtension(true, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: privateKeyPem };
};

/** A loaded CA able to sign. */
export class CertificateAuthority {
  private constructor(
    readonly root: RootMaterial,
    private readonly rootCert: x509.X509Certificate,
    private readonly signingKey: CryptoKey,
  ) {}

  /** Loads a root pair (throws when the key does not match the certificate). */
  static async load(root: RootMaterial): Promise<CertificateAuthority> {
    const rootCert = new x509.X509Certificate(root.certPem);
    const signingKey = await importRsaSigningKey(root.keyPem);
    const publicKey = await importRsaPublicKey(root.keyPem);
    const fromKey = Buffer.from(await webcrypto.subtle.exportKey("spki", publicKey as unknown as webcrypto.CryptoKey)).toString("base64");
    const fromCert = Buffer.from(rootCert.publicKey.rawData).toString("base64");
    if (fromKey !== fromCert) throw new Error("the CA key does not match the CA certificate");
    return new CertificateAuthority(root, rootCert, signingKey);
  }

  /** The root certificate PEM (what istio-ca-root-cert carries). */
  get rootPem(): string {
    return this.root.certPem;
  }

  private async authorityKeyId(): Promise<x509.AuthorityKeyIdentifierExtension> {
    return x509.AuthorityKeyIdentifierExtension.create(this.rootCert, false);
  }

  /** Signs a workload CSR for `identities` (URI SANs, from the authenticated caller — not from the CSR) valid `ttlSeconds`. */
  async signCsr({ csrPem, identities, ttlSeconds, now = new Date() }: { csrPem: string; identities: readonly string[]; ttlSeconds: number; now?: Date }): Promise<string> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(csrPem);
    } catch (error) {
      throw new CsrSigningError(`failed to decode CSR: ${(error as Error).message}`);
    }
    if (!(await csr.verify())) throw new CsrSigningError("failed to verify CSR signature");
    const sans = identities.map((value) => ({ type: "url" as const, value }));
    return (await this.issueLeaf({ publicKey: csr.publicKey, sans, ttlSeconds, now })).toString("pem") + "\n";
  }

  /** A leaf certificate for `publicKey` with `sans` (empty subject, as Istio's), signed by the root. */
  private async issueLeaf({ publicKey, sans, ttlSeconds, now }: { publicKey: x509.PublicKey | CryptoKey; sans: x509.JsonGeneralNames; ttlSeconds: number; now: Date }): Promise<x509.X509Certificate> {
    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: "",
      issuer: this.rootCert.subject,
      notBefore: now,
      notAfter: new Date(now.getTime() + ttlSeconds * 1000),
      signingKey: this.signingKey,
      publicKey,
      signingAlgorithm: RSA_ALGORITHM,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.BasicConstraintsExtension(false, undefined, true),
        await this.authorityKeyId(),
        new x509.SubjectAlternativeNameExtension(sans, true),
      ],
    });
  }

  /** istiod's serving certificate for `dnsNames` (its key in PEM and the chain), signed by the root. */
  async issueServingCertificate({ dnsNames, ttlSeconds, now = new Date() }: { dnsNames: readonly string[]; ttlSeconds: number; now?: Date }): Promise<{ certPem: string; keyPem: string }> {
    const { keys, privateKeyPem } = await generateRsaKeyPair();
    const cert = await this.issueLeaf({ publicKey: keys.publicKey, sans: dnsNames.map((value) => ({ type: "dns" as const, value })), ttlSeconds, now });
    return { certPem: cert.toString("pem") + "\n", keyPem: privateKeyPem };
  }

  /** True when `certPem` (a leaf) was signed by this root and is valid at `now`. */
  verifies(certPem: string, now = new Date()): boolean {
    try {
      const leaf = new X509Certificate(certPem);
      const root = new X509Certificate(this.root.certPem);
      return leaf.verify(root.publicKey) && new Date(leaf.validFrom) <= now && now <= new Date(leaf.validTo);
    } catch {
      return false;
    }
  }

  /** A short fingerprint of the root (for logs and tests). */
  get rootFingerprint(): string {
    return createHash("sha256").update(this.root.certPem).digest("hex").slice(0, 16);
  }
}
