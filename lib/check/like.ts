// The "like" comparison of istio.io's doc tests: same number of lines and of whitespace-separated fields per line,
// and fields may differ only when both are durations ("5m3s", "12s"), when an IP is expected (and the output has
// an IP, <none> or <pending>), when they share a prefix of dash-ended words (generated pod names such as
// "payment-v1-7d9f8c7b6-x2x9q"), or when the expected field is "...". This version also tolerates IPs inside a
// field ("10.0.0.1:8000") and treats a field that ends early as a difference (istio.io's accepts a bare prefix).
import { normalizedLines, quoteShort } from "./normalize.js";

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|us|µs|ns|[smhd]))+$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV4_INSIDE = /\d{1,3}(?:\.\d{1,3}){3}/;
const IPV4_ANYWHERE = new RegExp(IPV4_INSIDE.source, "g");
const DASHED_PREFIX = /^(?:[A-Za-z0-9_]+-)+/;

/** Whether one received field is "like" the expected field. */
export const fieldIsLike = (received: string, expected: string): boolean => {
  if (expected === "..." || received === expected) return true;
  if (DURATION.test(received) && DURATION.test(expected)) return true;
  if (IPV4.test(expected) && (IPV4.test(received) || received === "<none>" || received === "<pending>")) return true;
  let common = 0;
  while (common < received.length && common < expected.length && received[common] === expected[common]) common++;
  if (DASHED_PREFIX.test(received.slice(0, common))) return true;
  return IPV4_INSIDE.test(expected) && received.replace(IPV4_ANYWHERE, "<ip>") === expected.replace(IPV4_ANYWHERE, "<ip>");
};

/** Compares a received text to an expected one with the "like" rules; `detail` says where they first differ. */
export const compareLike = (received: string, expected: string): { ok: boolean; detail?: string } => {
  const got = normalizedLines(received);
  const want = normalizedLines(expected);
  if (got.length !== want.length) return { ok: false, detail: `número de linhas diferente: esperado ${want.length}, recebido ${got.length}` };
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!.trim();
    const w = want[i]!.trim();
    if (g === w) continue;
    const gf = g.split(/\s+/).filter(Boolean);
    const wf = w.split(/\s+/).filter(Boolean);
    if (gf.length !== wf.length) {
      return { ok: false, detail: `linha ${i + 1}: esperado ${wf.length} campos, recebido ${gf.length} (${quoteShort(g)})` };
    }
    for (let j = 0; j < wf.length; j++) {
      if (!fieldIsLike(gf[j]!, wf[j]!)) {
        return { ok: false, detail: `linha ${i + 1}, campo ${j + 1}: esperado ${quoteShort(wf[j]!)}, recebido ${quoteShort(gf[j]!)}` };
      }
    }
  }
  return { ok: true };
};
