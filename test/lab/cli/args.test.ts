import test from "ava";
import { LabUsageError, parseLabArgs } from "../../../lab/cli/args.js";
import { ownsName } from "../../../lab/cli/ownership.js";
import { renderParams } from "../../../lab/cli/params-file.js";

test("parses commands with --instance anywhere", (t) => {
  t.deepEqual(parseLabArgs(["up", "--instance", "3"]), { command: ["up"], instance: 3 });
  t.deepEqual(parseLabArgs(["--instance=2", "fault", "vm-down"]), { command: ["fault", "vm-down"], instance: 2 });
  t.deepEqual(parseLabArgs([]), { command: ["help"], instance: 0 });
});

test("keeps everything after `vm ssh` as the remote command, except --instance", (t) => {
  t.deepEqual(parseLabArgs(["vm", "ssh", "--instance", "1", "--", "curl", "-s", "localhost:8000"]), { command: ["vm", "ssh", "curl", "-s", "localhost:8000"], instance: 1 });
  // an --instance that ends the line is the lab's option (scripts append it), not part of the remote command
  t.deepEqual(parseLabArgs(["vm", "ssh", "sudo ls /etc/certs; date", "--instance", "13"]), { command: ["vm", "ssh", "sudo ls /etc/certs; date"], instance: 13 });
  t.deepEqual(parseLabArgs(["vm", "ssh", "curl", "-s", "localhost:8000", "--instance=2"]), { command: ["vm", "ssh", "curl", "-s", "localhost:8000"], instance: 2 });
  t.deepEqual(parseLabArgs(["vm", "ssh", "grep", "--instance", "x", "f"]), { command: ["vm", "ssh", "grep", "--instance", "x", "f"], instance: 0 });
  t.throws(() => parseLabArgs(["vm", "ssh", "ls", "--instance", "99"]), { message: /--instance precisa de um número de 0 a 15 \(recebido: 99\)/ });
});

test("rejects a bad instance or an unknown option in Portuguese, naming the fix", (t) => {
  t.regex(t.throws(() => parseLabArgs(["up", "--instance", "16"]), { instanceOf: LabUsageError })!.message, /--instance precisa de um número de 0 a 15/);
  t.regex(t.throws(() => parseLabArgs(["up", "--force"]), { instanceOf: LabUsageError })!.message, /opção desconhecida: --force/);
});

test("an instance owns its own names only (ilab1 never claims ilab10)", (t) => {
  t.true(ownsName("ilab1", "ilab1-vm"));
  t.true(ownsName("ilab1", "ilab1br"));
  t.false(ownsName("ilab1", "ilab10-vm"));
  t.false(ownsName("ilab1", "eth0"));
});

test("renders the parameters file as KEY=value lines, quoting values a shell would split", (t) => {
  t.deepEqual(renderParams({ VM_ADDRESS: "198.18.16.10", VM_PKEY_PATH: "/a b/key" }), ["VM_ADDRESS=198.18.16.10", "VM_PKEY_PATH='/a b/key'"]);
});
