import test from "ava";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { debianMirror, parseDeb822Sources, parseOneLineSources, pickDebianMirror } from "../../../lab/vm/apt-sources.js";

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

test("reads deb822 stanzas with their suites and components", (t) => {
  const sources = parseDeb822Sources(DEB822);
  t.is(sources.length, 2);
  t.deepEqual(sources[0], { types: ["deb"], uris: ["http://deb.debian.org/debian"], suites: ["bookworm", "bookworm-updates"], components: ["main"] });
});

test("skips deb822 stanzas marked Enabled: no", (t) => {
  t.deepEqual(parseDeb822Sources(`Enabled: no\nTypes: deb\nURIs: http://a/debian\nSuites: bookworm\nComponents: main\n`), []);
});

test("reads one-line entries, with [options] and comments", (t) => {
  const sources = parseOneLineSources("# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb-src http://x/debian bookworm main\n");
  t.deepEqual(sources[0], { types: ["deb"], uris: ["http://mirror.example/debian"], suites: ["bookworm"], components: ["main", "contrib"] });
  t.is(sources[1]?.types[0], "deb-src");
});

test("picks the binary source that serves the suite's main component, not the security one", (t) => {
  const sources = [...parseOneLineSources("deb-src http://src/debian bookworm main\n"), ...parseDeb822Sources(DEB822).reverse()];
  t.is(pickDebianMirror(sources, "bookworm"), "http://deb.debian.org/debian");
  t.is(pickDebianMirror(sources, "trixie"), undefined);
});

test("ignores files apt ignores (not .list or .sources) and explains in Portuguese when nothing serves the suite", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), "apt-"));
  await mkdir(path.join(dir, "sources.list.d"));
  await writeFile(path.join(dir, "sources.list.d", "debian.sources.disabled-by-farm"), DEB822);
  await writeFile(path.join(dir, "sources.list.d", "other.list"), "deb http://example/ubuntu jammy main\n");
  const error = await t.throwsAsync(debianMirror({ suite: "bookworm", aptDir: dir }));
  t.regex(error!.message, /nenhum repositório Debian para "bookworm"/);
  t.regex(error!.message, /LAB_DEBIAN_MIRROR/);
  await writeFile(path.join(dir, "sources.list.d", "debian.sources"), DEB822);
  t.is(await debianMirror({ suite: "bookworm", aptDir: dir }), "http://deb.debian.org/debian");
});
