// The YAML encoder behaves like Go's gopkg.in/yaml.v2 (cases from yaml.v2's own encode tests and istioctl's outputs).
import test from "ava";
import { goFormatFloat, goYamlMarshal, yamlV2KeyLess } from "../../../../../lab/istio/istioctl/yaml/go-yaml.js";

const cases: Array<[string, unknown, string]> = [
  ["plain string", { v: "hi" }, "v: hi\n"],
  ["strings that read as booleans are double-quoted", { v: "true", w: "false" }, 'v: "true"\nw: "false"\n'],
  ["booleans and numbers are plain", { v: true, w: 10, x: -10, z: 0.1 }, "v: true\nw: 10\nx: -10\nz: 0.1\n"],
  ["a key that reads as a YAML 1.1 boolean is double-quoted", { y: 1, on: 2 }, '"on": 2\n"y": 1\n'],
  ["strings that read as numbers are double-quoted", { v: "10" }, 'v: "10"\n'],
  ["null", { v: null }, "v: null\n"],
  ["the empty string", { v: "" }, 'v: ""\n'],
  ["lists are not indented under their key", { v: ["A", "B"] }, "v:\n- A\n- B\n"],
  ["a multi-line string in a list is a literal block", { v: ["A", "B\nC"] }, "v:\n- A\n- |-\n  B\n  C\n"],
  ["a mapping inside a list item", { v: ["A", 1, { B: [2, 3] }] }, "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"],
  ["nested mappings", { a: { b: "c" } }, "a:\n  b: c\n"],
  ["a lone dash is single-quoted", { a: "-" }, "a: '-'\n"],
  ["<foo> stays plain", { a: "<foo>" }, "a: <foo>\n"],
  ["base 60 floats are quoted", { a: "1:1" }, 'a: "1:1"\n'],
  ["NUL is escaped", { a: "\x00" }, 'a: "\\0"\n'],
  ["timestamps are quoted", { a: "2015-02-24T18:19:39Z" }, 'a: "2015-02-24T18:19:39Z"\n'],
  ["': ' forces single quotes", { a: "b: c" }, "a: 'b: c'\n"],
  ["' #' forces single quotes", { a: "Hello #comment", b: "你好 #comment" }, "a: 'Hello #comment'\nb: '你好 #comment'\n"],
  ["unicode is kept", { a: "你好" }, "a: 你好\n"],
  ["JSON text is single-quoted", { l: '{"app":"x"}' }, "l: '{\"app\":\"x\"}'\n"],
  ["a wildcard is single-quoted", { h: "*" }, "h: '*'\n"],
  ["single quotes inside are doubled", { q: "'a'" }, "q: '''a'''\n"],
  ["empty collections", { m: {}, l: [] }, "l: []\nm: {}\n"],
  ["an IP and a host:port stay plain", { ip: "10.240.0.115", addr: "istiod.istio-system.svc:15012" }, "addr: istiod.istio-system.svc:15012\nip: 10.240.0.115\n"],
];

for (const [name, value, expected] of cases) test(`${name}`, (t) => t.is(goYamlMarshal(value as never, { width: 80 }), expected));

test("long strings wrap at 80 columns under yaml.v2 2.4 and do not under 2.3", (t) => {
  const v = { a: "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 " };
  t.is(goYamlMarshal(v, { width: 80 }), "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n");
  t.is(goYamlMarshal(v, {}), "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n");
});

test("keys sort in yaml.v2's natural order (its TestSortedOutput list)", (t) => {
  const order = ["", ".1", ".2", ".a", "1", "2", "a!10", "a/0001", "a/002", "a/3", "a/10", "a/11", "a/0012", "a/100", "a~10", "ab/1", "b/1", "b/01", "b/2", "b/02", "b/3", "b/03", "b1", "b01", "b3", "c2.10", "c10.2", "d1", "d7", "d7abc", "d12", "d12a"];
  const shuffled = [...order].reverse();
  t.deepEqual(shuffled.sort((a, b) => (yamlV2KeyLess(a, b) ? -1 : yamlV2KeyLess(b, a) ? 1 : 0)), order);
});

test("ISTIO_META_* sorts before ISTIO_METAJSON_* (underscore is not a letter)", (t) => {
  t.true(yamlV2KeyLess("ISTIO_META_WORKLOAD_NAME", "ISTIO_METAJSON_LABELS"));
});

test("floats format like Go's strconv 'g' shortest", (t) => {
  t.deepEqual([0.1, 100.5, 1e-5, 1234567.5, 1e21].map(goFormatFloat), ["0.1", "100.5", "1e-05", "1.2345675e+06", "1e+21"]);
});
