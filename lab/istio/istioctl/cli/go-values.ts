// Go's parsers for flag values, with Go's error texts (strconv and time), because pflag prints them verbatim in
// `invalid argument "x" for "--flag" flag: <Go error>`.

/** A Go error text raised by a parser. */
export class GoValueError extends Error {}

/** strconv.ParseBool. */
export const parseGoBool = (s: string): boolean => {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  throw new GoValueError(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
};

/** strconv.ParseInt(s, 0, bits) / ParseUint(s, 0, bits): base prefixes 0x, 0o, 0b, 0 and `_` separators. */
export const parseGoInt = (s: string, { bits, unsigned }: { bits: 32 | 64; unsigned: boolean }): number => {
  const fn = unsigned ? "strconv.ParseUint" : "strconv.ParseInt";
  const fail = (what: string): never => {
    throw new GoValueError(`${fn}: parsing ${JSON.stringify(s)}: ${what}`);
  };
  let body = s;
  let negative = false;
  if (!unsigned && (body.startsWith("-") || body.startsWith("+"))) {
    negative = body.startsWith("-");
    body = body.slice(1);
  }
  let base = 10;
  let digits = body;
  if (/^0[xX]/.test(body)) [base, digits] = [16, body.slice(2)];
  else if (/^0[bB]/.test(body)) [base, digits] = [2, body.slice(2)];
  else if (/^0[oO]/.test(body)) [base, digits] = [8, body.slice(2)];
  else if (/^0[0-9_]/.test(body)) [base, digits] = [8, body.slice(1)];
  // Go literal syntax: `_` only between digits (or right after a base prefix).
  const prefixed = digits !== body;
  if (!/^_?[0-9a-zA-Z]+(?:_[0-9a-zA-Z]+)*$/.test(digits) || (!prefixed && digits.startsWith("_"))) fail("invalid syntax");
  const plain = digits.replace(/_/g, "");
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(plain)) fail("invalid syntax");
  const value = BigInt((base === 10 ? "" : { 2: "0b", 8: "0o", 16: "0x" }[base as 2 | 8 | 16]) + plain) * (negative ? -1n : 1n);
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  if (value > max || value < min) fail("value out of range");
  return Number(value);
};

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in milliseconds. */
export const parseGoDuration = (s: string): number => {
  const quoted = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (!rest) throw new GoValueError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest) {
    const m = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (!m[1] && (!m[2] || m[2] === ".")) throw new GoValueError(`time: invalid duration ${quoted}`);
    rest = rest.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(rest)?.[0];
    if (!unit) throw new GoValueError(`time: missing unit in duration ${quoted}`);
    const factor = UNITS[unit];
    if (factor === undefined) throw new GoValueError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${m[1] || "0"}${m[2] ?? ""}`) * factor;
  }
  return sign * total;
};

/** time.Duration.String() of a duration in milliseconds ("5m0s", "300ms", "1h0m0s"). */
export const formatGoDuration = (ms: number): string => {
  if (ms === 0) return "0s";
  const negative = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1_000) return `${negative ? "-" : ""}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Number((rest / 1_000).toFixed(9)).toString();
  const text = hours ? `${hours}h${minutes}m${seconds}s` : minutes ? `${minutes}m${seconds}s` : `${seconds}s`;
  return `${negative ? "-" : ""}${text}`;
};

/** encoding/csv's reading of one line, as pflag's StringSlice does ("a,b", "\"a,b\",c"). */
export const parseCsvLine = (s: string): string[] => {
  if (s === "") return [];
  const out: string[] = [];
  let i = 0;
  while (i <= s.length) {
    if (s[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= s.length) throw new GoValueError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += s[i++];
      }
      if (i < s.length && s[i] !== ",") throw new GoValueError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
      out.push(value);
      i++;
    } else {
      const end = s.indexOf(",", i);
      const field = s.slice(i, end < 0 ? s.length : end);
      const bare = field.indexOf('"');
      if (bare >= 0) throw new GoValueError(`parse error on line 1, column ${i + bare + 1}: bare " in non-quoted-field`);
      out.push(field);
      if (end < 0) break;
      i = end + 1;
      if (i === s.length) {
        out.push("");
        break;
      }
    }
  }
  return out;
};
