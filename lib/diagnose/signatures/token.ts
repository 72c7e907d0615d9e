// The istio-token: rejected by istiod (expired, wrong audience or subject), read from the log lines and, when the
// claims are known, confirmed from them. The token itself is never shown: only its claims.
import { describeTokenClaims, tokenTimeLeftMs, type TokenClaims } from "../../parse/token.js";
import { findAny, humanDelta, or } from "../evidence.js";
import type { Finding, Signature, SignatureInput } from "../types.js";

const REGENERATE = (input: SignatureInput): string =>
  `gere os arquivos de novo (\`istioctl x workload entry configure -f workloadgroup.yaml -o "${or(input.context.workDir, "$WORK_DIR")}"\`, com --tokenDuration em segundos se precisar de mais de 1 h), copie o istio-token para /var/run/secrets/tokens/istio-token na VM e reinicie o sidecar (\`sudo systemctl restart istio\`) logo em seguida: o token só serve para obter o primeiro certificado`;

/** Problems of a token's claims for a VM identity (expired, audience, subject); empty when it looks right. */
export const tokenClaimFindings = (options: { claims: TokenClaims; now?: Date; namespace?: string; serviceAccount?: string; regenerate?: string }): Finding[] => {
  const { claims, namespace, serviceAccount } = options;
  const now = options.now ?? new Date();
  const regenerate = options.regenerate ?? "gere o istio-token de novo com `istioctl x workload entry configure`, copie para a VM e reinicie o sidecar";
  const findings: Finding[] = [];
  const left = tokenTimeLeftMs({ claims, now });
  if (left !== undefined && left <= 0) {
    findings.push({ cause: `o istio-token expirou em ${claims.expiresAt!.toISOString()} (${humanDelta(left)})`, fix: regenerate, evidence: describeTokenClaims(claims), variant: "expirado" });
  }
  if (claims.notBefore && claims.notBefore.getTime() > now.getTime() + 60_000) {
    findings.push({ cause: `o istio-token só vale a partir de ${claims.notBefore.toISOString()}: o relógio desta máquina ou do cluster está errado`, fix: "acerte o relógio (NTP) e gere o token de novo", evidence: describeTokenClaims(claims), variant: "futuro" });
  }
  if (!claims.audiences.includes("istio-ca")) {
    findings.push({ cause: `o istio-token não é para o istiod: a audiência é ${claims.audiences.join(",") || "(nenhuma)"}, e o istiod exige "istio-ca"`, fix: `use o istio-token gerado por \`istioctl x workload entry configure\` (não um token de outra origem)`, evidence: describeTokenClaims(claims), variant: "audiencia" });
  }
  if (namespace !== undefined && serviceAccount !== undefined && (claims.namespace !== namespace || claims.serviceAccount !== serviceAccount)) {
    findings.push({
      cause: `o istio-token é da conta ${claims.namespace ?? "?"}/${claims.serviceAccount ?? "?"}, mas a VM usa ${namespace}/${serviceAccount}`,
      fix: `gere os arquivos a partir do WorkloadGroup com serviceAccount "${serviceAccount}" no namespace ${namespace}`,
      evidence: describeTokenClaims(claims),
      variant: "conta",
    });
  }
  return findings;
};

/** istiod or the agent rejected the token. */
const tokenRejected: Signature = {
  id: "token-recusado",
  specificity: 80,
  detect: (input) => {
    const hit = findAny(input.text, [
      /service account token has expired|token has expired/i,
      /Unauthenticated desc = (?:request )?authenticat\w* fail\w*/,
      /request authenticate failure/,
      /authentication failure/,
      // "Failed to create certificate" alone also ends a connection failure (Unavailable, i/o timeout, x509): only an
      // authentication refusal is about the token.
      /citadelclient\s+Failed to create certificate: rpc error: code = (?:Unauthenticated|PermissionDenied)/,
      /CSR hit non-retryable error/,
      /failed to sign CSR/,
      /failed to validate the JWT/,
      /read empty token from file|failed to read token file/,
    ]);
    if (!hit) return undefined;
    const regenerate = REGENERATE(input);
    const claims = input.context.tokenClaims;
    if (claims) {
      const confirmed = tokenClaimFindings({ claims, now: input.now, regenerate, ...(input.context.vmNamespace !== undefined ? { namespace: input.context.vmNamespace } : {}), ...(input.context.serviceAccount !== undefined ? { serviceAccount: input.context.serviceAccount } : {}) });
      if (confirmed.length) return confirmed.map((f) => ({ ...f, specificity: 92, evidence: `${hit.line}\n${f.evidence ?? ""}`.trim() }));
    }
    const expired = /expired/i.test(hit.line);
    return {
      cause: expired
        ? "o istiod recusou o istio-token da VM porque ele expirou (a validade padrão é 1 h a partir da geração)"
        : "o istiod recusou o istio-token da VM ao emitir o certificado: o token expirou, é de outra conta de serviço, ou foi gerado para outro cluster",
      fix: regenerate,
      evidence: hit.line,
    };
  },
};

/** A failed "token" check: the claims themselves explain it. */
const tokenClaimsCheck: Signature = {
  id: "token-declaracoes",
  specificity: 85,
  detect: (input) => {
    if (input.kind !== "istio-token" || !input.context.tokenClaims) return undefined;
    return tokenClaimFindings({
      claims: input.context.tokenClaims,
      now: input.now,
      regenerate: REGENERATE(input),
      ...(input.context.vmNamespace !== undefined ? { namespace: input.context.vmNamespace } : {}),
      ...(input.context.serviceAccount !== undefined ? { serviceAccount: input.context.serviceAccount } : {}),
    });
  },
};

/** Token signatures. */
export const TOKEN_SIGNATURES: readonly Signature[] = [tokenRejected, tokenClaimsCheck];
