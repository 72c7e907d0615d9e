import test from "ava";
import { filesPresent, VM_FILES } from "../../../../lib/check/expect/files.js";

const LISTING = `total 20
-rwxr--r-- 1 root root  589 Dec 26 14:40 cluster.env
-rwxr--r-- 1 root root   45 Dec 26 14:40 hosts
-rwxr--r-- 1 root root  906 Dec 26 14:40 istio-token
-rwxr--r-- 1 root root  681 Dec 26 14:40 mesh.yaml
-rwxr--r-- 1 root root 1094 Dec 26 14:40 root-cert.pem
`;

test("passes when the five generated files are there and not empty", (t) => {
  const v = filesPresent({ names: VM_FILES, nonEmpty: ["hosts", "istio-token"] }).evaluate(LISTING);
  t.true(v.ok);
  t.regex(v.received, /hosts \(45 bytes\)/);
});

test("names missing files and an empty hosts file (a balancer with only a hostname)", (t) => {
  const v = filesPresent({ names: VM_FILES, nonEmpty: ["hosts"] }).evaluate(LISTING.replace(/.*mesh.yaml\n/, "").replace("  45 Dec", "   0 Dec"));
  t.false(v.ok);
  t.is(v.detail, "faltam mesh.yaml; o arquivo hosts está vazio (0 bytes)");
  t.deepEqual((v.data as { missing: string[] }).missing, ["mesh.yaml"]);
});

test("asks for ls -l when emptiness must be checked on a plain listing", (t) => {
  t.is(filesPresent({ names: ["hosts"], nonEmpty: ["hosts"] }).evaluate("hosts\n").detail, "sem tamanho para hosts: liste com ls -l");
  t.true(filesPresent({ names: ["hosts"] }).evaluate("hosts\n").ok);
});
