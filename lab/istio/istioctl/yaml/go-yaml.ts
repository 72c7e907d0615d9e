// YAML exactly as istioctl prints it: Go's gopkg.in/yaml.v2 encoder (through ghodss / sigs.k8s.io/yaml) — keys in
// yaml.v2's natural order, sequences not indented under their key, `{}`/`[]` for empty collections, and yaml.v2's
// choice of plain, single-quoted, double-quoted or literal scalars (strings that would read back as another type are
// double-quoted). Lines wrap at `width` columns like yaml.v2 ≥ 2.4 (undefined = no wrapping, yaml.v2 2.3).

/** A JSON-like value. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** Options of goYamlMarshal. */
export interface GoYamlOptions {
  /** Preferred line width (yaml.v2 default 80); undefined disables wrapping. */
  width?: number;
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);

/** yaml.v2's keyList.Less for string keys: letters after non-letters, digit runs compared as numbers. */
export const yamlV2KeyLess = (a: string, b: string): boolean => {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
};

/** Keys of a mapping in yaml.v2 order. */
const sortedKeys = (obj: Record<string, unknown>): string[] => Object.keys(obj).sort((x, y) => (yamlV2KeyLess(x, y) ? -1 : yamlV2KeyLess(y, x) ? 1 : 0));

const BOOL_NULL = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"]);

/** True when the plain text would read back as something other than a string (yaml.v2's resolve + base 60 floats). */
const resolvesToNonString = (s: string): boolean => {
  if (BOOL_NULL.has(s)) return true;
  const c = s[0] ?? "";
  if (c === ".") return /^\.\d+([eE][-+]?\d+)?$/.test(s);
  if (!/[-+0-9]/.test(c)) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?(Z|[-+]\d{2}:\d{2})?)?$/.test(s)) return true;
  const plain = s.replace(/_/g, "");
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^-0b[01]+$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  return false;
};

const isPrintable = (cp: number): boolean =>
  cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
const isBreak = (c: string | undefined): boolean => c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

/** yaml_emitter_analyze_scalar: which styles may carry the text. */
const analyze = (value: string) => {
  const chars = [...value];
  if (!chars.length) return { multiline: false, blockPlain: true, flowPlain: false, single: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith("---") || value.startsWith("...")) blockIndicators = flowIndicators = true;
  chars.forEach((c, i) => {
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) flowIndicators = blockIndicators = true;
      else if (c === "?" || c === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === "-" && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else if (",?[]{}".includes(c)) flowIndicators = true;
    else if (c === ":") {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === "#" && precededByWhitespace) flowIndicators = blockIndicators = true;
    if (!isPrintable(c.codePointAt(0)!)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  });
  let flowPlain = true;
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) flowPlain = blockPlain = single = block = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowIndicators) flowPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, flowPlain, single, block };
};

type Style = "plain" | "single" | "double" | "literal";

/** The style yaml.v2 picks for a string (encoder's choice, then the emitter's checks). */
const styleOf = (s: string, simpleKey: boolean): Style => {
  const a = analyze(s);
  let style: Style = s.includes("\n") ? "literal" : !resolvesToNonString(s) ? "plain" : "double";
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain") {
    if (!a.blockPlain || (s === "" && simpleKey)) style = "single";
  }
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || simpleKey)) style = "double";
  return style;
};

const ESCAPES: Record<string, string> = { "\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\x0b": "v", "\f": "f", "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\u0085": "N", "\u00a0": "_", "\u2028": "L", "\u2029": "P" };

/** A double-quoted scalar (no wrapping). */
const doubleQuoted = (s: string): string => {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
      const e = ESCAPES[c];
      out += e !== undefined ? `\\${e}` : cp <= 0xff ? `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}` : cp <= 0xffff ? `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}` : `\\U${cp.toString(16).toUpperCase().padStart(8, "0")}`;
    } else out += c;
  }
  return `${out}"`;
};

/** Plain or single-quoted text, folded at spaces once the column passes `width` (yaml.v2's write_*_scalar). */
const folded = (s: string, quote: boolean, column: number, indent: number, width: number | undefined): string => {
  const chars = [...s];
  let out = quote ? "'" : "";
  let col = column + (quote ? 1 : 0);
  let spaces = false;
  chars.forEach((c, i) => {
    if (c === " ") {
      const breakable = width !== undefined && !spaces && col > width && chars[i + 1] !== " " && (!quote || (i > 0 && i < chars.length - 1));
      if (breakable) {
        out += `\n${" ".repeat(indent)}`;
        col = indent;
      } else {
        out += " ";
        col++;
      }
      spaces = true;
    } else {
      out += quote && c === "'" ? "''" : c;
      col += quote && c === "'" ? 2 : 1;
      spaces = false;
    }
  });
  return quote ? `${out}'` : out;
};

