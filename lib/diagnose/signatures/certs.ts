// The root certificate the VM trusts does not match istiod's CA.
import { findAny } from "../evidence.js";
import type { Signature } from "../types.js";

/** x509 "signed by unknown authority" on the VM's side (not kubectl's, not a pod-to-VM request). */
const rootCertMismatch: Signature = {
  id: "certificado-raiz-diferente",
  specificity: 85,
  detect: (input) => {
    if (/upstream connect error|Unable to connect to the server/.test(input.text)) return undefined;
    const hit = findAny(input.text, [/x509: certificate signed by unknown authority/, /certificate verify failed/i, /CERTIFICATE_VERIFY_FAILED/]);
    return hit && {
      cause: "o certificado raiz na VM (/etc/certs/root-cert.pem) não é o da CA do istiod: o Istio foi reinstalado depois de gerar os arquivos, ou o root-cert.pem não foi copiado",
      fix: `gere os arquivos de novo, copie root-cert.pem para /etc/certs/root-cert.pem (e o istio-token) e reinicie o sidecar; compare com \`kubectl -n ${input.context.vmNamespace ?? "legacy"} get configmap istio-ca-root-cert -o jsonpath='{.data.root-cert\\.pem}'\``,
      evidence: hit.line,
    };
  },
};

/** Certificate signatures. */
export const CERT_SIGNATURES: readonly Signature[] = [rootCertMismatch];
