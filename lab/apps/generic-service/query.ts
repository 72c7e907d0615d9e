// Query strings as Starlette parses them (Python 3.8's parse_qsl with keep_blank_values) and FastAPI's validation of
// the `int` query parameters of /r.
import { notAnInteger, type ValidationIssue } from "./message.js";
import { parsePythonInt } from "./python-int.js";
import { pyUnquotePlus } from "./url-quote.js";

/** The parameters of a query string; a repeated name keeps its last value, like Starlette's QueryParams. */
export const parseQuery = (queryString: string): Map<string, string> => {
  const params = new Map<string, string>();
  for (const field of queryString.split(/[&;]/)) {
    if (!field) continue;
    const eq = field.indexOf("=");
    const name = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? "" : field.slice(eq + 1);
    params.set(pyUnquotePlus(name), pyUnquotePlus(value));
  }
  return params;
};

/** An `int` query parameter with its default. */
export interface IntParam {
  name: string;
  default: bigint;
}

/** Validates `params` like FastAPI: absent → default, present → Python int() or a 422 issue per bad parameter, in order. */
export const readIntParams = (
  query: Map<string, string>,
  params: readonly IntParam[],
): { ok: true; values: Map<string, bigint> } | { ok: false; issues: ValidationIssue[] } => {
  const values = new Map<string, bigint>();
  const issues: ValidationIssue[] = [];
  for (const param of params) {
    const text = query.get(param.name);
    if (text === undefined) {
      values.set(param.name, param.default);
      continue;
    }
    const parsed = parsePythonInt(text);
    if (parsed === undefined) issues.push(notAnInteger(param.name));
    else values.set(param.name, parsed);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values };
};
