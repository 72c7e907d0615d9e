import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";
import { tokenClaimFindings } from "../../../../lib/diagnose/signatures/token.js";
import { decodeTokenClaims } from "../../../../lib/parse/token.js";
import { makeToken, VM_TOKEN_CLAIMS } from "../../fixtures/token.js";

const UNAUTHENTICATED = '2023-11-15T02:13:20.000000Z\terror\tcitadelclient\tFailed to create certificate: rpc error: code = Unauthenticated desc = request authenticate failure';
const EXPIRED_ISTIOD = "error\tsecurity\tKubeJWTAuthenticator: failed to validate the JWT from cluster \"Kubernetes\": the service account authentication returns an error: [invalid bearer token, service account token has expired]";
const claims = decodeTokenClaims(makeToken(VM_TOKEN_CLAIMS));
const now = new Date("2023-11-15T02:13:20Z");

test("a rejected token without known claims: regenerate, copy and restart", (t) => {
  const [d] = diagnose({ text: UNAUTHENTICATED, context: { workDir: "bkp/vmintegration" } });
  t.is(d!.id, "token-recusado");
  t.regex(d!.fix, /istioctl x workload entry configure -f workloadgroup.yaml -o "bkp\/vmintegration"/);
  t.regex(d!.fix, /\/var\/run\/secrets\/tokens\/istio-token/);
  t.regex(diagnose({ text: EXPIRED_ISTIOD })[0]!.cause, /porque ele expirou/);
});

test("with the token's claims, the expiry is confirmed with its date and age", (t) => {
  const [d] = diagnose({ text: UNAUTHENTICATED, context: { tokenClaims: claims }, now });
  t.is(d!.id, "token-recusado/expirado");
  t.is(d!.cause, "o istio-token expirou em 2023-11-14T23:13:20.000Z (há 3 h)");
  t.regex(d!.evidence!, /sub=system:serviceaccount:legacy:legacy-pegasus aud=istio-ca/);
});

test("claims findings: audience, subject and clock problems", (t) => {
  const fresh = new Date("2023-11-14T22:20:00Z");
  t.deepEqual(tokenClaimFindings({ claims, now: fresh, namespace: "legacy", serviceAccount: "legacy-pegasus" }), []);
  const other = tokenClaimFindings({ claims: decodeTokenClaims(makeToken({ ...VM_TOKEN_CLAIMS, aud: ["api"] })), now: fresh, namespace: "legacy", serviceAccount: "pegasus-legacy" });
  t.deepEqual(other.map((f) => f.variant), ["audiencia", "conta"]);
  const future = tokenClaimFindings({ claims, now: new Date("2023-11-14T21:00:00Z") });
  t.deepEqual(future.map((f) => f.variant), ["futuro"]);
});

test("a failed istio-token check is explained from its claims", (t) => {
  const d = diagnose({ text: "", kind: "istio-token", context: { tokenClaims: claims, vmNamespace: "legacy", serviceAccount: "legacy-pegasus" }, now });
  t.deepEqual(d.map((x) => x.id), ["token-declaracoes/expirado"]);
});

test("a certificate request that could not reach istiod is not blamed on the token", (t) => {
  const unreachable = '2026-11-25T20:18:28.690079Z\terror\tcitadelclient\tFailed to create certificate: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial tcp 198.18.194.11:15012: i/o timeout"';
  const ids = diagnose({ text: unreachable }).map((d) => d.id);
  t.false(ids.some((id) => id.startsWith("token-recusado")), ids.join(", "));
  t.true(ids.includes("istiod-inacessivel"), ids.join(", "));
});
