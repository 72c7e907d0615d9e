// Python's repr() of the values the original puts in its log lines: str, bytes, lists and dicts of strings.

// Characters Python's str.isprintable() rejects (other than the plain space): control, format, surrogate, private
// use, unassigned and separator characters.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const pickQuote = (hasSingle: boolean, hasDouble: boolean): string => (hasSingle && !hasDouble ? '"' : "'");

/** repr() of a Python str: `'text'`, switching to double quotes when the text holds a single quote and no double one. */
export const pyStr = (text: string): string => {
  const quote = pickQuote(text.includes("'"), text.includes('"'));
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
};

/** repr() of Python bytes: `b'...'` with `\xNN` for bytes outside printable ASCII. */
export const pyBytes = (bytes: Uint8Array): string => {
  const quote = pickQuote(bytes.includes(0x27), bytes.includes(0x22));
  let out = `b${quote}`;
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
};

/** repr() of a Python list of str: `['a', 'b']`. */
export const pyList = (items: readonly string[]): string => `[${items.map(pyStr).join(", ")}]`;

/** repr() of a Python dict of str to str, in insertion order: `{'k': 'v'}`. */
export const pyDict = (entries: ReadonlyArray<readonly [string, string]>): string =>
  `{${entries.map(([key, value]) => `${pyStr(key)}: ${pyStr(value)}`).join(", ")}}`;
