// ServiceAccount tokens: RS256 JWTs signed with the cluster's SA key (iss, sub system:serviceaccount:NS:NAME,
// aud, exp, iat, nbf, jti and the kubernetes.io claims), their verification, and the OIDC discovery documents.
import { createHash, createPublicKey, randomUUID, sign, verify, type KeyObject } from "node:crypto";

/** The issuer of the lab's ServiceAccount tokens (a real cluster's default). */
export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";

/** Claims of a ServiceAccount token. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
    warnafter?: number;
  };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** The key id Kubernetes derives from a public key (base64url SHA-256 of its DER). */
export const keyId = (publicKey: KeyObject): string => b64url(createHash("sha256").update(publicKey.export({ format: "der", type: "spki" })).digest());

/** Signs claims into a compact RS256 JWT. */
export const signJwt = (claims: object, privateKey: KeyObject): string => {
  const publicKey = createPublicKey(privateKey);
  const header = b64url(JSON.stringify({ alg: "RS256", kid: keyId(publicKey) }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign("RSA-SHA256", Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${b64url(signature)}`;
};

/** Why a token was rejected. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

/** Verifies an RS256 JWT's signature, issuer and time window; returns its claims. */
export const verifyJwt = (token: string, publicKey: KeyObject, options: { issuer: string; now?: number }): ServiceAccountClaims => {
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenError("token is not a JWT");
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: ServiceAccountClaims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: string };
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as ServiceAccountClaims;
  } catch {
    throw new TokenError("token is malformed");
  }
  if (header.alg !== "RS256") throw new TokenError(`unexpected signing algorithm ${String(header.alg)}`);
  if (!verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"))) throw new TokenError("invalid signature");
  if (claims.iss !== options.issuer) throw new TokenError("token issuer is not trusted");
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (typeof claims.exp === "number" && now > claims.exp) throw new TokenError("service account token has expired");
  if (typeof claims.nbf === "number" && now + 60 < claims.nbf) throw new TokenError("service account token is not valid yet");
  if (!claims.sub?.startsWith("system:serviceaccount:")) throw new TokenError("not a service account token");
  return claims;
};

/** Issues a ServiceAccount token. */
export const issueServiceAccountToken = (options: {
  privateKey: KeyObject;
  issuer?: string;
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  boundObject?: { kind: "Pod" | "Secret" | "Node"; name: string; uid: string };
  now?: number;
}): { token: string; claims: ServiceAccountClaims; expirationTimestamp: string } => {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const exp = iat + options.expirationSeconds;
  const k8s: ServiceAccountClaims["kubernetes.io"] = { namespace: options.namespace, serviceaccount: options.serviceAccount };
  if (options.boundObject?.kind === "Pod") k8s.pod = { name: options.boundObject.name, uid: options.boundObject.uid };
  if (options.boundObject?.kind === "Secret") k8s.secret = { name: options.boundObject.name, uid: options.boundObject.uid };
  if (options.boundObject?.kind === "Node") k8s.node = { name: options.boundObject.name, uid: options.boundObject.uid };
  const claims: ServiceAccountClaims = {
    aud: options.audiences,
    exp,
    iat,
    iss: options.issuer ?? defaultIssuer,
    jti: randomUUID(),
    "kubernetes.io": k8s,
    nbf: iat,
    sub: `system:serviceaccount:${options.namespace}:${options.serviceAccount.name}`,
  };
  return { token: signJwt(claims, options.privateKey), claims, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
};

/** The OIDC discovery document (`/.well-known/openid-configuration`). */
export const openIdConfiguration = (issuer = defaultIssuer): Record<string, unknown> => ({
  issuer,
  jwks_uri: `${issuer.replace(/\/$/, "")}/openid/v1/jwks`,
  response_types_supported: ["id_token"],
  subject_types_supported: ["public"],
  id_token_signing_alg_values_supported: ["RS256"],
});

/** The JWKS with the token signing key (`/openid/v1/jwks`). */
export const jwks = (publicKey: KeyObject): Record<string, unknown> => {
  const jwk = publicKey.export({ format: "jwk" }) as { kty: string; n: string; e: string };
  return { keys: [{ use: "sig", kty: jwk.kty, kid: keyId(publicKey), alg: "RS256", n: jwk.n, e: jwk.e }] };
};
