// Masks a stream chunk by chunk without ever cutting a secret in two: text is released line by line, and a PEM
// private key block is held back until its END line arrives.
import type { Masker } from "./masker.js";

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** A streaming wrapper around a Masker that buffers the current incomplete line (or open private key block). */
export class LineMasker {
  #pending = "";
  constructor(private readonly masker: Masker) {}

  /** Feeds a chunk; returns the masked text it can release now (possibly empty). */
  push(chunk: string): string {
    const text = this.#pending + chunk;
    let cut = text.lastIndexOf("\n") + 1;
    const begins = [...text.matchAll(new RegExp(PEM_BEGIN.source, "g"))];
    const lastBegin = begins.at(-1)?.index;
    if (lastBegin !== undefined && !PEM_END.test(text.slice(lastBegin))) cut = Math.min(cut, lastBegin);
    this.#pending = text.slice(cut);
    return cut > 0 ? this.masker.mask(text.slice(0, cut)) : "";
  }

  /** Returns the masked rest (an unterminated key block is masked whole). */
  flush(): string {
    const rest = this.#pending;
    this.#pending = "";
    return rest ? this.masker.mask(rest) : "";
  }
}
