// The seed chapter copies cluster.env into /var/lib/istio/envoy, mesh.yaml into /etc/istio/config and chowns to
// istio-proxy BEFORE installing the package that creates those folders and that user. On a fresh VM this fails exactly
// as on a real one (cp's and chown's own messages), and leaves /etc/istio a plain folder, so the package's postinst no
// longer links it to /var/lib/istio. istio.io's order (package first) succeeds on a fresh VM.
import test from "ava";
import { resetVm } from "../../../../lab/vm/vm.js";
import { acquireLabLock, labCli, type Ran } from "../../../helpers/lab-instance.js";
import { eastWestAddress, exposeIstiod, generateVmFiles, installIstio, prepareNamespace, runOnVm, VM_INSTALL_COMMANDS, vmFilesDir } from "./chapter.js";
import { Student } from "./student.js";

let student: Student;
let release: (() => Promise<void>) | undefined;

/** The seed's VM cells, in its order (one `ssh-vm` each). */
const seedCommands = (s: Student): string[] => [
  "sudo mkdir -p /etc/certs",
  "sudo cp /home/peguser/root-cert.pem /etc/certs/root-cert.pem",
  "sudo mkdir -p /var/run/secrets/tokens",
  "sudo cp /home/peguser/istio-token /var/run/secrets/tokens/istio-token",
  "sudo cp /home/peguser/cluster.env /var/lib/istio/envoy/cluster.env",
  "sudo cp /home/peguser/mesh.yaml /etc/istio/config/mesh",
  "sudo mkdir -p /etc/istio/proxy",
  "sudo chown -R istio-proxy /var/lib/istio /etc/certs /etc/istio/proxy /etc/istio/config /var/run/secrets /etc/certs/root-cert.pem",
  'sudo -- sh -c "cat /home/peguser/hosts >> /etc/hosts"',
  `curl -LO ${s.packageUrl}`,
  "sudo dpkg -i istio-sidecar.deb",
];

/** GNU coreutils quotes names with ‘…’ in a UTF-8 locale and '…' in C. */
const q = (name: string) => `[‘']${name.replace(/[./]/g, (c) => `\\${c}`)}[’']`;

test.before(async () => {
  release = await acquireLabLock();
  const reset = await labCli("reset");
  if (reset.exitCode !== 0) throw new Error(`lab reset failed: ${reset.stderr}`);
  student = await Student.start("1.8.1");
  for (const r of [await installIstio(student), (await student.eastWestGateway()).install, await exposeIstiod(student), ...(await prepareNamespace(student))]) {
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
  await eastWestAddress(student);
  const files = await generateVmFiles(student);
  if (files.configure.exitCode !== 0) throw new Error(files.configure.stderr);
});
test.after.always(async () => {
  await student?.finish();
  await labCli("down");
  await release?.();
});

test.serial("the seed's order fails on a fresh VM with cp's and chown's own messages, and the package then skips the /etc/istio link", async (t) => {
  t.is((await student.scpToVm(vmFilesDir(student))).exitCode, 0);
  const ran = new Map<string, Ran>();
  for (const command of seedCommands(student)) ran.set(command, await student.ssh(command));
  const at = (i: number) => ran.get(seedCommands(student)[i]!)!;
  for (const i of [0, 1, 2, 3, 6, 8, 9, 10]) t.is(at(i).exitCode, 0, `${seedCommands(student)[i]}: ${at(i).stderr}`);
  t.is(at(4).exitCode, 1);
  t.regex(at(4).stderr, new RegExp(`^cp: cannot create regular file ${q("/var/lib/istio/envoy/cluster.env")}: No such file or directory\\n$`));
  t.is(at(5).exitCode, 1);
  t.regex(at(5).stderr, new RegExp(`^cp: cannot create regular file ${q("/etc/istio/config/mesh")}: No such file or directory\\n$`));
  t.is(at(7).exitCode, 1);
  t.regex(at(7).stderr, new RegExp(`^chown: invalid user: ${q("istio-proxy")}\\n$`));
  // `mkdir -p /etc/istio/proxy` made /etc/istio a folder: postinst's `[ ! -e /etc/istio ]` is false, no symlink.
  t.is((await student.ssh("test -L /etc/istio")).exitCode, 1);
  t.is((await student.ssh("stat -c %F /etc/istio")).stdout, "directory\n");
  t.regex((await student.ssh("ls /var/lib/istio/envoy")).stdout, /^envoy_bootstrap_tmpl\.json\nsidecar\.env\n$/, "no cluster.env");
});

test.serial("istio.io's order on a fresh VM: every command succeeds and each file is where the sidecar reads it", async (t) => {
  const ctx = student.ctx;
  await resetVm({ plan: ctx.plan, paths: ctx.paths });
  t.is((await student.scpToVm(vmFilesDir(student))).exitCode, 0);
  const steps = await runOnVm(student, VM_INSTALL_COMMANDS(student));
  for (const { command, ran } of steps) t.is(ran.exitCode, 0, `${command}: ${ran.stderr}`);
  t.is(steps.length, VM_INSTALL_COMMANDS(student).length);
  t.is((await student.ssh("readlink /etc/istio")).stdout, "/var/lib/istio\n");
  t.is(
    (await student.ssh("stat -c '%U %n' /var/lib/istio/envoy/cluster.env /etc/istio/config/mesh /etc/certs/root-cert.pem /var/run/secrets/tokens/istio-token")).stdout,
    "istio-proxy /var/lib/istio/envoy/cluster.env\nistio-proxy /etc/istio/config/mesh\nistio-proxy /etc/certs/root-cert.pem\nistio-proxy /var/run/secrets/tokens/istio-token\n",
  );
});
