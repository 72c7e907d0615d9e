import test from "ava";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../../../../lab/paths.js";
import { sidecarPackageFacts } from "../../../../lab/istio/package/facts.js";
import { istioStartScript } from "../../../../lab/istio/package/start-script.js";
import { istioServiceUnit } from "../../../../lab/istio/package/unit.js";
import { postinstScript } from "../../../../lab/istio/package/postinst.js";

const fixture = (version: string, name: string) => readFile(path.join(projectRoot(), "test", "lab", "istio", "package", "fixtures", version, name), "utf8");

for (const version of ["1.8.1", "1.30.0"]) {
  const facts = sidecarPackageFacts(version);
  test(`${version}: istio-start.sh is the release's script byte for byte`, async (t) => {
    t.is(istioStartScript(facts), await fixture(version, "istio-start.sh"));
  });
  test(`${version}: istio.service is the release's unit byte for byte`, async (t) => {
    t.is(istioServiceUnit(facts), await fixture(version, "istio.service"));
  });
  test(`${version}: postinst is the release's postinst.sh byte for byte`, async (t) => {
    t.is(postinstScript(facts), await fixture(version, "postinst.sh"));
  });
}

test("1.8.1's start script exports the branch literal 1.8.0, runs the agent through su and truncates the logs", (t) => {
  const s = istioStartScript(sidecarPackageFacts("1.8.1"));
  t.regex(s, /^export ISTIO_META_ISTIO_VERSION="1\.8\.0"$/m);
  t.regex(s, /exec su -s \/bin\/bash -c ".*pilot-agent proxy .* 2> \$\{ISTIO_LOG_DIR\}\/istio\.err\.log > \$\{ISTIO_LOG_DIR\}\/istio\.log" \$\{EXEC_USER\}/);
  t.notRegex(s, /"clean"/, "no clean subcommand before 1.10");
  t.regex(s, /pilot-agent" istio-clean-iptables/);
});

test("1.30.0's start script appends the logs through sudo, has `clean` and cleans with --cleanup-only", (t) => {
  const s = istioStartScript(sidecarPackageFacts("1.30.0"));
  t.regex(s, /exec sudo -E -u "\$\{EXEC_USER\}" -s \/bin\/bash -c ".* 2>> \$\{ISTIO_LOG_DIR\}\/istio\.err\.log >> \$\{ISTIO_LOG_DIR\}\/istio\.log"/);
  t.regex(s, /if \[\[ \$\{1-\} == "clean" \]\]/);
  t.regex(s, /pilot-agent" istio-iptables --cleanup-only/);
  t.regex(s, /ISTIO_SIDECAR_CONFIG:-\.\/var\/lib\/istio\/envoy\/sidecar\.env/, "paths relative to / (systemd's working directory)");
});

test("the units restart forever 10 s apart; only 1.10+ clean the rules on stop", (t) => {
  const old = istioServiceUnit(sidecarPackageFacts("1.8.1"));
  const now = istioServiceUnit(sidecarPackageFacts("1.30.0"));
  for (const unit of [old, now]) {
    t.regex(unit, /^Restart=always$/m);
    t.regex(unit, /^RestartSec=10$/m);
    t.regex(unit, /^WantedBy=multi-user\.target$/m);
  }
  t.notRegex(old, /ExecStopPost/);
  t.regex(now, /^ExecStopPost=\/usr\/local\/bin\/istio-start\.sh clean$/m);
});
