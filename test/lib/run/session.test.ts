import test from "ava";
import { CommandResult } from "../../../lib/run/result.js";
import { TOKEN_MASK } from "../../../lib/redact/masker.js";
import type { Executor } from "../../../lib/run/executor.js";
import { testSession } from "../../helpers/params.js";

const JWT = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"system:serviceaccount:legacy:legacy-pegasus","exp":1}').toString("base64url")}.c2lnbmF0dXJl`;

test("runs an argv and returns one result with output, exit code and duration", async (t) => {
  const { session } = testSession();
  const r = await session.run({ argv: ["sh", "-c", "echo hello; echo warn >&2"] });
  t.true(r.ok);
  t.is(r.exitCode, 0);
  t.is(r.stdout, "hello\n");
  t.is(r.stderr, "warn\n");
  t.is(r.text(), "hello");
  t.true(r.durationMs >= 0);
  t.false(r.planned);
});

test("each argv element arrives as exactly one argument, never interpreted by a shell", async (t) => {
  const { session } = testSession();
  const tricky = ["a b", "it's", '"dq"', "$(touch /tmp/never-created-by-argv)", "`id`", "*", "line1\nline2", "-n"];
  const r = await session.run({ argv: ["printf", "[%s]", ...tricky] });
  t.is(r.stdout, tricky.map((a) => `[${a}]`).join(""));
});

test("a failed command throws the same result shape, with a Portuguese message", async (t) => {
  const { session } = testSession();
  const error = await t.throwsAsync(session.run({ argv: ["sh", "-c", "echo boom >&2; exit 3"] }));
  t.true(error instanceof CommandResult);
  const r = error as CommandResult;
  t.false(r.ok);
  t.is(r.exitCode, 3);
  t.is(r.stderr, "boom\n");
  t.regex(r.message, /falhou: sh -c .*\ncódigo de saída 3\nboom/);
});

test("nothrow returns the failed result instead of throwing", async (t) => {
  const { session } = testSession();
  const r = await session.run({ argv: ["false"], nothrow: true });
  t.false(r.ok);
  t.is(r.exitCode, 1);
});

