import test from "ava";
import { chmodSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadParams, ParamsError } from "../../../lib/params/load.js";
import { tempProject } from "../../helpers/params.js";

test("applies defaults ← file ← environment ← explicit overrides, and reports each value's source", (t) => {
  const { root, file } = tempProject({ VM_APP: "from-file", VM_NAMESPACE: "ns-file", VM_USER: "fileuser" });
  const p = loadParams({ file, root, env: { VM_NAMESPACE: "ns-env", VM_USER: "envuser" }, overrides: { VM_USER: "explicit" } });
  t.is(p.values.SERVICE_ACCOUNT, "legacy-pegasus");
  t.is(p.sources.SERVICE_ACCOUNT, "padrão");
  t.is(p.values.VM_APP, "from-file");
  t.is(p.sources.VM_APP, "arquivo");
  t.is(p.values.VM_NAMESPACE, "ns-env");
  t.is(p.sources.VM_NAMESPACE, "ambiente");
  t.is(p.values.VM_USER, "explicit");
  t.is(p.sources.VM_USER, "explícito");
});

test("resolves relative paths against the project folder and expands ${PARAM} references", (t) => {
  const { root, file } = tempProject({ ISTIO_VERSION: "1.30.0" });
  const p = loadParams({ file, root, env: {} });
  t.is(p.values.WORK_DIR, path.join(root, "bkp/vmintegration"));
  t.is(p.values.ISTIO_DIR, path.join(root, "istio-1.30.0"));
  t.is(p.values.ISTIOCTL, path.join(root, "istio-1.30.0", "bin", "istioctl"));
  t.is(p.values.KUBECTL, "kubectl");
  t.is(p.values.KUBECONFIG, path.join(os.homedir(), ".kube/config"));
});

test("the parameters are frozen", (t) => {
  const { root, file } = tempProject();
  const p = loadParams({ file, root, env: {} });
  t.throws(() => {
    (p.values as { VM_APP: string }).VM_APP = "x";
  });
});

test("lists every invalid parameter at once, in Portuguese, with how to fix it", (t) => {
  const { root, file } = tempProject({ VM_ADDRESS: "300.1.1.1", VM_NAMESPACE: "Legacy_NS", ISTIO_VERSION: "2.0" });
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.deepEqual(error!.problems.map((p) => p.name).sort(), ["ISTIO_VERSION", "VM_ADDRESS", "VM_NAMESPACE"]);
  t.regex(error!.message, /"300\.1\.1\.1" não é um endereço IP válido nem um nome DNS/);
  t.regex(error!.message, /RFC 1123/);
  t.regex(error!.message, /Como corrigir:/);
  t.regex(error!.message, new RegExp(`no arquivo ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
});

test("a required parameter that is missing is named with where to define it", (t) => {
  const { root, file } = tempProject();
  writeFileSync(file, "VM_PUB_ADDRESS=vm.example.com\n");
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.is(error!.problems[0]!.name, "VM_ADDRESS");
  t.regex(error!.message, /VM_ADDRESS .* não foi definido/);
});

test("an unknown key in the parameters file is reported with a suggestion", (t) => {
  const { root, file } = tempProject({ VMADDRESS: "1.2.3.4" });
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.regex(error!.message, /"VMADDRESS" .* não é um parâmetro conhecido/);
  t.regex(error!.message, /você quis dizer VM_ADDRESS\?/);
});

test("a malformed line names the file and the line number", (t) => {
  const { root, file } = tempProject();
  writeFileSync(file, "VM_ADDRESS=1.2.3.4\nthis is not a parameter\n");
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.regex(error!.message, /linha 2: esperado CHAVE=valor/);
});

test("a parameters file that does not exist is a clear error", (t) => {
  const { root } = tempProject();
  const error = t.throws(() => loadParams({ file: "nope.env", root, env: {} }), { instanceOf: ParamsError });
  t.regex(error!.message, /o arquivo de parâmetros ".*nope\.env" não existe/);
});

test("a key file readable by group or others is refused with the chmod that fixes it", (t) => {
  const { root, file } = tempProject();
  chmodSync(path.join(root, "bkp", "pegasus_key.pem"), 0o644);
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.regex(error!.message, /permissões 0644/);
  t.regex(error!.message, /chmod 600 .*pegasus_key\.pem/);
});

test("a missing key file is refused", (t) => {
  const { root, file } = tempProject({ VM_PKEY_PATH: "bkp/missing.pem" });
  const error = t.throws(() => loadParams({ file, root, env: {} }), { instanceOf: ParamsError });
  t.regex(error!.message, /o arquivo de chave ".*missing\.pem" não existe/);
});

test("accepts IPs, DNS names and the course's values", (t) => {
  const { root, file } = tempProject({ VM_ADDRESS: "10.240.0.115", VM_PUB_ADDRESS: "pegasus.eastus.cloudapp.azure.com" });
  t.notThrows(() => loadParams({ file, root, env: {} }));
  t.notThrows(() => loadParams({ file, root, env: {}, overrides: { VM_ADDRESS: "fd00::10", ISTIO_VERSION: "1.30.0" } }));
});

test("a circular reference between parameters is refused", (t) => {
  const { root, file } = tempProject();
  const error = t.throws(() => loadParams({ file, root, env: {}, overrides: { ISTIO_DIR: "${ISTIOCTL}", ISTIOCTL: "${ISTIO_DIR}/bin/istioctl" } }));
  t.regex(error!.message, /referência circular/);
});
