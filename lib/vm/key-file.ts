// Reads the student's private key file the way the OpenSSH client will, without running anything: its format, key
// type, size and whether it is protected by a passphrase, and why ssh would refuse it (in Portuguese, with the fix).
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { keyFileProblem } from "../params/validate.js";

/** What ssh will find in the key file. */
export interface PrivateKeyInfo {
  /** "openssh" (`BEGIN OPENSSH PRIVATE KEY`) or a PEM flavour OpenSSL reads (PKCS#1, PKCS#8, SEC1). */
  format: "openssh" | "pem";
  /** ed25519, rsa, ecdsa, dsa, or the OpenSSH key type name for others (e.g. sk-ssh-ed25519@openssh.com). */
  type: string;
  /** Key size in bits when known (RSA modulus, EC curve). */
  bits?: number;
  /** Protected by a passphrase: usable only through ssh-agent (the runbook never prompts). */
  encrypted: boolean;
}

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";
const MAX_KEY_BYTES = 64 * 1024;

/** Reads an SSH wire-format buffer: uint32 and length-prefixed strings, failing on truncation. */
class WireReader {
  #offset = 0;
  constructor(private readonly buf: Buffer) {}
  get remaining(): number {
    return this.buf.length - this.#offset;
  }
  uint32(): number {
    if (this.remaining < 4) throw new Error("truncated");
    const v = this.buf.readUInt32BE(this.#offset);
    this.#offset += 4;
    return v;
  }
  bytes(): Buffer {
    const length = this.uint32();
    if (length > this.remaining) throw new Error("truncated");
    const out = this.buf.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }
  string(): string {
    return this.bytes().toString("latin1");
  }
}

/** Bits of an SSH mpint (a big-endian two's complement integer, possibly with a leading zero byte). */
const mpintBits = (mpint: Buffer): number => {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]!));
};

/** The key type (and size) from an SSH public key blob. */
const publicBlobType = (blob: Buffer): { type: string; bits?: number } => {
  const r = new WireReader(blob);
  const name = r.string();
  if (name === "ssh-ed25519") return { type: "ed25519", bits: 256 };
  if (name === "ssh-rsa") {
    r.bytes(); // e
    return { type: "rsa", bits: mpintBits(r.bytes()) };
  }
  if (name.startsWith("ecdsa-sha2-nistp")) return { type: "ecdsa", bits: Number(name.slice("ecdsa-sha2-nistp".length)) };
  if (name === "ssh-dss") return { type: "dsa", bits: mpintBits(r.bytes()) };
  return { type: name };
};

/** Parses the OpenSSH private key format (PROTOCOL.key) after checking the armor the way ssh does. */
const parseOpenSsh = (text: string, fail: (problem: string, fix: string) => never): PrivateKeyInfo => {
  if (text.startsWith(`${BEGIN}\r\n`) || /\r\n/.test(text)) {
    fail("tem finais de linha do Windows (CRLF), que o ssh não aceita em chaves no formato OPENSSH", "converta para finais de linha Unix: `sed -i 's/\\r$//' <arquivo>` (ou `dos2unix <arquivo>`)");
  }
  if (!text.startsWith(`${BEGIN}\n`)) {
    fail(`não começa exatamente com a linha ${BEGIN} (há algo antes dela, como uma linha em branco ou espaços)`, "apague o que vem antes de -----BEGIN na primeira linha do arquivo");
  }
  const endAt = text.indexOf(`\n${END}`);
  if (endAt < 0) fail(`não tem a linha ${END}: a chave está incompleta`, "copie a chave privada inteira de novo, da linha -----BEGIN até a linha -----END");
  if (text.slice(endAt + 1, endAt + 1 + END.length + 1) !== `${END}\n`) {
    const after = text.slice(endAt + 1 + END.length);
    if (after === "") fail(`termina sem quebra de linha depois de ${END}, e o ssh recusa a chave assim`, "acrescente uma quebra de linha ao final: `echo >> <arquivo>`");
    fail(`tem caracteres extras na linha ${END} (espaços no final?)`, "deixe a linha -----END sozinha, sem espaços depois, seguida de uma quebra de linha");
  }
  const body = text.slice(BEGIN.length + 1, endAt).replace(/[\s]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
    fail("tem o conteúdo em base64 corrompido", "copie a chave privada de novo, sem alterar nenhuma linha");
  }
  try {
    const magic = Buffer.from("openssh-key-v1\0", "latin1");
    const raw = Buffer.from(body, "base64");
    if (!raw.subarray(0, magic.length).equals(magic)) throw new Error("magic");
    const reader = new WireReader(raw.subarray(magic.length));
    const cipher = reader.string();
    reader.string(); // kdf name
    reader.bytes(); // kdf options
    const count = reader.uint32();
    if (count !== 1) throw new Error("key count");
    const type = publicBlobType(reader.bytes());
    const secret = reader.bytes();
    if (reader.remaining !== 0) throw new Error("trailing bytes");
    const encrypted = cipher !== "none";
    if (!encrypted) {
      if (secret.length < 8 || secret.readUInt32BE(0) !== secret.readUInt32BE(4)) throw new Error("check bytes");
    }
    return { format: "openssh", ...type, encrypted };
  } catch {
    return fail("está corrompida ou incompleta (o conteúdo não é uma chave OpenSSH válida)", "copie a chave privada de novo, inteira, sem alterar nenhuma linha");
  }
};

