import test from "ava";
import { spawnSync } from "node:child_process";
import { InputError } from "../../../lib/errors.js";
import { quoteArgv } from "../../../lib/run/quote.js";
import { MAX_REMOTE_COMMAND_BYTES, remoteCommandLine, sshVmDisplay } from "../../../lib/vm/remote-command.js";
import { quoteCorpus } from "../../helpers/quote-corpus.js";

test("builds the remote line with the tested quote(), and sudo -n -- in front for root", (t) => {
  t.deepEqual(remoteCommandLine({ argv: ["cp", "/home/peguser/root-cert.pem", "/etc/certs/root-cert.pem"], sudo: true }), {
    exact: "sudo -n -- cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
    display: "sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
  });
  t.is(remoteCommandLine({ argv: ["echo", "it's"] }).exact, `echo 'it'\\''s'`);
});

test("refuses an empty argv, a NUL and a line longer than the remote shell takes", (t) => {
  t.throws(() => remoteCommandLine({ argv: [] }), { instanceOf: InputError });
  t.throws(() => remoteCommandLine({ argv: ["echo", "a\0b"] }), { instanceOf: InputError, message: /argumento 2 .* NUL/ });
  t.throws(() => remoteCommandLine({ argv: ["echo", "é".repeat(MAX_REMOTE_COMMAND_BYTES / 2)] }), { instanceOf: InputError, message: /bytes/ });
});

// The display must be a command a student can paste: `ssh-vm <display>` typed in bash must hand ssh exactly the line.
const lines = [
  "sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
  "tail /var/log/istio/istio.log",
  "curl -sS -m 10 -w '\\nHTTP %{http_code}\\n' localhost:15000/clusters",
  ...quoteCorpus("/tmp/never").map((v) => quoteArgv(["printf", "%s", v])),
];
for (const [i, line] of lines.entries()) {
  test(`the ssh-vm display hands ssh the exact line (${i})`, (t) => {
    const display = sshVmDisplay(line);
    t.true(display.startsWith("ssh-vm "));
    const r = spawnSync("bash", ["-c", `printf '%s\\0' ${display.slice("ssh-vm ".length)}`], { encoding: "utf8" });
    t.is(r.status, 0, r.stderr);
    // ssh joins its arguments with single spaces.
    t.is(r.stdout.split("\0").slice(0, -1).join(" "), line);
  });
}

test("the display is plain for plain words and double-quoted when that is enough", (t) => {
  t.is(sshVmDisplay("sudo systemctl start istio"), "ssh-vm sudo systemctl start istio");
  t.is(sshVmDisplay("curl -s 'front-end.default.svc:8000/r?code=404&wait=1s'"), `ssh-vm "curl -s 'front-end.default.svc:8000/r?code=404&wait=1s'"`);
  t.is(sshVmDisplay("echo '$HOME'"), `ssh-vm 'echo '\\''$HOME'\\'''`);
});
