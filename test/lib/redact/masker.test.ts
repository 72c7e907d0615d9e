import test from "ava";
import { Masker, looksSecret, PRIVATE_KEY_MASK, SECRET_MASK, TOKEN_MASK } from "../../../lib/redact/masker.js";
import { LineMasker } from "../../../lib/redact/line-masker.js";

// A syntactically valid but fake JWT (header {"alg":"RS256","kid":"x"}, payload with exp), as an istio-token looks.
const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: "fake-key-id" })).toString("base64url");
const payload = Buffer.from(JSON.stringify({ aud: ["istio-ca"], exp: 1700000000, sub: "system:serviceaccount:legacy:legacy-pegasus" })).toString("base64url");
const JWT = `${header}.${payload}.c2lnbmF0dXJlLWJ5dGVzLWZha2U`;
const PEM = ["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "AAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ", "-----END OPENSSH PRIVATE KEY-----"].join("\n");

test("masks a JWT wherever it appears", (t) => {
  const m = new Masker();
  t.is(m.mask(`token: ${JWT}\n`), `token: ${TOKEN_MASK}\n`);
  t.false(looksSecret(m.mask(`a${JWT} b`)));
});

test("masks a PEM private key block whole, keeps certificates", (t) => {
  const m = new Masker();
  const cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
  const out = m.mask(`before\n${PEM}\n${cert}\nafter`);
  t.is(out, `before\n${PRIVATE_KEY_MASK}\n${cert}\nafter`);
});

test("masks bearer credentials in headers", (t) => {
  const m = new Masker();
  t.is(m.mask("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123"), `Authorization: Bearer ${SECRET_MASK}`);
});

test("masks registered secret values, the longest first", (t) => {
  const m = new Masker();
  m.addSecret("s3cr3t-value");
  m.addSecret("s3cr3t-value-longer");
  t.is(m.mask("x s3cr3t-value-longer y s3cr3t-value z"), `x ${SECRET_MASK} y ${SECRET_MASK} z`);
});

test("refuses to register a secret too short to mask safely", (t) => {
  const m = new Masker();
  const error = t.throws(() => m.addSecret("abc"));
  t.regex(error!.message, /curto demais/);
  t.is(m.size, 0);
});

test("maskDeep masks strings inside objects without changing the original", (t) => {
  const m = new Masker();
  const original = { a: [JWT, { b: `x ${JWT}` }], n: 3 };
  const masked = m.maskDeep(original);
  t.deepEqual(masked, { a: [TOKEN_MASK, { b: `x ${TOKEN_MASK}` }], n: 3 });
  t.is(original.a[0], JWT);
});

test("a streamed JWT split across chunks never leaks", (t) => {
  const lm = new LineMasker(new Masker());
  const text = `line one\nthe token ${JWT} end\nlast`;
  let out = "";
  for (let i = 0; i < text.length; i += 7) out += lm.push(text.slice(i, i + 7));
  out += lm.flush();
  t.is(out, `line one\nthe token ${TOKEN_MASK} end\nlast`);
});

test("a streamed private key is held back until its END line, then masked whole", (t) => {
  const lm = new LineMasker(new Masker());
  const released: string[] = [];
  for (const line of `intro\n${PEM}\noutro\n`.split(/(?<=\n)/)) released.push(lm.push(line));
  released.push(lm.flush());
  const all = released.join("");
  t.is(all, `intro\n${PRIVATE_KEY_MASK}\noutro\n`);
  t.false(released.some((r) => r.includes("b3BlbnNzaC1rZXkt")));
});

test("an unterminated private key is masked on flush", (t) => {
  const lm = new LineMasker(new Masker());
  const out = lm.push("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n") + lm.flush();
  t.is(out, PRIVATE_KEY_MASK);
});
