// Keeps long texts (logs, listings) readable in a check: the first and last lines, with the number left out.

/** Limits of clipText. */
export interface ClipLimits {
  headLines?: number;
  tailLines?: number;
  maxChars?: number;
}

/** The text with its middle lines replaced by "… (N linhas omitidas) …" and capped in characters. */
export const clipText = (text: string, limits: ClipLimits = {}): string => {
  const head = limits.headLines ?? 40;
  const tail = limits.tailLines ?? 20;
  const maxChars = limits.maxChars ?? 8000;
  const lines = text.split("\n");
  let out = text;
  if (lines.length > head + tail + 1) {
    out = [...lines.slice(0, head), `… (${lines.length - head - tail} linhas omitidas) …`, ...lines.slice(-tail)].join("\n");
  }
  if (out.length > maxChars) {
    const half = Math.floor(maxChars / 2);
    out = `${out.slice(0, half)}\n… (${out.length - 2 * half} caracteres omitidos) …\n${out.slice(-half)}`;
  }
  return out;
};
