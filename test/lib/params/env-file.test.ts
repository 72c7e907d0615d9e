import test from "ava";
import { formatEnvFile, parseEnvFile } from "../../../lib/params/env-file.js";

// The seed's cluster.env (a real 1.8.1 output) parses with the same reader.
const CLUSTER_ENV = `CANONICAL_REVISION='latest'
CANONICAL_SERVICE='pegasus-pay'
ISTIO_INBOUND_PORTS='*'
ISTIO_METAJSON_LABELS='{"app":"pegasus-pay","service.istio.io/canonical-name":"pegasus-pay","service.istio.io/canonical-version":"latest"}'
ISTIO_META_CLUSTER_ID='Kubernetes'
ISTIO_META_MESH_ID=''
ISTIO_SERVICE_CIDR='*'
`;

test("parses KEY='value' lines, comments, export and double quotes", (t) => {
  const parsed = parseEnvFile(`# comment\nexport A=1\nB="two words"\nC='x y'\nD=plain # trailing\n\n${CLUSTER_ENV}`);
  t.is(parsed["A"], "1");
  t.is(parsed["B"], "two words");
  t.is(parsed["C"], "x y");
  t.is(parsed["D"], "plain");
  t.is(parsed["ISTIO_INBOUND_PORTS"], "*");
  t.is(parsed["ISTIO_META_MESH_ID"], "");
  t.is(JSON.parse(parsed["ISTIO_METAJSON_LABELS"]!).app, "pegasus-pay");
});

test("round-trips values through formatEnvFile", (t) => {
  const values = { A: "1", B: "two words", C: "/path/to/file", D: "", E: `it's "quoted" $HOME \\ x` };
  t.deepEqual(parseEnvFile(formatEnvFile(values)), values);
});
