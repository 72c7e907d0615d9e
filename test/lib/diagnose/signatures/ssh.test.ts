import { execFile } from "node:child_process";
import { promisify } from "node:util";
import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";
import * as ssh from "../../fixtures/ssh.js";

const context = { vmPubAddress: "198.18.3.10", vmUser: "peguser", pkeyPath: "bkp/pegasus_key.pem", knownHostsPath: "/work/main/.state/known_hosts" };
const first = (text: string) => diagnose({ text, context })[0]!;

test("connection timed out, refused, no route and banner timeout each get their cause", (t) => {
  t.is(first(ssh.SSH_TIMEOUT).id, "ssh-sem-conexao/tempo");
  t.regex(first(ssh.SSH_TIMEOUT).fix, /libere a porta 22 de entrada/);
  t.is(first(ssh.SSH_REFUSED).id, "ssh-sem-conexao/recusada");
  t.regex(first(ssh.SSH_REFUSED).cause, /nada escuta na porta 2299/);
  t.is(first(ssh.SSH_NO_ROUTE).id, "ssh-sem-conexao/sem-rota");
  t.is(first(ssh.SSH_BANNER_TIMEOUT).id, "ssh-sem-conexao/tempo");
});

test("an unresolvable VM name points at VM_PUB_ADDRESS", (t) => {
  const d = first(ssh.SSH_UNRESOLVED);
  t.is(d.id, "ssh-nome-nao-resolve");
  t.regex(d.cause, /nosuch.invalid \(VM_PUB_ADDRESS\)/);
});

test("key problems come before the generic 'Permission denied'", (t) => {
  t.is(first(ssh.SSH_UNPROTECTED_KEY).fix, "rode `chmod 600 bkp/pegasus_key.pem`");
  t.regex(first(ssh.SSH_UNPROTECTED_KEY).cause, /permissões 0644/);
  t.is(first(ssh.SSH_INVALID_KEY).id, "ssh-chave-invalida");
  t.is(first(ssh.SSH_MISSING_KEY).id, "ssh-chave-ausente");
  const denied = first(ssh.SSH_DENIED);
  t.is(denied.id, "ssh-autenticacao-recusada");
  t.regex(denied.fix, /VM_USER \(peguser\)/);
});

test("a changed host key gives the exact ssh-keygen -R command for the project's known_hosts", (t) => {
  const d = first(ssh.SSH_HOST_KEY_CHANGED);
  t.is(d.id, "ssh-chave-de-host-mudou");
  t.regex(d.fix, /ssh-keygen -f "\/work\/main\/.state\/known_hosts" -R "\[127.0.0.1\]:2299"/);
  const unknown = first(ssh.SSH_HOST_KEY_UNKNOWN);
  t.is(unknown.id, "ssh-chave-de-host-desconhecida");
  t.regex(unknown.fix, /ssh-keyscan -p 2299 127.0.0.1 >> \/work\/main\/.state\/known_hosts/);
});

test("diagnoses the real ssh client's refusal", async (t) => {
  const stderr = await promisify(execFile)("ssh", ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", "1", "peguser@127.0.0.1", "true"]).then(
    () => "",
    (e: { stderr: string }) => e.stderr,
  );
  t.is(diagnose({ result: { stdout: "", stderr, exitCode: 255, target: "ssh" }, context })[0]!.id, "ssh-sem-conexao/recusada");
});
