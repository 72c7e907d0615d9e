// Finds the Debian mirror apt already uses on this machine, so debootstrap downloads from the same place
// (deb822 `*.sources` and one-line `*.list` files; other file names are ignored, as apt does).
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";

/** One repository entry of apt's configuration. */
export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
}

/** Parses deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Components:`; `Enabled: no` skipped). */
export const parseDeb822Sources = (text: string): AptSource[] =>
  text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      let last: string | undefined;
      for (const line of stanza.split("\n")) {
        if (line.startsWith("#") || line.trim() === "") continue;
        if (/^\s/.test(line) && last) {
          fields.set(last, `${fields.get(last)} ${line.trim()}`);
          continue;
        }
        const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
        if (!match) continue;
        last = match[1]!.toLowerCase();
        fields.set(last, match[2]!.trim());
      }
      const words = (key: string) => (fields.get(key) ?? "").split(/\s+/).filter(Boolean);
      return { enabled: (fields.get("enabled") ?? "yes").toLowerCase() !== "no", types: words("types"), uris: words("uris"), suites: words("suites"), components: words("components") };
    })
    .filter((s) => s.enabled && s.uris.length > 0)
    .map(({ types, uris, suites, components }) => ({ types, uris, suites, components }));

/** Parses one-line entries (`deb [options] URI SUITE COMPONENT...`). */
export const parseOneLineSources = (text: string): AptSource[] =>
  text.split("\n").flatMap((raw) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) return [];
    const withoutOptions = line.replace(/\[[^\]]*\]/, " ");
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/).filter(Boolean);
    if (!type || !uri || !suite) return [];
    return [{ types: [type], uris: [uri], suites: [suite], components }];
  });

/** Reads every source apt would read under `aptDir` (sources.list and sources.list.d/*.list|*.sources). */
export const readAptSources = async (aptDir = "/etc/apt"): Promise<AptSource[]> => {
  const read = async (file: string) => {
    try {
      return await readFile(file, "utf8");
    } catch {
      return undefined;
    }
  };
  const sources: AptSource[] = [];
  const main = await read(path.join(aptDir, "sources.list"));
  if (main) sources.push(...parseOneLineSources(main));
  let names: string[] = [];
  try {
    names = (await readdir(path.join(aptDir, "sources.list.d"))).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of names) {
    const text = await read(path.join(aptDir, "sources.list.d", name));
    if (text === undefined) continue;
    if (name.endsWith(".sources")) sources.push(...parseDeb822Sources(text));
    else if (name.endsWith(".list")) sources.push(...parseOneLineSources(text));
  }
  return sources;
};

/** The mirror URI of the first binary (`deb`) source that serves `suite` with the `main` component. */
export const pickDebianMirror = (sources: readonly AptSource[], suite: string): string | undefined =>
  sources.find((s) => s.types.includes("deb") && s.suites.includes(suite) && s.components.includes("main"))?.uris[0];

/** Finds the Debian mirror for `suite` in this machine's apt configuration; throws (in Portuguese) when there is none. */
export const debianMirror = async ({ suite, aptDir = "/etc/apt" }: { suite: string; aptDir?: string }): Promise<string> => {
  const mirror = pickDebianMirror(await readAptSources(aptDir), suite);
  if (!mirror) {
    throw new Error(
      `nenhum repositório Debian para "${suite}" (componente main) foi encontrado em ${aptDir}/sources.list(.d): ` +
        `configure o apt com um espelho Debian que sirva ${suite} ou defina LAB_DEBIAN_MIRROR com a URL do espelho`,
    );
  }
  return mirror;
};
