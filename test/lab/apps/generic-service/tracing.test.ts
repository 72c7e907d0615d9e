import test from "ava";
import { traceCarrier, type HeaderList } from "../../../../lab/apps/generic-service/tracing.js";

const ids = (...values: bigint[]): (() => bigint) => {
  const queue = [...values];
  return () => queue.shift() ?? 0n;
};

test("Istio's B3 headers are joined as the same span: trace, span and parent ids kept, sampled 0 sends no sampling header", (t) => {
  const headers: HeaderList = [
    ["host", "front-end:8000"],
    ["user-agent", "python-requests/2.24.0"],
    ["x-request-id", "48e17601-e34a-4cc8-b47d-74f666943d14"],
    ["x-b3-traceid", "5573be4183f426e828c7ecf9e7113264"],
    ["x-b3-spanid", "2449fc64cd15e4eb"],
    ["x-b3-parentspanid", "28c7ecf9e7113264"],
    ["x-b3-sampled", "0"],
  ];
  t.deepEqual(traceCarrier(headers, ids()), [
    ["X-B3-TraceId", "5573be4183f426e828c7ecf9e7113264"],
    ["X-B3-SpanId", "2449fc64cd15e4eb"],
    ["X-B3-ParentSpanId", "28c7ecf9e7113264"],
    ["x-request-id", "48e17601-e34a-4cc8-b47d-74f666943d14"],
    ["user-agent", "python-requests/2.24.0"],
  ]);
});

test("sampled 1 is forwarded as X-B3-Sampled and a debug flag wins over it", (t) => {
  const base: HeaderList = [["x-b3-traceid", "a"], ["x-b3-spanid", "b"]];
  t.deepEqual(traceCarrier([...base, ["x-b3-sampled", "1"]], ids()).slice(2), [["X-B3-Sampled", "1"]]);
  t.deepEqual(traceCarrier([...base, ["x-b3-sampled", "1"], ["x-b3-flags", "1"]], ids()).slice(2), [["X-B3-Flags", "1"]]);
});

test("without B3 ids a new sampled 64-bit trace starts (trace and span ids zero-padded to 16 hex digits)", (t) => {
  t.deepEqual(traceCarrier([["user-agent", "curl/7.64.0"]], ids(0xabcn, 0x1234n)), [
    ["X-B3-TraceId", "0000000000000abc"],
    ["X-B3-SpanId", "0000000000001234"],
    ["X-B3-Sampled", "1"],
    ["user-agent", "curl/7.64.0"],
  ]);
});

test("a trace id without a span id, a zero id or a non-hex id starts a new trace instead of failing", (t) => {
  for (const headers of [[["x-b3-traceid", "abc"]], [["x-b3-traceid", "0"], ["x-b3-spanid", "1"]], [["x-b3-traceid", "xyz"], ["x-b3-spanid", "1"]]] as HeaderList[]) {
    t.deepEqual(traceCarrier(headers, ids(1n, 2n)).slice(0, 2), [["X-B3-TraceId", "0000000000000001"], ["X-B3-SpanId", "0000000000000002"]]);
  }
});

test("only the propagated headers are copied, in the middleware's order, first value of each", (t) => {
  const headers: HeaderList = [
    ["user-agent", "ua"],
    ["traceparent", "00-1-2-01"],
    ["x-request-id", "r1"],
    ["x-request-id", "r2"],
    ["cookie", "secret"],
    ["x-forwarded-client-cert", "By=spiffe://x"],
  ];
  t.deepEqual(traceCarrier(headers, ids(1n, 2n)).slice(3), [["x-request-id", "r1"], ["traceparent", "00-1-2-01"], ["user-agent", "ua"]]);
});
