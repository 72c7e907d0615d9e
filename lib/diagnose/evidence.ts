// Finding the line that proves a signature, and small formatting helpers shared by signatures.

/** The first match of `re` in `text` and the whole line it is on (trimmed, at most 300 characters). */
export const findLine = (text: string, re: RegExp): { match: RegExpExecArray; line: string } | undefined => {
  const flags = re.flags.replace("g", "");
  const single = new RegExp(re.source, flags);
  for (const line of text.split("\n")) {
    const match = single.exec(line);
    if (match) return { match, line: clipLine(line) };
  }
  return undefined;
};

/** The first of several patterns that matches. */
export const findAny = (text: string, patterns: readonly RegExp[]): { match: RegExpExecArray; line: string } | undefined => {
  for (const re of patterns) {
    const hit = findLine(text, re);
    if (hit) return hit;
  }
  return undefined;
};

const clipLine = (line: string): string => {
  const t = line.trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
};

/** "há 3 h 5 min" / "em 12 min" for a time difference (Portuguese). */
export const humanDelta = (ms: number): string => {
  const abs = Math.abs(ms);
  const min = Math.round(abs / 60_000);
  const text = min < 1 ? "menos de 1 min" : min < 60 ? `${min} min` : min < 48 * 60 ? `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}` : `${Math.round(min / 1440)} dias`;
  return ms < 0 ? `há ${text}` : `em ${text}`;
};

/** True for names that only resolve inside the cluster (or through the VM's DNS proxy). */
export const isClusterName = (name: string): boolean => /\.svc(?:\.cluster\.local)?\.?$|\.cluster\.local\.?$/.test(name);

/** The VM address placeholder when the context does not know it. */
export const or = (value: string | undefined, fallback: string): string => (value !== undefined && value !== "" ? value : fallback);
