import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";

const context = { sidecarUrl: "https://storage.googleapis.com/istio-release/releases/1.8.1/deb/istio-sidecar.deb" };

test("copying before the package is installed: folders, user and unit are missing (coreutils and systemd texts)", (t) => {
  for (const text of [
    "cp: cannot create regular file '/var/lib/istio/envoy/cluster.env': No such file or directory\n",
    "cp: cannot create regular file '/etc/istio/config/mesh': No such file or directory\n",
    "chown: invalid user: ‘istio-proxy’\n",
    "chown: invalid user: 'istio-proxy'\n",
    "Failed to start istio.service: Unit istio.service not found.\n",
    "dpkg-query: package 'istio-sidecar' is not installed and no information is available\n",
  ]) {
    const [d] = diagnose({ text, context });
    t.is(d?.id, "pacote-do-sidecar-ausente", text);
    t.regex(d!.fix, /curl -LO https:\/\/storage.googleapis.com\/istio-release\/releases\/1.8.1\/deb\/istio-sidecar.deb/);
  }
});

test("the sidecar is not running: the admin port refuses, or systemctl says inactive/failed", (t) => {
  t.is(diagnose({ text: "curl: (7) Failed to connect to localhost port 15000 after 0 ms: Couldn't connect to server" })[0]!.id, "sidecar-parado");
  const [d] = diagnose({ result: { stdout: "failed\n", stderr: "", exitCode: 3, command: "sudo systemctl is-active istio", target: "ssh" } });
  t.is(d!.id, "sidecar-parado");
  t.regex(d!.cause, /estado: failed/);
  t.is(diagnose({ text: "● istio.service - istio-sidecar: The Istio sidecar\n     Loaded: loaded\n     Active: inactive (dead)\n" })[0]!.id, "sidecar-parado");
  t.deepEqual(diagnose({ result: { stdout: "active\n", stderr: "", exitCode: 0, command: "sudo systemctl is-active istio" } }), []);
});

test("the unit is not enabled", (t) => {
  const [d] = diagnose({ result: { stdout: "disabled\n", stderr: "", exitCode: 1, command: "sudo systemctl is-enabled istio" } });
  t.is(d!.id, "sidecar-nao-habilitado");
  t.is(d!.fix, "rode `sudo systemctl enable istio`");
  t.regex(diagnose({ result: { stdout: "masked\n", stderr: "", exitCode: 1, command: "systemctl is-enabled istio" } })[0]!.fix, /unmask/);
});

test("one command asking both (the runbook's check): each line is read as its own state, stopped and not enabled after a reboot", (t) => {
  const command = "ssh-vm sh -c 'systemctl is-active istio; systemctl is-enabled istio'";
  const ids = diagnose({ result: { stdout: "inactive\ndisabled\n", stderr: "", exitCode: 1, command } }).map((d) => d.id);
  t.deepEqual(ids.sort(), ["sidecar-nao-habilitado", "sidecar-parado"]);
  t.deepEqual(diagnose({ result: { stdout: "active\nenabled\n", stderr: "", exitCode: 0, command } }), []);
  // Started by hand and never enabled: only the enablement is wrong.
  t.deepEqual(diagnose({ result: { stdout: "active\ndisabled\n", stderr: "", exitCode: 1, command } }).map((d) => d.id), ["sidecar-nao-habilitado"]);
});
