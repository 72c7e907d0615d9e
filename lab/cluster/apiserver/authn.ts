// Authentication: the admin bearer token of the kubeconfig, and ServiceAccount JWTs (signature, issuer, expiry,
// audience, and the ServiceAccount/Pod they are bound to must still exist). No authorization beyond this.
import type { KeyObject } from "node:crypto";
import type { KubeObject } from "../contracts.js";
import type { ObjectStore } from "../store/object-store.js";
import type { UserInfo } from "../registry/request.js";
import { TokenError, verifyJwt, type ServiceAccountClaims } from "./tokens.js";

/** The user of the kubeconfig's admin token. */
export const adminUser: UserInfo = { username: "lab-admin", groups: ["system:masters", "system:authenticated"] };

/** The outcome of authenticating a token. */
export type TokenAuthResult = { ok: true; user: UserInfo; audiences: string[] } | { ok: false; error: string };

/** Checks bearer tokens. */
export class Authenticator {
  constructor(
    private readonly options: {
      adminToken: string;
      saPublicKey: KeyObject;
      issuer: string;
      /** Audiences the API server itself accepts (default: the issuer). */
      apiAudiences?: string[];
      store: ObjectStore;
    },
  ) {}

  /** Authenticates a token for `audiences` (default: the API server's own). */
  authenticateToken(token: string, audiences?: string[]): TokenAuthResult {
    const wanted = audiences?.length ? audiences : this.options.apiAudiences ?? [this.options.issuer];
    if (token === this.options.adminToken) return { ok: true, user: adminUser, audiences: wanted };
    let claims: ServiceAccountClaims;
    try {
      claims = verifyJwt(token, this.options.saPublicKey, { issuer: this.options.issuer });
    } catch (error) {
      return { ok: false, error: error instanceof TokenError ? `[invalid bearer token, ${error.message}]` : "[invalid bearer token]" };
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud as unknown as string];
    const matched = wanted.filter((a) => aud.includes(a));
    if (!matched.length) return { ok: false, error: "[invalid bearer token, token audiences " + JSON.stringify(aud) + " is invalid for the target audiences " + JSON.stringify(wanted) + "]" };
    const k8s = claims["kubernetes.io"];
    const sa = this.options.store.get({ group: "", resource: "serviceaccounts" }, k8s.namespace, k8s.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k8s.serviceaccount.uid) {
      return { ok: false, error: `[invalid bearer token, service account ${k8s.namespace}/${k8s.serviceaccount.name} has been deleted]` };
    }
    const extra: Record<string, string[]> = { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] };
    if (k8s.pod) {
      const pod: KubeObject | undefined = this.options.store.get({ group: "", resource: "pods" }, k8s.namespace, k8s.pod.name);
      if (!pod || pod.metadata.uid !== k8s.pod.uid) return { ok: false, error: `[invalid bearer token, pod ${k8s.namespace}/${k8s.pod.name} has been deleted]` };
      extra["authentication.kubernetes.io/pod-name"] = [k8s.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [k8s.pod.uid];
    }
    return {
      ok: true,
      audiences: matched,
      user: {
        username: claims.sub,
        uid: k8s.serviceaccount.uid,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${k8s.namespace}`, "system:authenticated"],
        extra,
      },
    };
  }

  /** Authenticates an `Authorization` header; undefined when there is none (anonymous). */
  authenticateHeader(header: string | undefined): TokenAuthResult | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, error: "unsupported authorization scheme" };
    return this.authenticateToken(m[1]!);
  }
}
