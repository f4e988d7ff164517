// Syntax colours for code: highlight.js with the languages a fence may name. Used on the window's
// thread for code that is drawn once, and on its own thread (highlight.worker.ts) for code that
// streams. highlight.js escapes the code it wraps, so its output holds no tag the code wrote.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

/** The languages a fence may name (by these names) and get highlighted. */
const LANGUAGES = { bash, css, diff, go, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** `text` as HTML text, as markdown-it's escapeHtml makes it (here so that the worker need not load markdown-it). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

/** Whether `language` (a name from languageOf) gets colours. */
export function canHighlight(language: string): boolean {
  return language !== '' && hljs.getLanguage(language) !== undefined;
}

/** `code` as HTML: coloured when its language is known, else plain (escaped) text. */
export function highlight(code: string, language: string): string {
  if (canHighlight(language)) {
    try {
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain text
    }
  }
  return escapeHtml(code);
}
