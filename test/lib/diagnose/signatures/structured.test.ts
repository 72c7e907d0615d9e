import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";

test("no WorkloadEntry: auto-registration is off, --autoregister missing, or the sidecar is not connected", (t) => {
  const [d] = diagnose({ text: "nenhuma WorkloadEntry no namespace legacy", kind: "workload-entry", context: { vmNamespace: "legacy" } });
  t.is(d!.id, "workloadentry-ausente");
  t.regex(d!.cause, /PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION/);
  t.regex(d!.fix, /--autoregister/);
  t.deepEqual(diagnose({ text: "nenhuma WorkloadEntry no namespace legacy" }), []);
});

test("an entry with another address or another service account", (t) => {
  t.is(diagnose({ text: "há WorkloadEntry com outro endereço (10.0.0.4), nenhuma com 52.1.2.3", kind: "workload-entry" })[0]!.id, "workloadentry-outro-endereco");
  t.is(diagnose({ text: "legacy/cloud-vm tem serviceAccount «pegasus-legacy», esperado «legacy-pegasus»", kind: "workload-entry" })[0]!.id, "workloadentry-conta-de-servico");
});

test("a LoadBalancer without address, missing generated files, an empty hosts file, a log without connection", (t) => {
  t.is(diagnose({ text: "EXTERNAL-IP <pending>", kind: "external-ip" })[0]!.id, "loadbalancer-sem-ip");
  t.is(diagnose({ text: "faltam mesh.yaml", kind: "files", context: { workDir: "bkp/vmintegration" } })[0]!.id, "arquivos-da-vm-ausentes");
  t.is(diagnose({ text: "o arquivo hosts está vazio (0 bytes)", kind: "files" })[0]!.id, "arquivos-da-vm-ausentes/hosts-vazio");
  t.is(diagnose({ text: "o sidecar nunca abriu a conexão ADS com o istiod", kind: "sidecar-log" })[0]!.id, "sidecar-sem-conexao-ads");
});
