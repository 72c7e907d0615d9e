import test from "ava";
import { CommandResult } from "../../../lib/run/result.js";
import { VmError, classifyVmFailure, explainVmFailure, type VmFailureKind } from "../../../lib/vm/failure.js";

// stderr exactly as OpenSSH 9.2, sudo 1.9 and the remote shells print it (captured from the fixture's real runs; ssh
// ends its own lines with CRLF).
const SAMPLES: Array<[VmFailureKind | undefined, number | null, string]> = [
  ["host-key-changed", 255, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\nOffending ED25519 key in /p/.state/known_hosts:1\r\n  remove with:\r\n  ssh-keygen -f \"/p/.state/known_hosts\" -R \"198.18.3.10\"\r\nHost key for 198.18.3.10 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n"],
  ["host-key-unverified", 255, "No ED25519 host key is known for 198.18.3.10 and you have requested strict checking.\r\nHost key verification failed.\r\n"],
  ["auth-denied", 255, "peguser@198.18.3.10: Permission denied (publickey).\r\n"],
  ["auth-denied", 255, "Received disconnect from 198.18.3.10 port 22:2: Too many authentication failures\r\n"],
  ["key-unusable", 255, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\r\nPermissions 0644 for 'bkp/pegasus_key.pem' are too open.\r\nLoad key \"bkp/pegasus_key.pem\": bad permissions\r\npeguser@198.18.3.10: Permission denied (publickey).\r\n"],
  ["connection-refused", 255, "ssh: connect to host 198.18.3.10 port 22: Connection refused\r\n"],
  ["connection-timeout", 255, "ssh: connect to host 198.18.3.10 port 22: Connection timed out\r\n"],
  ["connection-timeout", 255, "Connection timed out during banner exchange\r\nConnection to 198.18.3.10 port 22 timed out\r\n"],
  ["no-route", 255, "ssh: connect to host 198.18.3.10 port 22: No route to host\r\n"],
  ["no-route", 255, "ssh: connect to host 10.1.1.1 port 22: Network is unreachable\r\n"],
  ["dns", 255, "ssh: Could not resolve hostname pegasus.eastus.cloudapp.azure.com: Temporary failure in name resolution\r\n"],
  ["dns", 255, "ssh: Could not resolve hostname vm.invalid: Name or service not known\r\n"],
  ["negotiation", 255, "Unable to negotiate with 198.18.3.10 port 22: no matching host key type found. Their offer: ssh-dss\r\n"],
  ["connection-closed", 255, "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 198.18.3.10 port 22\r\n"],
  ["connection-closed", 255, "kex_exchange_identification: read: Connection reset by peer\r\n"],
  ["sudo-password-required", 1, "sudo: a password is required\n"],
  ["sudo-not-allowed", 1, "Sorry, user peguser is not allowed to execute '/usr/bin/cp /a /b' as root on pegasus-vm.\n"],
  ["sudo-not-allowed", 1, "peguser is not in the sudoers file.  This incident will be reported.\n"],
  ["command-not-found", 127, "bash: line 1: nc: command not found\n"],
  ["command-not-found", 127, "dash: 1: nc: not found\n"],
  ["command-not-found", 127, "bash: nc: command not found\n"],
  ["command-not-found", 1, "sudo: nc: command not found\n"],
  // The remote command's own failures are not ssh problems, even when they mention the same words.
  [undefined, 1, "cat: /etc/shadow: Permission denied\n"],
  [undefined, 255, "my-tool: fatal: giving up\n"],
  [undefined, 2, "ls: cannot access '/etc/certs': No such file or directory\n"],
  [undefined, 1, "curl: (7) Failed to connect to localhost port 15000 after 0 ms: Connection refused\n"],
];

for (const [kind, exitCode, stderr] of SAMPLES) {
  test(`classifies ${JSON.stringify(stderr.split("\n").at(-2) ?? stderr).slice(0, 90)} as ${kind ?? "the command's own failure"}`, (t) => {
    t.is(classifyVmFailure({ exitCode, stderr })?.kind, kind);
  });
}

test("the evidence is the matching line, without ssh's carriage return", (t) => {
  t.is(classifyVmFailure({ exitCode: 255, stderr: SAMPLES[5]![2] })?.evidence, "ssh: connect to host 198.18.3.10 port 22: Connection refused");
});

test("a missing local ssh client is its own kind", (t) => {
  t.is(classifyVmFailure({ exitCode: 127, stderr: "", cause: "comando não encontrado: ssh" })?.kind, "ssh-client-missing");
});

test("every kind has a Portuguese cause and fix that name the VM's details", (t) => {
  const ctx = { user: "peguser", host: "198.18.3.10", keyPath: "/p/bkp/pegasus_key.pem", knownHostsFile: "/p/.state/known_hosts" };
  const kinds: VmFailureKind[] = ["ssh-client-missing", "host-key-changed", "host-key-unverified", "auth-denied", "key-unusable", "connection-refused", "connection-timeout", "no-route", "dns", "connection-closed", "negotiation", "sudo-password-required", "sudo-not-allowed", "command-not-found"];
  for (const kind of kinds) {
    const f = explainVmFailure({ kind, evidence: "x" }, ctx);
    t.true(f.cause.length > 20 && f.fix.length > 20, kind);
    t.false(/\b(the|please|failed)\b/i.test(`${f.cause} ${f.fix}`), `${kind} is not in Portuguese`);
  }
  t.true(explainVmFailure({ kind: "host-key-changed", evidence: "" }, ctx).fix.includes("ssh-keygen -R 198.18.3.10 -f /p/.state/known_hosts"));
  t.true(explainVmFailure({ kind: "auth-denied", evidence: "" }, ctx).cause.includes("peguser@198.18.3.10"));
});

test("VmError keeps the one result shape and leads its message with the diagnosis", (t) => {
  const result = new CommandResult({ id: "c1", target: "ssh", command: "ssh-vm true", argv: ["ssh"], exitCode: 255, signal: null, stdout: "", stderr: SAMPLES[5]![2], durationMs: 3, timedOut: false, planned: false });
  const error = new VmError({ result, failure: explainVmFailure(classifyVmFailure(result)!, { user: "u", host: "h", keyPath: "k", knownHostsFile: "f" }) });
  t.true(error instanceof CommandResult);
  t.is(error.exitCode, 255);
  t.is(error.stderr, result.stderr);
  t.is(error.command, "ssh-vm true");
  t.regex(error.message, /^h respondeu, mas nada aceita conexões na porta do ssh[\s\S]*Como corrigir: [\s\S]*falhou: ssh-vm true/);
});
