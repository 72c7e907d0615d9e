import test from "ava";
import { describeMatcher, isMatcher, match, type Matcher } from "../../../lib/check/matchers.js";

test("builders make plain, serialisable matcher objects", (t) => {
  t.deepEqual(match.like("a"), { kind: "like", expected: "a" });
  t.deepEqual(match.regex(/x+/i), { kind: "regex", pattern: "x+", flags: "i" });
  t.deepEqual(match.failure(), { kind: "failure" });
  t.deepEqual(match.lines({ present: ["a"], absent: ["b"] }), { kind: "lines", expected: "+ a\n- b" });
  const all: Matcher[] = [match.same("a"), match.contains("a"), match.notContains("a"), match.elided("a"), match.like("a"), match.lines("+ a"), match.firstLine("a"), match.regex("a"), match.failure("a")];
  for (const m of all) {
    t.true(isMatcher(m));
    t.deepEqual(JSON.parse(JSON.stringify(m)), m);
  }
  t.false(isMatcher({ kind: "like", expected: "a", evaluate: () => undefined }));
  t.false(isMatcher({ kind: "unknown" }));
});

test("describes each matcher in Portuguese with the expected text", (t) => {
  t.is(describeMatcher(match.contains("Connected to")), "contém:\nConnected to");
  t.regex(describeMatcher(match.like("x")), /^parecido com \(podem variar IPs, durações/);
  t.is(describeMatcher(match.firstLine("a\nb")), "primeira linha igual a:\na");
  t.is(describeMatcher(match.regex(/a.b/m)), "casa com a expressão regular /a.b/m");
  t.regex(describeMatcher(match.failure("refused")), /o comando falha .*\nrefused/s);
  t.regex(describeMatcher(match.elided("a")), /nesta ordem/);
});
