// @vitest-environment happy-dom
// Model output is untrusted: whatever it says, the rendered HTML holds only the elements and
// attributes our renderer writes, and no link that can run code.
import { describe, expect, it } from 'vitest';
import pagePayloads from '../../../fixtures/xss-payloads.json?raw';
import { BlockSplitter } from './blocks';
import { isSafeUrl, renderMarkdown } from './render';

const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<details open ontoggle=alert(1)>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '[click](javascript:alert(1))',
  '[click](JAVASCRIPT:alert(1))',
  '[click](  javascript:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](java&#09;script:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](file:///etc/passwd)',
  '[click](<javascript:alert(1)>)',
  '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
  '[x](https://ok.example" onmouseover="alert(1))',
  '![x](javascript:alert(1))',
  '![x" onerror="alert(1)](https://img.example/a.png)',
  '![x](data:image/png;base64,iVBORw0KGgo=)',
  '<javascript:alert(1)>',
  'javascript:alert(1)',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '```"><script>alert(1)</script>\ncode\n```',
  '```js" onmouseover="alert(1)\ncode\n```',
  '    <script>alert(1)</script>',
  '`<script>alert(1)</script>`',
  '| <img src=x onerror=alert(1)> | b |\n|---|---|\n| <script>x</script> | [a](javascript:b) |',
  '<style>body{display:none}</style>',
  '<form action="https://evil.example"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<<script>script>alert(1)<</script>/script>',
  '<a href="https://ok.example" onclick="alert(1)">ok</a>',
  '- [x](javascript:alert(1))\n- <b onclick=alert(1)>b</b>',
  '> <img src=x onerror=alert(1)>',
  'www.example.com/<script>',
  'mailto:someone@example.com<svg/onload=alert(1)>',
];

/** The payloads the browser and e2e tests render in a real page, where they must not run. */
const PAGE_PAYLOADS: { name: string; markdown: string }[] = JSON.parse(pagePayloads);

/** Every element and attribute the renderer may write. */
const ALLOWED: Record<string, readonly string[]> = {
  a: ['href', 'title', 'rel', 'class'],
  p: [],
  br: [],
  hr: [],
  em: [],
  strong: [],
  s: [],
  code: ['class'],
  pre: [],
  span: ['class'],
  div: ['class'],
  button: ['type', 'class', 'aria-label', 'data-copy'],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['style'],
  td: ['style'],
};

function check(markdown: string): string[] {
  return checkHtml(renderMarkdown(markdown));
}

function checkHtml(html: string): string[] {
  const problems: string[] = [];
  const host = document.createElement('div');
  host.innerHTML = html;
  for (const el of host.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const allowed = ALLOWED[tag];
    if (!allowed) {
      problems.push(`element <${tag}>`);
      continue;
    }
    for (const attr of el.getAttributeNames()) {
      if (!allowed.includes(attr)) problems.push(`<${tag} ${attr}>`);
    }
    const href = el.getAttribute('href');
    if (href !== null && !/^(https?:\/\/|mailto:)/.test(href)) problems.push(`href ${href}`);
    const style = el.getAttribute('style');
    if (style !== null && !/^text-align:(left|right|center)$/.test(style)) problems.push(`style ${style}`);
  }
  return problems;
}

describe('rendering untrusted Markdown', () => {
  it.each([...XSS, ...PAGE_PAYLOADS.map((p) => p.markdown)])('is harmless: %s', (payload) => {
    expect(check(payload)).toEqual([]);
    // The same, streamed in pieces and rendered block by block as the window does.
    const splitter = new BlockSplitter();
    for (let i = 0; i < payload.length; i += 3) {
      const { groups, rest, open } = splitter.append(payload.slice(i, i + 3));
      for (const block of [...groups.flat(), ...rest, open]) expect(check(block)).toEqual([]);
    }
  });

  it('has a checker that would notice (it is not vacuous)', () => {
    expect(checkHtml('<img src=x onerror=alert(1)>')).toEqual(['element <img>']);
    expect(checkHtml('<a href="javascript:x" onclick="y">a</a>')).toEqual(['<a onclick>', 'href javascript:x']);
    expect(checkHtml('<table><tbody><tr><td style="color:red">a</td></tr></tbody></table>').length).toBeGreaterThan(0);
  });

  it('keeps the text of stripped tags visible as text', () => {
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown('<script>alert(1)</script>');
    expect(host.textContent).toContain('<script>alert(1)</script>');
  });

  it('renders headings, lists, tables, links, inline code and highlighted code', () => {
    const html = renderMarkdown(
      [
        '## Plan',
        '',
        '1. First **bold** and `inline`',
        '2. See [the docs](https://example.com/docs)',
        '',
        '| a | b |',
        '|:--|--:|',
        '| 1 | 2 |',
        '',
        '```rust',
        'fn main() { println!("hi"); }',
        '```',
      ].join('\n'),
    );
    expect(html).toContain('<h2>Plan</h2>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>inline</code>');
    expect(html).toContain('<a href="https://example.com/docs" title="https://example.com/docs" rel="noopener noreferrer">the docs</a>');
    expect(html).toContain('<th style="text-align:left">a</th>');
    expect(html).toContain('<span class="hljs-keyword">fn</span>');
    expect(html).toContain('<span class="code-lang">rust</span>');
    expect(html).toContain('data-copy');
  });

  it('turns bare addresses into links', () => {
    expect(renderMarkdown('see https://example.com now')).toContain('<a href="https://example.com"');
  });

  it('allows only http, https and mailto links', () => {
    expect(isSafeUrl('https://example.com')).toBe(true);
    expect(isSafeUrl('http://example.com')).toBe(true);
    expect(isSafeUrl('mailto:a@b.example')).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:x',
      'java\tscript:x',
      'data:text/html,x',
      'vbscript:x',
      'file:///x',
      '/relative',
      '#top',
      'ftp://x',
      'https://a b',
    ]) {
      expect(isSafeUrl(bad)).toBe(false);
    }
  });
});
