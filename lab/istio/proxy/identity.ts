// SPIFFE identities of mesh workloads: spiffe://<trust domain>/ns/<namespace>/sa/<service account>, as they appear in
// certificates' URI SANs and in Envoy's SAN matchers.
import { X509Certificate } from "node:crypto";

/** A parsed SPIFFE id. */
export interface SpiffeId {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

/** Builds the SPIFFE URI of a service account. */
export const spiffeUri = ({ trustDomain, namespace, serviceAccount }: SpiffeId): string =>
  `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;

/** Parses spiffe://TD/ns/NS/sa/SA; undefined for anything else. */
export const parseSpiffeUri = (uri: string): SpiffeId | undefined => {
  const m = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(uri);
  return m ? { trustDomain: m[1]!, namespace: m[2]!, serviceAccount: m[3]! } : undefined;
};

/** URI SANs of a certificate (PEM text, DER buffer or X509Certificate). */
export const certificateUris = (cert: string | Buffer | X509Certificate): string[] => {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  return (x509.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("URI:"))
    .map((entry) => entry.slice("URI:".length));
};

/** The first certificate of a PEM chain. */
export const leafCertificate = (chainPem: string): X509Certificate => {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem);
  if (!m) throw new Error("no certificate in PEM chain");
  return new X509Certificate(m[0]);
};

/** The SPIFFE URI a certificate carries (first spiffe:// URI SAN), if any. */
export const certificateSpiffeUri = (cert: string | Buffer | X509Certificate): string | undefined =>
  certificateUris(cert).find((u) => u.startsWith("spiffe://"));
