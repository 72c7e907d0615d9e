// `npm run export`: notebooks (executed, or else run in plan mode) → tutorial.md (with media/ next to it) and a
// self-contained tutorial.html.
import { projectRoot } from "../project.js";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { looksSecret, Masker } from "../redact/masker.js";
import type { FigureEvent } from "../run/events.js";
import { readNotebook, type Notebook } from "../runner/notebook-file.js";
import { notebookBlocks, type TutorialBlock } from "./blocks.js";
import { blocksToHtml } from "./html.js";
import { blocksToMarkdown } from "./markdown.js";

/** Options of exportTutorial. */
export interface ExportOptions {
  /** Notebook files, in course order. */
  notebooks: string[];
  outDir: string;
  /** Base name of the outputs (default "tutorial"). */
  name?: string;
  withCode?: boolean;
  /** Obtains an executed copy of a notebook that has no outputs (the plan); default: export it without commands. */
  planFor?: (file: string) => Promise<Notebook>;
}

/** What was written. */
export interface ExportResult {
  markdown: string;
  html: string;
  media: string[];
  blocks: number;
}

const MIME: Record<string, string> = { ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif" };

const executed = (nb: Notebook): boolean => nb.cells.some((c) => c.cell_type === "code" && (c.outputs?.length ?? 0) > 0);

/** Writes the tutorial in both formats; refuses to write anything that still looks like a secret. */
export const exportTutorial = async (options: ExportOptions): Promise<ExportResult> => {
  const name = options.name ?? "tutorial";
  const mediaDir = path.join(options.outDir, "media");
  mkdirSync(mediaDir, { recursive: true });
  const masker = new Masker();
  const media = new Set<string>();
  const dataUris = new Map<string, string>();
  const blocks: TutorialBlock[] = [];
  const imageRefs: Array<{ from: string; src: string }> = [];

  for (const file of options.notebooks) {
    let nb = readNotebook(file);
    if (!executed(nb) && options.planFor) nb = await options.planFor(file);
    const nbBlocks = notebookBlocks(nb, { withCode: options.withCode ?? false, masker });
    for (const b of nbBlocks) if (b.kind === "prose") for (const m of b.markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) imageRefs.push({ from: path.dirname(file), src: m[1]! });
    blocks.push(...nbBlocks);
  }

  // Images referenced by prose: copied next to the Markdown, embedded in the HTML.
  const localImage = (src: string): string | undefined => {
    if (/^(https?:|data:)/.test(src)) return undefined;
    const ref = imageRefs.find((r) => r.src === src);
    // An executed copy (out/notebooks/) keeps the source's relative links: fall back to the project's notebooks/.
    for (const base of [ref?.from ?? ".", path.join(projectRoot(), "notebooks")]) {
      const abs = path.resolve(base, src);
      if (existsSync(abs)) return abs;
    }
    return undefined;
  };
  const mdImage = (src: string): string => {
    const abs = localImage(src);
    if (!abs) return src;
    const target = path.join(mediaDir, path.basename(abs));
    copyFileSync(abs, target);
    media.add(target);
    return `media/${path.basename(abs)}`;
  };
  const htmlImage = (src: string): string => {
    const abs = localImage(src);
    if (!abs) return src;
    if (!dataUris.has(abs)) dataUris.set(abs, `data:${MIME[path.extname(abs).toLowerCase()] ?? "application/octet-stream"};base64,${readFileSync(abs).toString("base64")}`);
    return dataUris.get(abs)!;
  };
  let figureNo = 0;
  const saveSvg = (figure: FigureEvent): string => {
    const file = path.join(mediaDir, `figura-${++figureNo}.svg`);
    writeFileSync(file, figure.svg ?? "");
    media.add(file);
    return `media/${path.basename(file)}`;
  };

  const markdown = blocksToMarkdown(blocks, { image: mdImage, saveSvg });
  const title = (blocks.find((b) => b.kind === "prose" && /^#\s/m.test(b.markdown)) as { markdown: string } | undefined)?.markdown.match(/^#\s+(.+)$/m)?.[1] ?? "Istio em VMs";
  const html = blocksToHtml(blocks, { title, image: htmlImage });
  for (const [label, text] of [["Markdown", markdown], ["HTML", html]] as const) {
    if (looksSecret(text)) throw new Error(`a exportação (${label}) ainda contém algo que parece um segredo; nada foi escrito`);
  }
  const mdFile = path.join(options.outDir, `${name}.md`);
  const htmlFile = path.join(options.outDir, `${name}.html`);
  writeFileSync(mdFile, markdown);
  writeFileSync(htmlFile, html);
  return { markdown: mdFile, html: htmlFile, media: [...media], blocks: blocks.length };
};