/** Reads a PEM private key (PKCS#1, PKCS#8, SEC1) with OpenSSL, through node:crypto. */
const parsePem = (text: string, fail: (problem: string, fix: string) => never): PrivateKeyInfo => {
  try {
    const key = createPrivateKey({ key: text, format: "pem" });
    const details = key.asymmetricKeyDetails ?? {};
    const type = key.asymmetricKeyType === "ec" ? "ecdsa" : (key.asymmetricKeyType ?? "desconhecido");
    const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
    const bits = details.modulusLength ?? (details.namedCurve ? curveBits[details.namedCurve] : undefined);
    return { format: "pem", type, ...(bits !== undefined ? { bits } : {}), encrypted: false };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MISSING_PASSPHRASE" || /ENCRYPTED/.test(text)) return { format: "pem", type: "desconhecido", encrypted: true };
    return fail("não é uma chave privada PEM legível (conteúdo corrompido ou incompleto)", "copie a chave privada de novo, inteira, da linha -----BEGIN até a linha -----END");
  }
};

/** Inspects the private key at `path`; throws InputError (Portuguese, with the fix) when ssh could not use it. */
export const inspectPrivateKey = ({ path, subject = "VM_PKEY_PATH" }: { path: string; subject?: string }): PrivateKeyInfo => {
  const fail = (problem: string, fix: string): never => {
    throw new InputError(`${subject}: a chave "${path}" ${problem}`, fix.replace(/<arquivo>/g, path), subject);
  };
  const fileProblem = keyFileProblem(path);
  if (fileProblem) throw new InputError(`${subject}: ${fileProblem.problem}`, fileProblem.fix, subject);
  const buf = readFileSync(path);
  if (buf.length === 0) fail("está vazia", "copie o conteúdo da chave privada da VM para esse arquivo");
  if (buf.length > MAX_KEY_BYTES) fail(`tem ${buf.length} bytes: grande demais para ser uma chave privada`, "aponte VM_PKEY_PATH para o arquivo da chave privada");
  const text = buf.toString("latin1");

  let info: PrivateKeyInfo;
  if (/^PuTTY-User-Key-File-\d+:/.test(text)) {
    return fail("está no formato do PuTTY (.ppk), que o OpenSSH não lê", "converta-a: `puttygen <arquivo> -O private-openssh -o chave.pem` e aponte VM_PKEY_PATH para chave.pem");
  } else if (/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-|sk-(ssh|ecdsa))\S* AAAA/.test(text.trimStart()) || text.includes("---- BEGIN SSH2 PUBLIC KEY ----")) {
    return fail("é uma chave PÚBLICA; o ssh precisa da chave privada", "aponte VM_PKEY_PATH para o arquivo da chave privada (em geral o mesmo nome sem .pub, começando com -----BEGIN)");
  } else if (text.includes(BEGIN)) {
    info = parseOpenSsh(text, fail);
  } else if (/-----BEGIN (RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    info = parsePem(text, fail);
  } else {
    return fail("não é uma chave privada SSH (não tem uma linha -----BEGIN … PRIVATE KEY-----)", "aponte VM_PKEY_PATH para o arquivo da chave privada que dá acesso à VM");
  }
  if (info.type === "dsa") {
    fail("é do tipo DSA, que o OpenSSH desativou (versão 7.0 em diante) e recusa usar", "gere uma chave nova (`ssh-keygen -t ed25519 -f chave`), instale a pública na VM e aponte VM_PKEY_PATH para a nova");
  }
  if (info.type === "rsa" && info.bits !== undefined && info.bits < 1024) {
    fail(`é RSA de ${info.bits} bits, menor do que o mínimo do OpenSSH (1024)`, "gere uma chave nova (`ssh-keygen -t ed25519 -f chave`), instale a pública na VM e aponte VM_PKEY_PATH para a nova");
  }
  return info;
};
