// cluster.env as `x workload entry configure` writes it: the proxy metadata plus the WorkloadGroup's overrides, one
// `KEY=value` per line sorted as Go's sort.Strings sorts bytes, each value through Istio's shellescape.Quote (whose
// "safe" class is, by a quirk of its regexp, only `\`, `w`, `@`, `%`, `+`, `=`, `:`, `,`, `.`, `/` and `-`: nearly
// every value ends up single-quoted).

/** Istio's shellescape.Quote. */
export const istioShellQuote = (s: string): string => {
  if (s === "") return "''";
  if (/[^\\w@%+=:,./-]/.test(s)) return `'${s.replace(/'/g, `'"'"'`)}'`;
  return s;
};

/** Byte-wise comparison (Go strings). */
const byteCompare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The file's text. */
export const clusterEnvText = (env: Record<string, string>): string =>
  `${Object.entries(env)
    .map(([k, v]) => `${k}=${istioShellQuote(v)}`)
    .sort(byteCompare)
    .join("\n")}\n`;
