// Go's encoding/json output for the values istioctl embeds in files: map keys sorted, `<`, `>`, `&`, U+2028 and
// U+2029 escaped as \u003c… (ISTIO_METAJSON_LABELS, ISTIO_META_POD_PORTS).

/** json.Marshal of a JSON value with Go's key order and escaping. */
export const goJsonMarshal = (value: unknown): string => {
  const sortMaps = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortMaps) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v as object).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((k) => [k, sortMaps((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sortMaps(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
};

/** json.Marshal of a struct with fields in declaration order (no key sorting). */
export const goJsonStruct = (value: unknown): string => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
