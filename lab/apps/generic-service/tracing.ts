// The trace headers the original forwards: fastapi_opentracing's middleware with a jaeger_client tracer (B3 codec,
// one span per RPC, always sampling) turns the incoming request's headers into a "carrier" that /, /r and /s log and
// /s sends with each downstream call.
import { randomBytes } from "node:crypto";
import { hexZfill16, parsePythonInt } from "./python-int.js";

/** An ordered list of header name/value pairs (names as they will be written). */
export type HeaderList = Array<[string, string]>;

/** Incoming headers the middleware copies verbatim into the carrier, in this order. */
export const PROPAGATED_HEADERS = [
  "x-request-id",
  "x-ot-span-context",
  "x-datadog-trace-id",
  "x-datadog-parent-id",
  "x-datadog-sampling-priority",
  "traceparent",
  "tracestate",
  "x-cloud-trace-context",
  "grpc-trace-bin",
  "user-agent",
] as const;

interface SpanIds {
  traceId: bigint;
  spanId: bigint;
  parentId: bigint | undefined;
  sampled: boolean;
  debug: boolean;
}

const firstValue = (headers: HeaderList, name: string): string | undefined => headers.find(([key]) => key.toLowerCase() === name)?.[1];

// B3Codec.extract: undefined when the trace or span id is missing or zero, "corrupt" when a value is not hex.
const extractB3 = (headers: HeaderList): SpanIds | undefined | "corrupt" => {
  const hex = (name: string): bigint | undefined | "corrupt" => {
    const value = firstValue(headers, name);
    if (value === undefined) return undefined;
    return parsePythonInt(value, 16) ?? "corrupt";
  };
  const traceId = hex("x-b3-traceid");
  const spanId = hex("x-b3-spanid");
  const parentId = hex("x-b3-parentspanid");
  if (traceId === "corrupt" || spanId === "corrupt" || parentId === "corrupt") return "corrupt";
  if (!traceId || !spanId) return undefined;
  return {
    traceId,
    spanId,
    parentId,
    sampled: firstValue(headers, "x-b3-sampled") === "1",
    debug: firstValue(headers, "x-b3-flags") === "1",
  };
};

/** A random 64-bit id, as jaeger_client's tracer draws trace and span ids. */
export const randomId64 = (): bigint => randomBytes(8).readBigUInt64BE();

/** The carrier for a request with `headers`: B3 headers of the joined (or, without valid incoming B3 ids, a new
 * sampled) span, then the propagated headers present in the request. */
export const traceCarrier = (headers: HeaderList, newId: () => bigint = randomId64): HeaderList => {
  const incoming = extractB3(headers);
  const span: SpanIds =
    incoming === undefined || incoming === "corrupt"
      ? { traceId: newId(), spanId: newId(), parentId: undefined, sampled: true, debug: false }
      : incoming;
  const carrier: HeaderList = [
    ["X-B3-TraceId", hexZfill16(span.traceId)],
    ["X-B3-SpanId", hexZfill16(span.spanId)],
  ];
  if (span.parentId !== undefined) carrier.push(["X-B3-ParentSpanId", hexZfill16(span.parentId)]);
  if (span.debug) carrier.push(["X-B3-Flags", "1"]);
  else if (span.sampled) carrier.push(["X-B3-Sampled", "1"]);
  for (const name of PROPAGATED_HEADERS) {
    const value = firstValue(headers, name);
    if (value !== undefined) carrier.push([name, value]);
  }
  return carrier;
};
