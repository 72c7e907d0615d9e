import test from "ava";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOrigDstAddon, origDstAddonPath, origDstSourcePath } from "../../../lab/native/build.js";
import { loadOrigDstAddon, OrigDstAddonMissingError, resolveOrigDstAddonPath, socketFd } from "../../../lab/native/origdst.js";
import { host, inNetns } from "../../../lab/net/ip.js";
import { removeNetns } from "../../../lab/net/netns.js";
import net from "node:net";

const NETNS = "ilab8-t5-origdst";
const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "origdst-probe.js");

let cacheDir = "";
test.before(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), "ilab8-native-"));
});
test.after.always(async () => {
  await rm(cacheDir, { recursive: true, force: true });
  await removeNetns(NETNS);
});

test.serial("builds the addon into the cache once per source version", async (t) => {
  const first = await buildOrigDstAddon({ cacheDir });
  t.true(first.built);
  t.is(first.path, origDstAddonPath(await readFile(origDstSourcePath(), "utf8"), cacheDir));
  t.regex(path.basename(first.path), /^origdst-[0-9a-f]{16}\.node$/);
  t.true((await stat(first.path)).isFile());
  const second = await buildOrigDstAddon({ cacheDir });
  t.false(second.built, "an unchanged source is not rebuilt");
  t.is(second.path, first.path);
});

test.serial("a missing addon fails with a message saying how to build it", (t) => {
  const error = t.throws(() => loadOrigDstAddon(path.join(cacheDir, "nope.node")), { instanceOf: OrigDstAddonMissingError });
  t.regex(error!.message, /build-cli\.js/);
  t.regex(error!.message, /LAB_ORIGDST_ADDON/);
  t.is(resolveOrigDstAddonPath(undefined, { LAB_ORIGDST_ADDON: "/opt/lab/origdst.node" }), "/opt/lab/origdst.node");
});

test.serial("a missing node_api.h is reported before compiling", async (t) => {
  await t.throwsAsync(buildOrigDstAddon({ cacheDir, nodeIncludeDir: cacheDir, force: true }), { message: /node_api\.h is missing/ });
});

test.serial("reads the original destination of a connection REDIRECTed by iptables", async (t) => {
  const built = await buildOrigDstAddon({ cacheDir });
  await removeNetns(NETNS);
  await host(["ip", "netns", "add", NETNS]);
  await inNetns(NETNS, ["ip", "link", "set", "lo", "up"]);
  await inNetns(NETNS, ["ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
  await inNetns(NETNS, ["ip", "link", "set", "d1", "up"]);
  await inNetns(NETNS, ["ip", "addr", "add", "10.99.0.1/24", "dev", "d0"]);
  await inNetns(NETNS, ["ip", "link", "set", "d0", "up"]);
  await inNetns(NETNS, ["ip", "route", "add", "default", "dev", "d0"]);
  await inNetns(NETNS, ["iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", "198.19.133.99", "--dport", "80", "-j", "REDIRECT", "--to-ports", "15001"]);
  const redirected = await inNetns(NETNS, ["node", PROBE, built.path, "198.19.133.99", "80"], { timeoutMs: 20_000 });
  t.deepEqual(JSON.parse(redirected.stdout.trim().split("\n")[0]!), { address: "198.19.133.99", port: 80, family: 4 });
  const direct = await inNetns(NETNS, ["node", PROBE, built.path, "127.0.0.1", "15001"], { timeoutMs: 20_000 });
  t.deepEqual(JSON.parse(direct.stdout.trim().split("\n")[0]!), { address: "127.0.0.1", port: 15001, family: 4 }, "a direct connection's destination is itself");
});

test.serial("socketFd refuses a socket without a descriptor", (t) => {
  const socket = new net.Socket();
  t.throws(() => socketFd(socket), { message: /no file descriptor/ });
});
