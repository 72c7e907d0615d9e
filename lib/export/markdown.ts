// Renders tutorial blocks as Markdown that reads like the course chapter: prose, ```bash blocks with the commands that
// ran, their outputs, and short ✔/✘ lines for the checks.
import type { CheckEvent, FigureEvent } from "../run/events.js";
import type { TutorialBlock } from "./blocks.js";

/** Options of blocksToMarkdown. */
export interface MarkdownOptions {
  /** Rewrites an image reference found in prose (e.g. to a copied file); default: unchanged. */
  image?: (src: string) => string;
  /** Stores a figure's SVG and returns its path for an image link; without it SVG figures are omitted. */
  saveSvg?: (figure: FigureEvent) => string;
  /** Longest output kept per command (lines); the rest is elided with a marker. */
  maxOutputLines?: number;
}

const fence = (lang: string, body: string): string => {
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${body.replace(/\n+$/, "")}\n${ticks}`;
};

/** The one-line form of a check (with expected/received and the diagnosis when it failed). */
export const checkLine = (c: CheckEvent): string => {
  const icon = c.status === "pass" ? "✔" : c.status === "fail" ? "✘" : "–";
  const head = `**${icon} ${c.title}**${c.status === "skip" ? " _(não verificado: plano)_" : ""}`;
  if (c.status !== "fail") return head;
  const lines = [head, "", `- esperado: \`${c.expected.replace(/`/g, "'")}\``, `- recebido: \`${c.received.replace(/`/g, "'").slice(0, 500)}\``];
  for (const d of c.diagnoses) lines.push(`- causa provável: ${d.cause}`, `- como corrigir: ${d.fix}`);
  return lines.join("\n");
};

const elide = (text: string, max: number): string => {
  const lines = text.replace(/\n+$/, "").split("\n");
  return lines.length <= max ? lines.join("\n") : [...lines.slice(0, max), `… (${lines.length - max} linhas omitidas)`].join("\n");
};

/** Renders blocks as Markdown. */
export const blocksToMarkdown = (blocks: readonly TutorialBlock[], options: MarkdownOptions = {}): string => {
  const parts: string[] = [];
  const max = options.maxOutputLines ?? 60;
  for (const b of blocks) {
    switch (b.kind) {
      case "prose":
        parts.push(options.image ? b.markdown.replace(/(!\[[^\]]*\]\()([^)\s]+)(\))/g, (_m, a: string, src: string, z: string) => `${a}${options.image!(src)}${z}`) : b.markdown);
        break;
      case "code":
        parts.push(fence("typescript", b.source));
        break;
      case "command":
        parts.push(fence("bash", b.display));
        if (b.output.trim()) parts.push(fence("text", elide(b.output, max)));
        if (b.ok === false) parts.push("_(o comando terminou com erro)_");
        break;
      case "check":
        parts.push(checkLine(b.check));
        break;
      case "note":
        if (b.note.text) parts.push(`> ${b.note.level === "warn" ? "⚠ " : ""}${b.note.text.replace(/\n/g, "\n> ")}`);
        if (b.note.code) parts.push(fence(b.note.code.language, b.note.code.text));
        break;
      case "figure":
        if (b.figure.table) {
          const { columns, rows } = b.figure.table;
          const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
          parts.push(`**${b.figure.title}**\n\n| ${columns.map(esc).join(" | ")} |\n|${columns.map(() => "---").join("|")}|\n${rows.map((r) => `| ${r.map(esc).join(" | ")} |`).join("\n")}`);
        } else if (b.figure.svg && options.saveSvg) {
          parts.push(`![${b.figure.title}](${options.saveSvg(b.figure)})`);
        }
        break;
      case "error":
        parts.push(`> ✘ erro: ${b.text.replace(/\n/g, "\n> ")}`);
        break;
    }
  }
  return parts.join("\n\n") + "\n";
};
