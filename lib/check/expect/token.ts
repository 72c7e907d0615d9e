// Structured check over the istio-token's claims (never the token): not expired (with time to spare), audience
// istio-ca, issued for the VM's service account.
import { tokenClaimFindings } from "../../diagnose/signatures/token.js";
import { InputError } from "../../errors.js";
import { decodeTokenClaims, describeTokenClaims, tokenTimeLeftMs, type TokenClaims } from "../../parse/token.js";
import { isCommandOutput } from "../../parse/text.js";
import { humanDelta } from "../../diagnose/evidence.js";
import type { Expectation, Verdict } from "../expectation.js";

/** What tokenValid accepts: decoded claims, the token text, or a command result whose stdout is the token. */
export type TokenReceived = TokenClaims | string | { stdout: string; stderr: string; exitCode: number | null };

/** Expects a usable istio-token: valid for at least `minRemainingMs` more (default 5 min), for namespace/serviceAccount. */
export const tokenValid = (options: { namespace?: string; serviceAccount?: string; minRemainingMs?: number; now?: () => Date } = {}): Expectation<TokenReceived> => {
  const minRemaining = options.minRemainingMs ?? 5 * 60_000;
  if (!(minRemaining >= 0)) throw new InputError(`tokenValid: minRemainingMs inválido (${minRemaining})`, "use milissegundos ≥ 0", "minRemainingMs");
  const expected =
    `um istio-token com audiência istio-ca${options.namespace && options.serviceAccount ? `, da conta ${options.namespace}/${options.serviceAccount}` : ""}, ` +
    `válido por pelo menos mais ${Math.round(minRemaining / 60_000)} min`;
  return {
    kind: "istio-token",
    expected,
    spec: { ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}), minRemainingMs: minRemaining },
    evaluate: (received): Verdict => {
      const claims = typeof received === "string" ? decodeTokenClaims(received) : isCommandOutput(received) ? decodeTokenClaims(received.stdout) : received;
      const now = options.now?.() ?? new Date();
      const left = tokenTimeLeftMs({ claims, now });
      const shown = `${describeTokenClaims(claims)}${left !== undefined ? ` (expira ${humanDelta(left)})` : ""}`;
      const data = { subject: claims.subject, audiences: claims.audiences, expiresAt: claims.expiresAt?.toISOString(), remainingMs: left };
      const findings = tokenClaimFindings({ claims, now, ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}) });
      const context = { tokenClaims: claims };
      if (findings.length) return { ok: false, expected, received: shown, detail: findings.map((f) => f.cause).join("; "), data, diagnoseContext: context };
      if (left === undefined) return { ok: false, expected, received: shown, detail: "o token não tem data de expiração (exp)", data, diagnoseContext: context };
      if (left < minRemaining) return { ok: false, expected, received: shown, detail: `o token expira ${humanDelta(left)}: não dá tempo de copiá-lo e iniciar o sidecar`, data, diagnoseContext: context };
      return { ok: true, expected, received: shown, data };
    },
  };
};
