import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { scpDestination, sshClientOptions, sshConfigPath } from "../../../lib/vm/ssh-options.js";

test("uses only the student's key, never prompts, and trusts host keys on first use into the project's file", (t) => {
  t.deepEqual(sshClientOptions({ keyPath: "/p/bkp/pegasus_key.pem", knownHosts: { projectFile: "/p/.state/known_hosts" } }), [
    "-i", "/p/bkp/pegasus_key.pem",
    "-o", "IdentitiesOnly=yes",
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=accept-new",
    "-o", "UserKnownHostsFile=/p/.state/known_hosts",
    "-o", "ConnectTimeout=10",
  ]);
});

test("lists read-only known_hosts files after the project's (ssh writes new keys only to the first)", (t) => {
  const opts = sshClientOptions({ keyPath: "/k", knownHosts: { projectFile: "/p/known hosts", readOnlyFiles: ["/root/.ssh/known_hosts"] }, connectTimeoutSeconds: 3 });
  t.true(opts.includes(`UserKnownHostsFile="/p/known hosts" /root/.ssh/known_hosts`));
  t.true(opts.includes("ConnectTimeout=3"));
});

test("a key path with % goes through IdentityFile with %% (ssh checks -i literally but expands it later)", (t) => {
  const opts = sshClientOptions({ keyPath: "/p/100% key", knownHosts: { projectFile: "/p/kh" } });
  t.false(opts.includes("-i"));
  t.true(opts.includes(`IdentityFile="/p/100%% key"`));
});

test("refuses paths ssh cannot represent and silly timeouts", (t) => {
  t.throws(() => sshConfigPath({ value: `/p/a"b`, name: "SSH_KNOWN_HOSTS" }), { instanceOf: InputError, message: /aspas duplas/ });
  t.throws(() => sshClientOptions({ keyPath: "/k", knownHosts: { projectFile: "/kh" }, connectTimeoutSeconds: 0 }), { instanceOf: InputError });
  t.throws(() => sshClientOptions({ keyPath: "/k", knownHosts: { projectFile: "/kh" }, connectTimeoutSeconds: 2.5 }), { instanceOf: InputError });
});

test("scp destinations put an IPv6 literal in brackets", (t) => {
  t.is(scpDestination({ user: "peguser", host: "198.18.3.10", path: "/home/peguser" }), "peguser@198.18.3.10:/home/peguser");
  t.is(scpDestination({ user: "peguser", host: "fd00::10", path: "/home/peguser" }), "peguser@[fd00::10]:/home/peguser");
});
