// Markdown to HTML for model output, which is untrusted.
//
// Safe by construction: markdown-it with `html: false` escapes every tag the text contains, so the
// only elements in the output are the ones its renderer (and ours below) write; links are checked
// against an allowlist of schemes (http, https, mailto) and anything else stays plain text; images
// become links (no remote load from an answer); code is highlighted by highlight.js, which escapes it.
// `markdown.test.ts` checks a list of XSS payloads against an allowlist of elements and attributes.
import MarkdownIt from 'markdown-it';
import { highlight } from './highlight';

/** The schemes a link in an answer may have; they open in the system browser. */
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

export function isSafeUrl(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): the C0 and
  // C1 controls (U+0000–U+001F, U+007F–U+009F) and the space.
  const compact = url.replace(/[\p{Cc} ]/gu, '');
  return SAFE_URL.test(compact) && compact === url.trim();
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

md.validateLink = (url) => isSafeUrl(url);

// Links: keep the address visible on hover; clicks are handled by the answer (system browser).
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  const href = token.attrGet('href') ?? '';
  token.attrSet('title', href);
  token.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

// Images: a link to the picture, not a request from the app to whatever host the model named.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = token.content || src;
  const esc = md.utils.escapeHtml;
  return `<a href="${esc(src)}" title="${esc(src)}" rel="noopener noreferrer" class="md-image-link">${esc(`🖼 ${alt}`)}</a>`;
};

const LANGUAGE_ALIASES: Record<string, string> = {
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  py: 'python',
  rs: 'rust',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  html: 'xml',
  svg: 'xml',
  yml: 'yaml',
  golang: 'go',
  patch: 'diff',
};

export function languageOf(info: string): string {
  const word = info.trim().split(/\s+/, 1)[0]!.toLowerCase();
  return LANGUAGE_ALIASES[word] ?? word;
}

/** What a code block's header says: the first word of its info string. */
export function codeLabel(info: string): string {
  return info.trim().split(/\s+/, 1)[0] ?? '';
}

// Code blocks: a header with the language and a Copy button (its label is CSS-generated, so the
// answer's text stays the answer), then the highlighted code.
md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const esc = md.utils.escapeHtml;
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang">${esc(codeLabel(token.info))}</span>` +
    `<button type="button" class="code-copy" aria-label="Copy code" data-copy=""></button></div>` +
    `<pre><code class="${codeClass(token.info)}">${highlight(token.content, languageOf(token.info))}</code></pre></div>\n`
  );
};

// Indented code blocks look like fenced ones, without a language.
md.renderer.rules.code_block = (tokens, idx) => {
  const token = tokens[idx]!;
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang"></span>` +
    `<button type="button" class="code-copy" aria-label="Copy code" data-copy=""></button></div>` +
    `<pre><code class="hljs">${md.utils.escapeHtml(token.content)}</code></pre></div>\n`
  );
};

// Tables scroll sideways inside the column rather than widening it.
md.renderer.rules.table_open = () => '<div class="table-scroll"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';

/** A paragraph's inline content (no `<p>`), for a long paragraph rendered in chunks. */
export function renderInline(source: string): string {
  return md.renderInline(source);
}

/** The class of a code block's `<code>`: `hljs`, and the language when it names one. */
export function codeClass(info: string): string {
  const safeClass = languageOf(info).replace(/[^\w+#-]/g, '');
  return `hljs${safeClass ? ` language-${safeClass}` : ''}`;
}

/** One block of Markdown as HTML (safe to insert; see the top of this file). */
export function renderMarkdown(source: string): string {
  return md.render(source).trimEnd();
}
