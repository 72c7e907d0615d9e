import test from "ava";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { inspectPrivateKey } from "../../../lib/vm/key-file.js";

// The oracle is OpenSSH itself: for every variant, `ssh-keygen -y -P '' -f KEY` (which loads a private key exactly as
// ssh does) must agree with inspectPrivateKey on whether the key is usable without a passphrase.
const dir = mkdtempSync(path.join(os.tmpdir(), "vm-keys-"));
const keygen = (args: string[]) => {
  const r = spawnSync("ssh-keygen", ["-q", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
};
const write = (name: string, content: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
};

keygen(["-t", "ed25519", "-N", "", "-f", path.join(dir, "ed25519")]);
keygen(["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", path.join(dir, "rsa-pem")]);
keygen(["-t", "rsa", "-b", "3072", "-m", "PKCS8", "-N", "", "-f", path.join(dir, "rsa-pkcs8")]);
keygen(["-t", "rsa", "-b", "2048", "-N", "", "-f", path.join(dir, "rsa-openssh")]);
keygen(["-t", "ecdsa", "-b", "384", "-m", "PEM", "-N", "", "-f", path.join(dir, "ecdsa-pem")]);
keygen(["-t", "ecdsa", "-N", "", "-f", path.join(dir, "ecdsa-openssh")]);
keygen(["-t", "ed25519", "-N", "segredo-longo", "-f", path.join(dir, "ed25519-encrypted")]);
keygen(["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "segredo-longo", "-f", path.join(dir, "rsa-pem-encrypted")]);
keygen(["-t", "dsa", "-N", "", "-f", path.join(dir, "dsa")]);
const ed = readFileSync(path.join(dir, "ed25519"), "utf8");
const pem = readFileSync(path.join(dir, "rsa-pem"), "utf8");
const lines = ed.split("\n");

const variants: Record<string, string> = {
  ed25519: path.join(dir, "ed25519"),
  "rsa-pem": path.join(dir, "rsa-pem"),
  "rsa-pkcs8": path.join(dir, "rsa-pkcs8"),
  "rsa-openssh": path.join(dir, "rsa-openssh"),
  "ecdsa-pem": path.join(dir, "ecdsa-pem"),
  "ecdsa-openssh": path.join(dir, "ecdsa-openssh"),
  "ed25519-encrypted": path.join(dir, "ed25519-encrypted"),
  "rsa-pem-encrypted": path.join(dir, "rsa-pem-encrypted"),
  "openssh without final newline": write("ed-nonl", ed.replace(/\n$/, "")),
  "openssh with CRLF": write("ed-crlf", ed.replace(/\n/g, "\r\n")),
  "openssh with a blank line before": write("ed-lead", `\n${ed}`),
  "openssh with spaces after END": write("ed-trail", ed.replace(/-----\n$/, "-----  \n")),
  "openssh with an extra newline at the end": write("ed-extra", `${ed}\n`),
  "openssh with text after END": write("ed-after", `${ed}comment\n`),
  "openssh rewrapped": write("ed-wrap", [lines[0], ...lines.slice(1, -2).join("").match(/.{1,40}/g)!, lines.at(-2), ""].join("\n")),
  "openssh truncated": write("ed-trunc", [...lines.slice(0, 3), lines.at(-2), ""].join("\n")),
  "openssh with a corrupted byte": write("ed-bad", ed.replace(/^(-----BEGIN[^\n]*\n.{30})./, (_, p: string) => `${p}${p.endsWith("A") ? "B" : "A"}`)),
  "pem without final newline": write("pem-nonl", pem.replace(/\n$/, "")),
  "pem with CRLF": write("pem-crlf", pem.replace(/\n/g, "\r\n")),
  "pem truncated": write("pem-trunc", pem.split("\n").slice(0, 6).join("\n") + "\n-----END RSA PRIVATE KEY-----\n"),
  "public key": write("pub", readFileSync(path.join(dir, "ed25519.pub"), "utf8")),
  putty: write("ppk", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\nAAAA\nAAAA\n"),
  empty: write("empty", ""),
  "random text": write("text", "hello, I am not a key\n"),
};

for (const [name, file] of Object.entries(variants)) {
  test(`agrees with ssh-keygen on a usable key: ${name}`, (t) => {
    const oracle = spawnSync("ssh-keygen", ["-y", "-P", "", "-f", file], { encoding: "utf8" }).status === 0;
    let usable: boolean;
    try {
      usable = !inspectPrivateKey({ path: file }).encrypted;
    } catch (error) {
      t.true(error instanceof InputError, String(error));
      t.regex((error as Error).message, /Como corrigir: /);
      usable = false;
    }
    t.is(usable, oracle);
  });
}

test("reports format, type and size", (t) => {
  t.like(inspectPrivateKey({ path: variants["ed25519"]! }), { format: "openssh", type: "ed25519", encrypted: false });
  t.like(inspectPrivateKey({ path: variants["rsa-openssh"]! }), { format: "openssh", type: "rsa", bits: 2048 });
  t.like(inspectPrivateKey({ path: variants["rsa-pkcs8"]! }), { format: "pem", type: "rsa", bits: 3072 });
  t.like(inspectPrivateKey({ path: variants["ecdsa-pem"]! }), { format: "pem", type: "ecdsa", bits: 384 });
  t.like(inspectPrivateKey({ path: variants["ed25519-encrypted"]! }), { format: "openssh", type: "ed25519", encrypted: true });
  t.like(inspectPrivateKey({ path: variants["rsa-pem-encrypted"]! }), { format: "pem", encrypted: true });
});

test("names the cause and the fix of the usual mistakes", (t) => {
  const problem = (name: string) => t.throws(() => inspectPrivateKey({ path: variants[name]! }), { instanceOf: InputError })!.message;
  t.regex(problem("openssh with CRLF"), /CRLF[\s\S]*Como corrigir: .*sed -i/);
  t.regex(problem("openssh without final newline"), /sem quebra de linha[\s\S]*echo >>/);
  t.regex(problem("public key"), /chave PÚBLICA/);
  t.regex(problem("putty"), /PuTTY[\s\S]*puttygen/);
  t.regex(problem("empty"), /está vazia/);
  t.regex(problem("openssh truncated"), /corrompida ou incompleta/);
});

test("refuses a DSA key, which ssh-keygen reads but the OpenSSH client no longer uses", (t) => {
  t.throws(() => inspectPrivateKey({ path: path.join(dir, "dsa") }), { instanceOf: InputError, message: /DSA[\s\S]*ssh-keygen -t ed25519/ });
});

test("re-checks the file's permissions and existence at use time", (t) => {
  const file = write("later-open", ed);
  chmodSync(file, 0o644);
  t.throws(() => inspectPrivateKey({ path: file }), { instanceOf: InputError, message: /chmod 600/ });
  t.throws(() => inspectPrivateKey({ path: path.join(dir, "gone") }), { instanceOf: InputError, message: /não existe/ });
});
