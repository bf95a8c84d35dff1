/**
 * HTML for what a notebook page shows: code highlighted with the same classes CodeMirror uses
 * in the page (lezer's TypeScript grammar, @lezer/highlight's classHighlighter), and outputs
 * as Jupyter shows them (an image, then markdown, then text). The build writes it into the
 * pages; the page uses the same functions for fresh outputs.
 */
import { classHighlighter, highlightCode } from "@lezer/highlight";
import { parser } from "@lezer/javascript";
import { joinText, type Output } from "./jupyter.ts";
import { markdownRenderer } from "./markdown.ts";

const typescript = parser.configure({ dialect: "ts" });

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A code cell's source as highlighted HTML (spans with tok-* classes). */
export function highlight(code: string): string {
  let html = "";
  highlightCode(
    code,
    typescript.parse(code),
    classHighlighter,
    (text, classes) => {
      html += classes ? `<span class="${classes}">${escapeHtml(text)}</span>` : escapeHtml(text);
    },
    () => html += "\n",
  );
  return html;
}

let markdown: ReturnType<typeof markdownRenderer> | undefined;
/** Markdown inside an output (its headings get ids of their own, prefixed). */
function outputMarkdown(text: string): string {
  markdown ??= markdownRenderer();
  markdown.reset();
  return markdown.render(text).replace(/ id="/g, ' id="output-');
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** One MIME bundle, by Jupyter's order of preference. */
export function renderBundle(data: Record<string, unknown>): string {
  const alt = escapeHtml(joinText(data["text/plain"] ?? "output"));
  if (data["image/svg+xml"] !== undefined) {
    const svg = base64Utf8(joinText(data["image/svg+xml"]));
    return `<img class="svg" alt="${alt}" src="data:image/svg+xml;base64,${svg}">`;
  }
  if (data["image/png"] !== undefined) {
    const png = joinText(data["image/png"]).replace(/\s/g, "");
    return `<img class="png" alt="${alt}" src="data:image/png;base64,${png}">`;
  }
  if (data["text/markdown"] !== undefined) {
    return `<div class="markdown">${outputMarkdown(joinText(data["text/markdown"]))}</div>`;
  }
  if (data["text/html"] !== undefined) {
    return `<div class="html">${joinText(data["text/html"])}</div>`;
  }
  if (data["text/plain"] !== undefined) return `<pre>${alt}</pre>`;
  return `<pre class="unknown">(an output of type ${
    escapeHtml(Object.keys(data).join(", "))
  })</pre>`;
}

/** One output, in a div that says its kind. */
export function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<div class="output stream ${output.name}"><pre>${
        escapeHtml(joinText(output.text))
      }</pre></div>`;
    case "error": {
      const text = output.traceback.length
        ? output.traceback.join("\n")
        : `${output.ename}: ${output.evalue}`;
      return `<div class="output error" role="alert"><pre>${escapeHtml(text)}</pre></div>`;
    }
    default:
      return `<div class="output ${output.output_type}">${renderBundle(output.data)}</div>`;
  }
}

export function renderOutputs(outputs: readonly Output[]): string {
  return outputs.map(renderOutput).join("");
}
