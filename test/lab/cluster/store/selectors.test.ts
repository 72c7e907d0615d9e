// Label and field selectors with the apiserver's syntax.
import test from "ava";
import { ApiError } from "../../../../lab/cluster/contracts.js";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "../../../../lab/cluster/store/selectors.js";

test("label selectors support =, !=, in, notin, exists and !", (t) => {
  const sel = parseLabelSelector("app=web,tier!=db,env in (prod, staging),!legacy,version");
  t.true(matchesLabels(sel, { app: "web", env: "prod", version: "v1" }));
  t.false(matchesLabels(sel, { app: "web", env: "dev", version: "v1" }));
  t.false(matchesLabels(sel, { app: "web", env: "prod", version: "v1", legacy: "true" }));
  t.false(matchesLabels(sel, { app: "web", env: "prod" }));
});

test("a malformed label selector is a BadRequest", (t) => {
  t.is(t.throws(() => parseLabelSelector("a==b=c"), { instanceOf: ApiError })?.code, 400);
});

test("field selectors compare dotted paths", (t) => {
  const pod = { metadata: { name: "p", namespace: "n" }, spec: { nodeName: "lab-node" }, status: { phase: "Running" } };
  t.true(matchesFields(parseFieldSelector("spec.nodeName=lab-node,status.phase!=Failed"), pod));
  t.false(matchesFields(parseFieldSelector("metadata.name=q"), pod));
});
