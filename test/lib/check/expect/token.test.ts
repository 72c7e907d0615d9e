import test from "ava";
import { tokenValid } from "../../../../lib/check/expect/token.js";
import { decodeTokenClaims } from "../../../../lib/parse/token.js";
import { makeToken, VM_TOKEN_CLAIMS } from "../../fixtures/token.js";

const at = (iso: string) => () => new Date(iso);

test("passes for a fresh token of the VM's account and never shows the token", (t) => {
  const token = makeToken(VM_TOKEN_CLAIMS);
  const v = tokenValid({ namespace: "legacy", serviceAccount: "legacy-pegasus", now: at("2023-11-14T22:20:00Z") }).evaluate(token);
  t.true(v.ok, v.detail);
  t.is(v.received, "sub=system:serviceaccount:legacy:legacy-pegasus aud=istio-ca exp=2023-11-14T23:13:20.000Z (expira em 53 min)");
  t.false(JSON.stringify(v).includes(token.split(".")[1]!));
});

test("fails for an expired token, with its claims for the diagnoses", (t) => {
  const v = tokenValid({ now: at("2023-11-15T02:13:20Z") }).evaluate({ stdout: makeToken(VM_TOKEN_CLAIMS), stderr: "", exitCode: 0 });
  t.false(v.ok);
  t.is(v.detail, "o istio-token expirou em 2023-11-14T23:13:20.000Z (há 3 h)");
  t.is(v.diagnoseContext?.tokenClaims?.serviceAccount, "legacy-pegasus");
});

test("fails when too little time is left, for another account, or for another audience", (t) => {
  const claims = decodeTokenClaims(makeToken(VM_TOKEN_CLAIMS));
  t.regex(tokenValid({ now: at("2023-11-14T23:10:20Z") }).evaluate(claims).detail!, /expira em 3 min: não dá tempo/);
  t.regex(tokenValid({ namespace: "legacy", serviceAccount: "pegasus-legacy", now: at("2023-11-14T22:20:00Z") }).evaluate(claims).detail!, /é da conta legacy\/legacy-pegasus, mas a VM usa legacy\/pegasus-legacy/);
  t.regex(tokenValid({ now: at("2023-11-14T22:20:00Z") }).evaluate(makeToken({ ...VM_TOKEN_CLAIMS, aud: ["https://kubernetes.default.svc"] })).detail!, /exige "istio-ca"/);
  t.is(tokenValid({ now: at("2023-11-14T22:20:00Z") }).evaluate(makeToken({ ...VM_TOKEN_CLAIMS, exp: undefined })).detail, "o token não tem data de expiração (exp)");
});
