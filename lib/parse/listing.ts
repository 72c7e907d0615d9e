// Reads a directory listing: `ls -l` (mode, size, name) or plain `ls`/`ls -1` (names only).
import { linesOf } from "./text.js";

/** One file of a listing. */
export interface ListingEntry {
  name: string;
  /** "-rwxr--r--" from `ls -l`. */
  mode?: string;
  /** Size in bytes from `ls -l`. */
  size?: number;
  /** The target of a symbolic link. */
  linkTarget?: string;
}

// mode, links, owner, group, size, date (month day time|year, day month …, or ISO), name.
const DATE = String.raw`(?:\S+\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})|\d{1,2}\s+\S+\s+(?:\d{1,2}:\d{2}|\d{4})|\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s+[+-]\d{4})?)`;
const LONG = new RegExp(String.raw`^([-bcdlps][-rwxsStT]{9}[.+@]?)\s+\d+\s+\S+\s+\S+\s+(\d+)\s+${DATE}\s+(.+)$`);

/** Parses `ls -l` or plain `ls` output (the `total N` line is skipped). */
export const parseListing = (text: string): ListingEntry[] => {
  const entries: ListingEntry[] = [];
  for (const raw of linesOf(text)) {
    const line = raw.trimEnd();
    if (!line.trim() || /^total \d+/.test(line)) continue;
    const m = LONG.exec(line);
    if (m) {
      const [name, target] = m[1]!.startsWith("l") ? m[3]!.split(" -> ") : [m[3]!, undefined];
      entries.push({ name: name!, mode: m[1]!, size: Number(m[2]), ...(target !== undefined ? { linkTarget: target } : {}) });
    } else {
      for (const name of line.trim().split(/\s{2,}|\t/)) if (name) entries.push({ name });
    }
  }
  return entries;
};
