// Python's int(text, base): how the original parses SCHED_CALL_INTERVAL, query parameters and B3 trace ids.

/** Parses `text` the way Python's `int(text, base)` does for ASCII input (surrounding whitespace, a sign, `_` between
 * digits, an optional `0x` prefix in base 16); returns undefined where Python raises ValueError. */
export const parsePythonInt = (text: string, base: 10 | 16 = 10): bigint | undefined => {
  const trimmed = text.trim();
  const pattern = base === 10 ? /^([+-]?)([0-9](?:_?[0-9])*)$/ : /^([+-]?)(?:0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)$/;
  const match = pattern.exec(trimmed);
  if (!match) return undefined;
  const digits = (match[2] ?? "").replaceAll("_", "");
  const magnitude = BigInt(base === 10 ? digits : `0x${digits}`);
  return match[1] === "-" ? -magnitude : magnitude;
};

/** Python's `format(n, "x").zfill(16)`: lower-case hex, zero-padded to 16 characters after any sign. */
export const hexZfill16 = (value: bigint): string => {
  const negative = value < 0n;
  const hex = (negative ? -value : value).toString(16);
  return negative ? `-${hex.padStart(15, "0")}` : hex.padStart(16, "0");
};
