// Label and field selectors: the string syntax of `?labelSelector=` / `?fieldSelector=` and the structured
// LabelSelector of workloads (matchLabels/matchExpressions), with the apiserver's parse errors.
import { badRequest } from "./errors.js";

/** One requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  operator: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** A parsed label selector (all requirements must hold; empty = everything). */
export type LabelSelector = LabelRequirement[];

/** One requirement of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
const splitTopLevel = (text: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
};

const checkKey = (key: string, selector: string): void => {
  if (!keyPattern.test(key) || key.length > 317) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (selector "${selector}")`);
  }
};

const checkValue = (value: string): void => {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
};

/** Parses `app=a,tier!=db,env in (x,y),!legacy` (throws BadRequest on bad syntax). */
export const parseLabelSelector = (selector: string | undefined | null): LabelSelector => {
  if (!selector || !selector.trim()) return [];
  return splitTopLevel(selector).map((part): LabelRequirement => {
    let m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
      checkKey(m[1]!, selector);
      values.forEach(checkValue);
      if (!values.length) throw badRequest(`unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`);
      return { key: m[1]!, operator: m[2] as "in" | "notin", values };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      checkKey(m[1]!, selector);
      checkValue(m[3]!);
      return { key: m[1]!, operator: m[2] === "!=" ? "!=" : "=", values: [m[3]!] };
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) {
      checkKey(m[1]!, selector);
      return { key: m[1]!, operator: "!", values: [] };
    }
    if (/^\S+$/.test(part) && !/[=!()]/.test(part)) {
      checkKey(part, selector);
      return { key: part, operator: "exists", values: [] };
    }
    throw badRequest(`unable to parse requirement: found '${part}', expected: '=', '!=', '==', 'in', notin'`);
  });
};

/** True when `labels` satisfy every requirement. */
export const matchesLabels = (selector: LabelSelector, labels: Record<string, string> | undefined): boolean =>
  selector.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels![r.key] : undefined;
    switch (r.operator) {
      case "=":
        return has && value === r.values[0];
      case "!=":
        return !has || value !== r.values[0];
      case "in":
        return has && r.values.includes(value!);
      case "notin":
        return !has || !r.values.includes(value!);
      case "exists":
        return has;
      case "!":
        return !has;
    }
  });

/** A workload's structured selector (metav1.LabelSelector). */
export interface StructuredLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Converts a metav1.LabelSelector to requirements (an empty selector matches everything, like the apiserver). */
export const fromStructured = (selector: StructuredLabelSelector | undefined): LabelSelector => {
  const reqs: LabelSelector = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) reqs.push({ key, operator: "=", values: [value] });
  for (const e of selector?.matchExpressions ?? []) {
    const op = e.operator;
    if (op === "In") reqs.push({ key: e.key, operator: "in", values: e.values ?? [] });
    else if (op === "NotIn") reqs.push({ key: e.key, operator: "notin", values: e.values ?? [] });
    else if (op === "Exists") reqs.push({ key: e.key, operator: "exists", values: [] });
    else if (op === "DoesNotExist") reqs.push({ key: e.key, operator: "!", values: [] });
    else throw badRequest(`"${op}" is not a valid label selector operator`);
  }
  return reqs;
};

/** Renders a selector as the `a=b,c in (d)` string kubectl shows and sends. */
export const formatLabelSelector = (selector: LabelSelector): string =>
  selector
    .map((r) => {
      switch (r.operator) {
        case "=":
          return `${r.key}=${r.values[0]}`;
        case "!=":
          return `${r.key}!=${r.values[0]}`;
        case "in":
          return `${r.key} in (${r.values.join(",")})`;
        case "notin":
          return `${r.key} notin (${r.values.join(",")})`;
        case "exists":
          return r.key;
        case "!":
          return `!${r.key}`;
      }
    })
    .join(",");

/** Splits on unescaped commas and unescapes `\,` `\=` `\\` (field selector escaping). */
const splitEscaped = (text: string, sep: string): string[] => {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
};

const unescape = (text: string): string => text.replace(/\\(.)/g, "$1");

/** Parses `metadata.name=x,status.phase!=Running` (throws BadRequest on bad syntax). */
export const parseFieldSelector = (selector: string | undefined | null): FieldRequirement[] => {
  if (!selector || !selector.trim()) return [];
  return splitEscaped(selector, ",")
    .filter((p) => p.trim() !== "")
    .map((part) => {
      const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
      if (!m || !m[1]) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
      return { field: unescape(m[1].trim()), operator: m[2] === "!=" ? "!=" : "=", value: unescape(m[3] ?? "") };
    });
};

/** Reads a dotted field path (`spec.nodeName`) from an object as the string a field selector compares. */
export const fieldValue = (object: unknown, field: string): string => {
  let cur: unknown = object;
  for (const key of field.split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "string" ? cur : String(cur);
};

/** True when the object satisfies every field requirement. */
export const matchesFields = (requirements: FieldRequirement[], object: unknown): boolean =>
  requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator === "="));
