import test from "ava";
import { diagnose } from "../../../lib/diagnose/diagnose.js";
import type { Signature } from "../../../lib/diagnose/types.js";
import { PING_HOST_UNREACHABLE } from "../fixtures/ping.js";
import { SSH_UNPROTECTED_KEY } from "../fixtures/ssh.js";

test("returns every matching diagnosis, most specific first", (t) => {
  // The key-permission problem also prints "Permission denied": the more specific cause comes first.
  const ids = diagnose({ text: SSH_UNPROTECTED_KEY }).map((d) => d.id);
  t.deepEqual(ids, ["ssh-chave-permissoes", "ssh-autenticacao-recusada"]);
});

test("returns nothing for text with no known signature", (t) => {
  t.deepEqual(diagnose({ text: "tudo certo\n" }), []);
  t.deepEqual(diagnose({}), []);
});

test("reads stdout and stderr of a command result along with the text, once each", (t) => {
  const d = diagnose({ result: { stdout: PING_HOST_UNREACHABLE, stderr: "", exitCode: 1, command: "kubectl exec svc/payment -c payment -- ping -c 3 198.18.0.10" }, context: { vmAddress: "198.18.0.10" } });
  t.is(d[0]!.id, "sem-rota");
  t.regex(d[0]!.cause, /não há rota até 198.18.0.10/);
});

test("accepts extra signatures and keeps ties in table order", (t) => {
  const extra: Signature = { id: "meu", specificity: 95, detect: (input) => (input.text.includes("Permission denied") ? { cause: "c", fix: "f" } : undefined) };
  t.deepEqual(diagnose({ text: SSH_UNPROTECTED_KEY }, { extra: [extra] }).map((d) => d.id), ["ssh-chave-permissoes", "meu", "ssh-autenticacao-recusada"]);
  t.deepEqual(diagnose({ text: SSH_UNPROTECTED_KEY }, { signatures: [extra] }).map((d) => d.id), ["meu"]);
});

test("every built-in diagnosis names a cause and a fix in Portuguese, and carries its evidence", (t) => {
  for (const d of diagnose({ text: SSH_UNPROTECTED_KEY })) {
    t.true(d.cause.length > 20);
    t.true(d.fix.length > 10);
    t.truthy(d.evidence);
  }
});
