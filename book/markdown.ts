/**
 * Markdown as the book shows it, at build time (the notebooks' markdown cells) and in the page
 * (a cell's fresh text/markdown outputs): markdown-it, with $…$ and $$…$$ typeset by KaTeX
 * (markdown-it-texmath) and an id on every heading so that other pages can link to a section.
 */
import katex from "katex";
import MarkdownIt from "markdown-it";
import texmath from "markdown-it-texmath";

// Inline $…$ may continue on the next line of its paragraph, as Jupyter's renderer allows
// (texmath's rule stops at a line break).
const inline = (texmath as unknown as {
  rules: { dollars: { inline: { name: string; rex: RegExp }[] } };
}).rules.dollars.inline.find((rule) => rule.name === "math_inline");
if (inline) inline.rex = /\$((?:[^\s\\])|(?:\S[\s\S]*?[^\s\\]))\$/gy;

/** A heading's anchor: its words, lower case, joined by hyphens (maths by its TeX source). */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "section";
}

/** A markdown renderer; `seen` keeps heading ids unique within one page. */
export function markdownRenderer(): { render(text: string): string; reset(): void } {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.use(texmath, {
    engine: katex,
    delimiters: "dollars",
    katexOptions: { throwOnError: false, strict: "ignore" },
  });
  const seen = new Map<string, number>();
  md.core.ruler.push("heading_ids", (state) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].type !== "heading_open") continue;
      const inline = tokens[i + 1];
      const base = slug(inline.content);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      tokens[i].attrSet("id", n === 0 ? base : `${base}-${n + 1}`);
    }
    return true;
  });
  return {
    render: (text: string) => md.render(text),
    reset: () => seen.clear(),
  };
}
