import test from "ava";
import { parseEnvironmentAssignments, parseEnvironmentFile, parseExecValue, parseUnitText, splitCommandLine } from "../../../../../lab/vm/guest/systemd/unit-file.js";
import { parseTimespan, unitFromSections, unitName } from "../../../../../lab/vm/guest/systemd/units.js";

const ISTIO_UNIT = `[Unit]
Description=istio-sidecar: The Istio sidecar
Documentation=http://istio.io/

[Service]
ExecStart=/usr/local/bin/istio-start.sh
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

test("reads the Istio 1.8 unit: ExecStart, Restart=always, RestartSec=10, no start limit, wanted by multi-user.target", (t) => {
  const unit = unitFromSections("istio.service", "/lib/systemd/system/istio.service", parseUnitText(ISTIO_UNIT));
  t.is(unit.description, "istio-sidecar: The Istio sidecar");
  t.is(unit.execStart[0]?.line, "/usr/local/bin/istio-start.sh");
  t.is(unit.restart, "always");
  t.is(unit.restartSec, 10_000);
  t.is(unit.startLimitIntervalSec, 0);
  t.deepEqual(unit.wantedBy, ["multi-user.target"]);
  t.true(unit.hasInstallSection);
});

test("repeated keys accumulate, an empty assignment resets, a trailing backslash continues the line", (t) => {
  const sections = parseUnitText("[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2 \\\n  C=3\n; comment\n# comment\n");
  t.deepEqual(sections.get("Service")?.get("ExecStartPre"), ["/bin/a", "/bin/b"]);
  t.deepEqual(sections.get("Service")?.get("Environment"), ["B=2 C=3"]);
});

test("splits command lines like systemd: quotes, $VAR as several words, ${VAR} as one, $$ and %n", (t) => {
  t.deepEqual(splitCommandLine("/usr/sbin/sshd -D $SSHD_OPTS", { SSHD_OPTS: "-o A=b  -e" }), ["/usr/sbin/sshd", "-D", "-o", "A=b", "-e"]);
  t.deepEqual(splitCommandLine("/usr/sbin/sshd -D $SSHD_OPTS", {}), ["/usr/sbin/sshd", "-D"]);
  t.deepEqual(splitCommandLine('/bin/sh -c "echo ${X} $$HOME" \'a b\' c\\ d %n', { X: "1 2" }, "x.service"), ["/bin/sh", "-c", "echo 1 2 $HOME", "a b", "c d", "x.service"]);
  t.deepEqual(splitCommandLine('/bin/echo ""'), ["/bin/echo", ""]);
});

test("decodes Exec prefixes (- ignores failure, + runs privileged, @ sets argv0)", (t) => {
  t.like(parseExecValue("-/usr/local/bin/istio-start.sh clean"), { ignoreFailure: true, privileged: false, line: "/usr/local/bin/istio-start.sh clean" });
  t.like(parseExecValue("+@/bin/sh sh -c x"), { privileged: true, customArgv0: true, line: "/bin/sh sh -c x" });
});

test("reads Environment= assignments and EnvironmentFile= files", (t) => {
  t.deepEqual(parseEnvironmentAssignments(['A=1 "B=two words"', "C=$x"]), { A: "1", B: "two words", C: "$x" });
  t.deepEqual(parseEnvironmentFile("# c\nexport ISTIO_INBOUND_PORTS='*'\nISTIO_NAMESPACE=legacy\nEMPTY=\n"), { ISTIO_INBOUND_PORTS: "*", ISTIO_NAMESPACE: "legacy", EMPTY: "" });
});

test("names and time spans follow systemctl's conventions", (t) => {
  t.is(unitName("istio"), "istio.service");
  t.is(unitName("ssh.service"), "ssh.service");
  t.is(parseTimespan("10", 0), 10_000);
  t.is(parseTimespan("500ms", 0), 500);
  t.is(parseTimespan("1min 30s", 0), 90_000);
  t.is(parseTimespan(undefined, 100), 100);
});
