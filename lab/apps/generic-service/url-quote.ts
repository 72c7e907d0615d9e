// Python's urllib.parse quoting, as uvicorn and Starlette apply it to paths in logs and redirects.

const ALWAYS_SAFE = new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~");

/** urllib.parse.quote(text, safe): UTF-8 percent-encoding of everything but letters, digits, `_.-~` and `safe`. */
export const pyQuote = (text: string, safe = "/"): string => {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && (ALWAYS_SAFE.has(ch) || safe.includes(ch)) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
};

/** urllib.parse.quote_plus(text, safe): like pyQuote, spaces become `+`. */
export const pyQuotePlus = (text: string, safe = ""): string => pyQuote(text, `${safe} `).replaceAll(" ", "+");

/** urllib.parse.unquote(text): `%XX` runs decoded as UTF-8, invalid sequences replaced by U+FFFD. */
export const pyUnquote = (text: string): string =>
  text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replaceAll("%", ""), "hex").toString("utf8"));

/** urllib.parse.unquote_plus(text): pyUnquote after turning `+` into spaces (how query strings are decoded). */
export const pyUnquotePlus = (text: string): string => pyUnquote(text.replaceAll("+", " "));
