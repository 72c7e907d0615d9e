// The JSONPath subset CRD printer columns use: `.a.b`, `[n]`, `[*]`, `['key']`, `[?(@.f=="v")]`, `[?(@.f)]`.

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; op?: "==" | "!="; value?: unknown } };

const parse = (expression: string): Step[] => {
  let text = expression.trim();
  if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1);
  if (text.startsWith("$")) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ".") {
      i++;
      let name = "";
      while (i < text.length && text[i] !== "." && text[i] !== "[") name += text[i++];
      if (name) steps.push({ field: name });
    } else if (ch === "[") {
      const end = text.indexOf("]", i);
      if (end < 0) throw new Error(`unterminated [ in ${expression}`);
      let inner = text.slice(i + 1, end);
      if (inner.startsWith("?(")) {
        const close = findFilterEnd(text, i);
        inner = text.slice(i + 3, close - 1);
        i = close + 1;
        const m = /^@((?:\.[\w-]+)+)\s*(?:(==|!=)\s*(.+))?$/.exec(inner.trim());
        if (!m) throw new Error(`unsupported filter ${inner}`);
        let value: unknown;
        if (m[3] !== undefined) {
          const raw = m[3].trim();
          value = /^['"].*['"]$/.test(raw) ? raw.slice(1, -1) : Number.isNaN(Number(raw)) ? raw : Number(raw);
        }
        steps.push({ filter: { path: m[1]!.split(".").filter(Boolean), op: m[2] as "==" | "!=" | undefined, value } });
        continue;
      }
      i = end + 1;
      if (inner === "*") steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else steps.push({ field: inner.replace(/^['"]|['"]$/g, "") });
    } else {
      let name = "";
      while (i < text.length && text[i] !== "." && text[i] !== "[") name += text[i++];
      steps.push({ field: name });
    }
  }
  return steps;
};

const findFilterEnd = (text: string, start: number): number => {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "(") depth++;
    if (text[i] === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error(`unterminated filter in ${text}`);
};

const dig = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Record<string, unknown>)[k] : undefined), value);

/** Evaluates a JSONPath expression; returns every match (empty when nothing matches). */
export const evaluateJsonPath = (expression: string, root: unknown): unknown[] => {
  let current: unknown[] = [root];
  for (const step of parse(expression)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      if ("field" in step) {
        if (typeof v === "object" && !Array.isArray(v) && step.field in (v as object)) next.push((v as Record<string, unknown>)[step.field]);
      } else if ("index" in step) {
        if (Array.isArray(v)) {
          const item = v[step.index < 0 ? v.length + step.index : step.index];
          if (item !== undefined) next.push(item);
        }
      } else if ("all" in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === "object") next.push(...Object.values(v as object));
      } else {
        const items = Array.isArray(v) ? v : [v];
        for (const item of items) {
          const got = dig(item, step.filter.path);
          const keep = step.filter.op === undefined ? got !== undefined && got !== null && got !== false : step.filter.op === "==" ? got === step.filter.value : got !== step.filter.value;
          if (keep) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
};