/** A literal block scalar (`|`, `|-`, `|+`) whose lines are indented by `indent`. */
const literal = (s: string, indent: number): string => {
  const chomp = !s.endsWith("\n") ? "-" : s.endsWith("\n\n") || s === "\n" ? "+" : "";
  const hint = s.startsWith(" ") || s.startsWith("\n") ? "2" : "";
  const body = s.endsWith("\n") ? s.slice(0, -1) : s;
  return `|${hint}${chomp}${body.split("\n").map((l) => (l ? `\n${" ".repeat(indent)}${l}` : "\n")).join("")}`;
};

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
export const goFormatFloat = (f: number): string => {
  if (Number.isNaN(f)) return ".nan";
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, expText] = f.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  // shortest 'g': exponent form when the decimal exponent is < -4 or >= 6
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(f);
};

/** A scalar that is not a string. */
const nonString = (v: number | boolean | null): string => (v === null ? "null" : typeof v === "boolean" ? String(v) : Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFormatFloat(v));

/** A scalar at `column` (after the separating space); wrapped lines start at `indent`. */
const scalar = (v: string | number | boolean | null, column: number, indent: number, width: number | undefined, simpleKey = false): string => {
  if (typeof v !== "string") return nonString(v);
  const style = styleOf(v, simpleKey);
  if (style === "plain") return simpleKey ? v : folded(v, false, column, indent, width);
  if (style === "single") return simpleKey ? `'${v.replace(/'/g, "''")}'` : folded(v, true, column, indent, width);
  if (style === "literal") return literal(v, indent);
  return doubleQuoted(v);
};

const isObject = (v: YamlValue): v is { [key: string]: YamlValue } => v !== null && typeof v === "object" && !Array.isArray(v);
const isEmptyCollection = (v: YamlValue): boolean => (Array.isArray(v) && !v.length) || (isObject(v) && !Object.keys(v).length);
const emptyText = (v: YamlValue): string => (Array.isArray(v) ? "[]" : "{}");

/** Lines of a block mapping whose keys start at `indent` (the first line's indentation may be replaced by "- "). */
const mappingLines = (obj: { [key: string]: YamlValue }, indent: number, width: number | undefined): string[] => {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const key of sortedKeys(obj)) {
    const k = scalar(key, indent, indent + 2, width, true);
    const v = obj[key]!;
    if (isEmptyCollection(v)) lines.push(`${pad}${k}: ${emptyText(v)}`);
    else if (isObject(v)) lines.push(`${pad}${k}:`, ...mappingLines(v, indent + 2, width));
    else if (Array.isArray(v)) lines.push(`${pad}${k}:`, ...sequenceLines(v, indent, width));
    else lines.push(`${pad}${k}: ${scalar(v, indent + k.length + 2, indent + 2, width)}`);
  }
  return lines;
};

/** Lines of a block sequence whose dashes are at `indent`. */
const sequenceLines = (arr: YamlValue[], indent: number, width: number | undefined): string[] => {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const item of arr) {
    if (isEmptyCollection(item)) lines.push(`${pad}- ${emptyText(item)}`);
    else if (isObject(item) || Array.isArray(item)) {
      const inner = isObject(item) ? mappingLines(item, indent + 2, width) : sequenceLines(item, indent + 2, width);
      lines.push(`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
    } else lines.push(`${pad}- ${scalar(item, indent + 2, indent + 2, width)}`);
  }
  return lines;
};

/** Marshals a value as yaml.v2 does (a document ending with a newline). */
export const goYamlMarshal = (value: YamlValue, { width }: GoYamlOptions = {}): string => {
  if (isEmptyCollection(value)) return `${emptyText(value)}\n`;
  if (isObject(value)) return `${mappingLines(value, 0, width).join("\n")}\n`;
  if (Array.isArray(value)) return `${sequenceLines(value, 0, width).join("\n")}\n`;
  return `${scalar(value, 0, 2, width)}\n`;
};
