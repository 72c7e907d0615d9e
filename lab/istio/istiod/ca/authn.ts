// istiod's authenticators, in its order: ClientCertAuthenticator (a mesh certificate verified against the root: the
// identities are its URI SANs) then KubeJWTAuthenticator (a Kubernetes JWT validated by a TokenReview with audience
// istio-ca: the identity is spiffe://<td>/ns/<ns>/sa/<sa>). Failures are collected with Istio's wording.
import type { KubeRest } from "../kube/rest.js";
import { jwtValidationError, type AuthenticatorFailure, type IstiodProfile } from "../release.js";

/** An authenticated caller. */
export interface Caller {
  identities: string[];
  source: "ClientCertificate" | "IDToken";
  /** Set for token callers: who the TokenReview says they are. */
  kubernetes?: { namespace: string; serviceAccount: string };
}

/** What the request brought. */
export interface CallerCredentials {
  /** URI SANs of the client certificate when one was presented and its chain verified against the root. */
  verifiedCertUris?: string[];
  /** True when a client certificate was presented (verified or not). */
  certPresented: boolean;
  /** The `authorization` header. */
  authorization?: string;
  /** The `ClusterID` header (empty = the local cluster). */
  clusterId?: string;
}

/** Audiences istiod asks the TokenReview for (security.TokenAudiences). */
export const TOKEN_AUDIENCES = ["istio-ca"];

/** Validates a JWT with a TokenReview: the [namespace, serviceAccount] it belongs to, or Istio's error text. */
export const reviewToken = async (rest: KubeRest, token: string, audiences: readonly string[]): Promise<{ namespace: string; serviceAccount: string } | { error: string }> => {
  const review = await rest.request("POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, audiences } },
  });
  const status = review["status"] ?? {};
  if (status["error"]) return { error: `the service account authentication returns an error: ${status["error"]}` };
  if (!status["authenticated"]) return { error: "the token is not authenticated" };
  if (!((status["user"]?.["groups"] ?? []) as string[]).includes("system:serviceaccounts")) return { error: "the token is not a service account" };
  const parts = String(status["user"]?.["username"] ?? "").split(":");
  if (parts.length !== 4) return { error: "invalid username field in the token review result" };
  return { namespace: parts[2]!, serviceAccount: parts[3]! };
};

/** Runs the authenticators in order; the caller, or every authenticator's failure. */
export const authenticateCaller = async ({
  profile,
  credentials,
  localClusterId,
  trustDomain,
  review,
}: {
  profile: IstiodProfile;
  credentials: CallerCredentials;
  localClusterId: string;
  trustDomain: string;
  review: (token: string) => Promise<{ namespace: string; serviceAccount: string } | { error: string }>;
}): Promise<{ caller: Caller } | { failures: AuthenticatorFailure[] }> => {
  const failures: AuthenticatorFailure[] = [];
  if (credentials.verifiedCertUris?.length) return { caller: { identities: credentials.verifiedCertUris, source: "ClientCertificate" } };
  failures.push({ authenticator: "ClientCertAuthenticator", error: credentials.certPresented ? "no verified chain is found" : "no client certificate is presented" });

  const jwtFail = (error: string) => failures.push({ authenticator: "KubeJWTAuthenticator", error });
  const header = credentials.authorization;
  if (!header) jwtFail("target JWT extraction error: no HTTP authorization header exists");
  else if (!header.startsWith("Bearer ")) jwtFail("target JWT extraction error: no bearer token exists in HTTP authorization header");
  else {
    const clusterId = credentials.clusterId ?? "";
    if (clusterId && clusterId !== localClusterId) {
      jwtFail(
        profile.minor === 8
          ? `could not get cluster ${clusterId}'s kube client`
          : `client claims to be in cluster "${clusterId}", but we only know about local cluster "${localClusterId}" and remote clusters []`,
      );
    } else {
      const result = await review(header.slice("Bearer ".length));
      if ("error" in result) jwtFail(jwtValidationError(profile, clusterId, result.error));
      else {
        return {
          caller: {
            identities: [`spiffe://${trustDomain}/ns/${result.namespace}/sa/${result.serviceAccount}`],
            source: "IDToken",
            kubernetes: result,
          },
        };
      }
    }
  }
  return { failures };
};
