import test from "ava";
import { Masker } from "../../../lib/redact/masker.js";
import { ParseError } from "../../../lib/parse/errors.js";
import { decodeTokenClaims, describeTokenClaims, tokenTimeLeftMs } from "../../../lib/parse/token.js";
import { makeToken, VM_TOKEN_CLAIMS as CLAIMS } from "../fixtures/token.js";

test("decodes the claims of a service-account token", (t) => {
  const claims = decodeTokenClaims(makeToken(CLAIMS));
  t.deepEqual(claims.audiences, ["istio-ca"]);
  t.is(claims.subject, "system:serviceaccount:legacy:legacy-pegasus");
  t.is(claims.namespace, "legacy");
  t.is(claims.serviceAccount, "legacy-pegasus");
  t.is(claims.expiresAt?.toISOString(), "2023-11-14T23:13:20.000Z");
  t.is(claims.issuer, "https://kubernetes.default.svc.cluster.local");
  t.is(tokenTimeLeftMs({ claims, now: new Date("2023-11-14T23:03:20Z") }), 600_000);
  t.is(describeTokenClaims(claims), "sub=system:serviceaccount:legacy:legacy-pegasus aud=istio-ca exp=2023-11-14T23:13:20.000Z");
});

test("takes namespace and account from the subject when the kubernetes.io claim is absent, and a string audience", (t) => {
  const claims = decodeTokenClaims(makeToken({ aud: "istio-ca", sub: "system:serviceaccount:legacy:other" }));
  t.deepEqual(claims.audiences, ["istio-ca"]);
  t.is(claims.serviceAccount, "other");
  t.is(claims.expiresAt, undefined);
});

test("never quotes the token in its errors", (t) => {
  const token = makeToken(CLAIMS);
  const broken = `${token.split(".")[0]}.${Buffer.from("not json").toString("base64url")}.${token.split(".")[2]}`;
  for (const bad of [token.slice(0, 40), broken, `${token}.extra`]) {
    const error = t.throws(() => decodeTokenClaims(bad), { instanceOf: ParseError });
    t.false(error!.message.includes(bad.slice(0, 20)));
    t.is(error!.excerpt, undefined);
  }
  // The claims description is safe to show: the masker finds nothing to hide in it.
  t.is(new Masker().mask(describeTokenClaims(decodeTokenClaims(token))), describeTokenClaims(decodeTokenClaims(token)));
});

test("reads a token file and returns only its claims; a missing file is bad input with the fix", async (t) => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const { readTokenClaims } = await import("../../../lib/parse/token.js");
  const { InputError } = await import("../../../lib/errors.js");
  const dir = mkdtempSync(path.join(tmpdir(), "token-"));
  writeFileSync(path.join(dir, "istio-token"), makeToken(CLAIMS));
  t.is(readTokenClaims({ file: path.join(dir, "istio-token") }).serviceAccount, "legacy-pegasus");
  const error = t.throws(() => readTokenClaims({ file: path.join(dir, "missing") }), { instanceOf: InputError });
  t.regex(error!.message, /não existe.*\nComo corrigir: gere os arquivos da VM/s);
});