test("a command that does not exist says so in Portuguese", async (t) => {
  const { session } = testSession();
  const r = await session.run({ argv: ["kubectl-does-not-exist-here", "get", "pods"], nothrow: true });
  t.is(r.exitCode, 127);
  t.is(r.cause, "comando não encontrado: kubectl-does-not-exist-here");
  t.regex(r.message, /não foi possível executar \(comando não encontrado/);
});

test("a timeout kills the process and is reported as such", async (t) => {
  const { session } = testSession();
  const r = await session.run({ argv: ["sleep", "30"], timeoutMs: 200, nothrow: true });
  t.true(r.timedOut);
  t.false(r.ok);
  t.regex(r.message, /tempo esgotado/);
});

test("stdin, cwd and env reach the process; a process that ignores stdin is fine", async (t) => {
  const { session, root } = testSession();
  const r = await session.run({ argv: ["sh", "-c", 'cat; pwd; echo "$GREETING"'], stdin: "from stdin\n", cwd: root, env: { GREETING: "olá" } });
  t.is(r.stdout, `from stdin\n${root}\nolá\n`);
  const ignored = await session.run({ argv: ["true"], stdin: "x".repeat(1 << 20) });
  t.true(ignored.ok);
});

test("emits command, output and end events, with the student-facing display form", async (t) => {
  const { session, events } = testSession();
  await session.run({ argv: ["/bin/echo", "hi"], step: "Teste" });
  const [cmd, out, end] = events.events;
  t.like(cmd, { kind: "command", display: "echo hi", exact: "/bin/echo hi", target: "local", step: "Teste", planned: false });
  t.like(out, { kind: "output", stream: "stdout", text: "hi\n" });
  t.like(end, { kind: "end", exitCode: 0, ok: true });
  t.is(cmd!.id, end!.id);
});

test("shows YAML on stdin as the course's heredoc", async (t) => {
  const { session, events } = testSession();
  await session.run({ argv: ["cat"], displayArgv: ["kubectl", "apply", "-f", "-"], stdin: "kind: Namespace\n", stdinAsHeredoc: true });
  t.is(events.ofKind("command")[0]!.display, "cat <<EOF | kubectl apply -f -\nkind: Namespace\nEOF");
  await session.run({ argv: ["cat"], displayArgv: ["kubectl", "apply", "-f", "-"], stdin: "address: $VM_ADDRESS\n", stdinAsHeredoc: true });
  t.is(events.ofKind("command")[1]!.display, "cat <<'EOF' | kubectl apply -f -\naddress: $VM_ADDRESS\nEOF");
});

test("secrets never reach events or results: not in argv, not in output", async (t) => {
  const { session, events } = testSession();
  const r = await session.run({ argv: ["echo", JWT] });
  t.is(r.stdout, `${TOKEN_MASK}\n`);
  t.false(JSON.stringify(events.events).includes(JWT));
  const s = await session.run({ argv: ["echo", "password=hunter2-secret"], secrets: ["hunter2-secret"] });
  t.false(s.stdout.includes("hunter2-secret"));
  t.false(JSON.stringify(events.events).includes("hunter2-secret"));
});

test("plan mode records the command without running it", async (t) => {
  const { session, events } = testSession({ mode: "plan" });
  const r = await session.run({ argv: ["sh", "-c", "touch /tmp/should-not-exist-plan-mode; exit 9"] });
  t.true(r.planned);
  t.true(r.ok);
  t.is(r.stdout, "");
  t.deepEqual(events.events.map((e) => e.kind), ["command", "end"]);
  t.true(events.ofKind("command")[0]!.planned);
});

test("the executor is the only thing that spawns: a fake one sees the exact argv and options", async (t) => {
  const seen: unknown[] = [];
  const executor: Executor = {
    execute: async (spec) => {
      seen.push({ argv: spec.argv, stdin: spec.stdin, timeoutMs: spec.timeoutMs });
      spec.onOutput?.("stdout", "fake\n");
      return { exitCode: 0, signal: null, stdout: "fake\n", stderr: "", durationMs: 1, timedOut: false };
    },
  };
  const { session } = testSession({ executor, defaultTimeoutMs: 1234 });
  const r = await session.run({ argv: ["kubectl", "get", "ns"], stdin: "x" });
  t.is(r.stdout, "fake\n");
  t.deepEqual(seen, [{ argv: ["kubectl", "get", "ns"], stdin: "x", timeoutMs: 1234 }]);
});

test("an aborted command is stopped", async (t) => {
  const { session } = testSession();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const r = await session.run({ argv: ["sleep", "30"], signal: controller.signal, nothrow: true });
  t.false(r.ok);
  t.is(r.signal, "SIGTERM");
});

test("quiet commands still record command and end but no output events", async (t) => {
  const { session, events } = testSession();
  const r = await session.run({ argv: ["echo", "hidden"], quiet: true });
  t.is(r.stdout, "hidden\n");
  t.deepEqual(events.events.map((e) => e.kind), ["command", "end"]);
});

test("a command that fails the step is reported as a failed check with its exit code, output tail and diagnoses", async (t) => {
  const { session, events } = testSession({
    diagnoseFailure: (result) => (/Connection refused/.test(result.stderr) ? [{ id: "ssh-sem-conexao", cause: "o sshd não escuta", fix: "inicie o ssh" }] : []),
  });
  await t.throwsAsync(session.run({ argv: ["sh", "-c", "echo 'ssh: connect to host 198.18.0.10 port 22: Connection refused' >&2; exit 255"] }));
  const [failed] = events.ofKind("check");
  t.is(failed?.status, "fail");
  t.regex(failed!.title, /^O comando sh -c .* terminou sem sucesso$/);
  t.is(failed!.expected, "código de saída 0");
  t.is(failed!.received, "código 255\nssh: connect to host 198.18.0.10 port 22: Connection refused");
  t.deepEqual(failed!.diagnoses.map((d) => d.id), ["ssh-sem-conexao"]);
});

test("a failure inside a check's probe, or with nothrow, is not reported as a failed step", async (t) => {
  const { session, events } = testSession();
  await session.run({ argv: ["false"], nothrow: true });
  await t.throwsAsync(session.probe(() => session.run({ argv: ["false"] })));
  t.deepEqual(events.ofKind("check"), []);
});

test("a timeout is a bound even when a daemon the command forked keeps its output open", async (t) => {
  const { session } = testSession();
  // The subshell exits at once, so the backgrounded sleep leaves the process tree but keeps stdout open.
  const r = await session.run({ argv: ["sh", "-c", "(setsid sleep 61 &); echo started; sleep 60"], timeoutMs: 300, nothrow: true });
  await session.run({ argv: ["pkill", "-f", "sleep 61"], nothrow: true });
  t.true(r.timedOut);
  t.false(r.ok);
  t.regex(r.stdout, /started/);
  t.true(r.durationMs < 59_000, `returned after ${r.durationMs} ms, when the daemon's sleep ended`);
});
