import test from "ava";
import { ParseError } from "../../../lib/parse/errors.js";
import { kubeObjectsOf, objectRef, parseKubeJson } from "../../../lib/parse/kube-json.js";
import { EASTWEST_SERVICE, WORKLOAD_ENTRIES } from "../fixtures/kube.js";

test("returns a List's items and a single object as a one-item list", (t) => {
  const entries = parseKubeJson(WORKLOAD_ENTRIES);
  t.is(entries.length, 1);
  t.is(objectRef(entries[0]!), "legacy/pegasus-pay-198.18.0.10");
  t.is(parseKubeJson(JSON.stringify(EASTWEST_SERVICE))[0]!.kind, "Service");
  t.is(kubeObjectsOf({ kind: "ServiceList", items: [EASTWEST_SERVICE] }).length, 1);
  t.is(kubeObjectsOf([EASTWEST_SERVICE, 3]).length, 1);
});

test("explains output that is not JSON, such as a kubectl error", (t) => {
  const error = t.throws(() => parseKubeJson('Error from server (NotFound): namespaces "legacy" not found\n'), { instanceOf: ParseError });
  t.regex(error!.message, /não é JSON válido/);
  t.regex(error!.message, /namespaces "legacy" not found/);
});
