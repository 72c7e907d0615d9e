// How outputs and expected texts are normalised before comparing: what istio.io's doc tests do (CR removed,
// trailing blanks of each line removed, trailing empty lines removed).

/** Normalises a text for comparison. */
export const normalizeText = (text: string): string =>
  text
    .replace(/\r/g, "")
    .split("\n")
    .map((line) => line.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");

/** The lines of a normalised text (an empty text has no lines). */
export const normalizedLines = (text: string): string[] => {
  const t = normalizeText(text);
  return t === "" ? [] : t.split("\n");
};

/** A short quotation of a text for a message: «text», cut at `max` characters. */
export const quoteShort = (text: string, max = 120): string => `«${text.length > max ? `${text.slice(0, max)}…` : text}»`;
