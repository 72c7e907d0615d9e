// The one masker: every text that leaves the library (cell output, event log, report, export) goes through it.

/** What replaces a JSON Web Token (a Kubernetes or istio-token). */
export const TOKEN_MASK = "<token oculto>";
/** What replaces a PEM private key block. */
export const PRIVATE_KEY_MASK = "<chave privada oculta>";
/** What replaces a registered secret value. */
export const SECRET_MASK = "<segredo oculto>";

const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const PEM_PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/g;
const MIN_SECRET_LENGTH = 6;

/** Masks secrets in text: JWTs, PEM private keys, bearer credentials and every value registered with `addSecret`. */
export class Masker {
  readonly #secrets = new Set<string>();

  /** Registers a value that must never be shown (values shorter than 6 characters are refused: they would mask ordinary text). */
  addSecret(value: string): void {
    const trimmed = value.trim();
    if (trimmed.length < MIN_SECRET_LENGTH) {
      throw new Error(`segredo curto demais para ser mascarado com segurança (${trimmed.length} caracteres)`);
    }
    this.#secrets.add(trimmed);
  }

  /** Number of registered secret values. */
  get size(): number {
    return this.#secrets.size;
  }

  /** Returns `text` with every secret replaced by a placeholder. */
  mask(text: string): string {
    let out = text.replace(PEM_PRIVATE_KEY, PRIVATE_KEY_MASK);
    // Longest first, so a secret that contains another one is masked whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(SECRET_MASK);
    }
    out = out.replace(JWT, TOKEN_MASK).replace(BEARER, `$1${SECRET_MASK}`);
    return out;
  }

  /** Masks every string inside a JSON-like value (objects and arrays are copied, not changed in place). */
  maskDeep<T>(value: T): T {
    if (typeof value === "string") return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.maskDeep(item)) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }
}

/** True when `text` still contains something that looks like a secret (used by tests and exporters as a last guard). */
export const looksSecret = (text: string): boolean =>
  new RegExp(JWT.source).test(text) || /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text);
