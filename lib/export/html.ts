// Renders tutorial blocks as one self-contained HTML page for reading: styled prose, highlighted commands and outputs,
// check badges, figures and images embedded (no external requests).
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import typescript from "highlight.js/lib/languages/typescript";
import yaml from "highlight.js/lib/languages/yaml";
import MarkdownIt from "markdown-it";
import { escapeHtml } from "../display/text.js";
import type { CheckEvent, FigureEvent } from "../run/events.js";
import type { TutorialBlock } from "./blocks.js";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("yaml", yaml);

const highlight = (code: string, lang: string): string =>
  lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value : escapeHtml(code);

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, highlight: (code, lang) => highlight(code, lang) });
// Our own embedded images (data: URIs we built from the project's files) are allowed; an <img> never runs SVG scripts.
const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url: string) => /^data:image\/(svg\+xml|png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(url) || defaultValidateLink(url);

/** Options of blocksToHtml. */
export interface HtmlOptions {
  title: string;
  /** Resolves an image reference in prose to a data: URI (or returns it unchanged). */
  image?: (src: string) => string;
}

const CSS = `
body{font-family:Georgia,'Times New Roman',serif;line-height:1.6;color:#1f2328;max-width:52rem;margin:2rem auto;padding:0 1rem;background:#fff}
h1,h2,h3,h4{font-family:system-ui,sans-serif;line-height:1.25;margin-top:2rem}
code,pre{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.86rem}
pre{padding:.7rem .9rem;border-radius:6px;overflow:auto;white-space:pre-wrap;word-break:break-word}
pre.cmd{background:#0d1117;color:#e6edf3;border-left:4px solid #2f81f7}
pre.cmd.failed{border-left-color:#cf222e}
pre.out{background:#f6f8fa;color:#24292f;max-height:30rem;margin-top:-.4rem}
pre.code{background:#fbfbfb;border:1px solid #eee}
blockquote{margin:1rem 0;padding:.3rem 1rem;border-left:4px solid #d0d7de;color:#57606a;background:#f9fafb}
img{max-width:100%;height:auto}
table{border-collapse:collapse;margin:1rem 0;font-family:system-ui,sans-serif;font-size:.9rem}
td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
.check{font-family:system-ui,sans-serif;margin:.4rem 0;padding:.35rem .7rem;border-radius:6px;font-size:.92rem}
.check .badge{display:inline-block;min-width:1.4rem;font-weight:700}
.check.pass{background:#dafbe1;color:#116329}.check.fail{background:#ffebe9;color:#a40e26}.check.skip{background:#eaeef2;color:#57606a}
.check dl{margin:.3rem 0 0 1.4rem}.check dt{font-weight:600}.check dd{margin:0 0 .2rem 0;font-family:ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap}
.note{font-family:system-ui,sans-serif;font-size:.92rem}
.hljs-keyword,.hljs-built_in{color:#ff7b72}.hljs-string{color:#a5d6ff}.hljs-variable,.hljs-template-variable{color:#ffa657}.hljs-comment{color:#8b949e}.hljs-attr{color:#79c0ff}.hljs-number{color:#79c0ff}
pre.code .hljs-keyword{color:#cf222e}pre.code .hljs-string{color:#0a3069}pre.code .hljs-comment{color:#6e7781}
figure{margin:1rem 0}figcaption{font-family:system-ui,sans-serif;font-weight:600;margin-bottom:.3rem}
`;

const checkHtml = (c: CheckEvent): string => {
  const icon = c.status === "pass" ? "✔" : c.status === "fail" ? "✘" : "–";
  const details =
    c.status === "fail"
      ? `<dl><dt>esperado</dt><dd>${escapeHtml(c.expected)}</dd><dt>recebido</dt><dd>${escapeHtml(c.received)}</dd>${c.diagnoses
          .map((d) => `<dt>causa provável</dt><dd>${escapeHtml(d.cause)}</dd><dt>como corrigir</dt><dd>${escapeHtml(d.fix)}</dd>`)
          .join("")}</dl>`
      : "";
  return `<div class="check ${c.status}"><span class="badge">${icon}</span>${escapeHtml(c.title)}${c.status === "skip" ? " <em>(não verificado: plano)</em>" : ""}${details}</div>`;
};

const figureHtml = (f: FigureEvent): string => {
  if (f.svg) return `<figure><figcaption>${escapeHtml(f.title)}</figcaption>${f.svg}</figure>`;
  if (!f.table) return "";
  const th = f.table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const rows = f.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("");
  return `<figure><figcaption>${escapeHtml(f.title)}</figcaption><table><tr>${th}</tr>${rows}</table></figure>`;
};

/** Renders blocks as a complete HTML document. */
export const blocksToHtml = (blocks: readonly TutorialBlock[], options: HtmlOptions): string => {
  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case "prose": {
          const src = options.image ? b.markdown.replace(/(!\[[^\]]*\]\()([^)\s]+)(\))/g, (_m, a: string, s: string, z: string) => `${a}${options.image!(s)}${z}`) : b.markdown;
          return md.render(src);
        }
        case "code":
          return `<pre class="code"><code>${highlight(b.source, "typescript")}</code></pre>`;
        case "command":
          return `<pre class="cmd${b.ok === false ? " failed" : ""}"><code>${highlight(b.display, "bash")}</code></pre>${b.output.trim() ? `<pre class="out"><code>${escapeHtml(b.output.replace(/\n+$/, ""))}</code></pre>` : ""}`;
        case "check":
          return checkHtml(b.check);
        case "note":
          return (
            (b.note.text ? `<blockquote class="note">${b.note.level === "warn" ? "⚠ " : ""}${escapeHtml(b.note.text)}</blockquote>` : "") +
            (b.note.code ? `<pre class="${b.note.code.language === "bash" ? "cmd" : "code"}"><code>${highlight(b.note.code.text.replace(/\n+$/, ""), b.note.code.language)}</code></pre>` : "")
          );
        case "figure":
          return figureHtml(b.figure);
        case "error":
          return `<div class="check fail"><span class="badge">✘</span>${escapeHtml(b.text)}</div>`;
      }
    })
    .join("\n");
  return `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
};
