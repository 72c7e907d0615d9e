// Reads and writes parameter files: `KEY=value` lines, `#` comments, optional single or double quotes (like cluster.env).

/** Parses KEY=value lines; throws with the line number on a malformed line. */
export const parseEnvFile = (text: string, source = "arquivo de parâmetros"): Record<string, string> => {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${source}, linha ${index + 1}: esperado CHAVE=valor, encontrado "${line}"`);
    const [, key, rawValue = ""] = m;
    out[key!] = unquoteValue(rawValue);
  });
  return out;
};

/** Removes one level of matching quotes; an unquoted value loses a trailing ` # comment`. */
const unquoteValue = (value: string): string => {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  return v.replace(/\s+#.*$/, "");
};

/** Renders KEY=value lines (values quoted when they need it; parseEnvFile reads them back unchanged). */
export const formatEnvFile = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join("\n") + "\n";

const formatValue = (v: string): string => {
  if (/^[A-Za-z0-9_@%+=:,./~-]+$/.test(v)) return v;
  if (!v.includes("'")) return `'${v}'`;
  return `"${v.replace(/(["\\$`])/g, "\\$1")}"`;
};
