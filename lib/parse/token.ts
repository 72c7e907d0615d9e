// Reads the claims of the istio-token (a Kubernetes service-account JWT) without ever showing the token: errors
// never quote the input, and the result holds only the decoded claims.
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { ParseError } from "./errors.js";

/** The claims of a service-account token that the runbook reasons about. */
export interface TokenClaims {
  issuer?: string;
  /** "system:serviceaccount:<namespace>:<name>". */
  subject?: string;
  audiences: string[];
  expiresAt?: Date;
  issuedAt?: Date;
  notBefore?: Date;
  /** From the `kubernetes.io` claim (or the subject). */
  namespace?: string;
  serviceAccount?: string;
  /** All claims as decoded (a token's claims are not secret; the token is). */
  claims: Record<string, unknown>;
}

const WHAT = "o istio-token";

/** Decodes the payload of a JWT; throws ParseError (never quoting the token) when it is not a JWT. */
export const decodeTokenClaims = (token: string): TokenClaims => {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) {
    throw new ParseError(WHAT, `não tem o formato JWT (três partes base64url separadas por '.'; encontradas ${parts.length})`);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw new ParseError(WHAT, "a parte central (as declarações) não é JSON em base64url");
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    throw new ParseError(WHAT, "as declarações não são um objeto JSON");
  }
  const c = claims as Record<string, unknown>;
  const k8s = (typeof c["kubernetes.io"] === "object" && c["kubernetes.io"] !== null ? c["kubernetes.io"] : {}) as {
    namespace?: unknown;
    serviceaccount?: { name?: unknown };
  };
  const fromSubject = typeof c["sub"] === "string" ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(c["sub"]) : null;
  const namespace = typeof k8s.namespace === "string" ? k8s.namespace : fromSubject?.[1];
  const serviceAccount = typeof k8s.serviceaccount?.name === "string" ? k8s.serviceaccount.name : fromSubject?.[2];
  const aud = c["aud"];
  return {
    ...(typeof c["iss"] === "string" ? { issuer: c["iss"] } : {}),
    ...(typeof c["sub"] === "string" ? { subject: c["sub"] } : {}),
    audiences: typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [],
    ...dateClaim("expiresAt", c["exp"]),
    ...dateClaim("issuedAt", c["iat"]),
    ...dateClaim("notBefore", c["nbf"]),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(serviceAccount !== undefined ? { serviceAccount } : {}),
    claims: c,
  };
};

const dateClaim = <K extends string>(key: K, value: unknown): Partial<Record<K, Date>> =>
  typeof value === "number" && Number.isFinite(value) ? ({ [key]: new Date(value * 1000) } as Record<K, Date>) : {};

/** Milliseconds until the token expires (negative when expired), or undefined when it has no exp claim. */
export const tokenTimeLeftMs = ({ claims, now = new Date() }: { claims: TokenClaims; now?: Date }): number | undefined =>
  claims.expiresAt ? claims.expiresAt.getTime() - now.getTime() : undefined;

/** A one-line description of the claims (for check output), e.g. "sub=system:serviceaccount:legacy:legacy-pegasus aud=istio-ca exp=…". */
export const describeTokenClaims = (claims: TokenClaims): string =>
  [
    `sub=${claims.subject ?? "(ausente)"}`,
    `aud=${claims.audiences.length ? claims.audiences.join(",") : "(ausente)"}`,
    `exp=${claims.expiresAt ? claims.expiresAt.toISOString() : "(ausente)"}`,
  ].join(" ");

/** Reads a token file (e.g. WORK_DIR/istio-token) and returns only its claims; InputError (Portuguese) when it is missing. */
export const readTokenClaims = ({ file }: { file: string }): TokenClaims => {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? `o arquivo do istio-token não existe: ${file}` : `não foi possível ler o istio-token em ${file} (${code ?? "erro"})`,
      "gere os arquivos da VM com `istioctl x workload entry configure -f workloadgroup.yaml -o \"$WORK_DIR\"`",
      "istio-token",
    );
  }
  return decodeTokenClaims(text);
};
