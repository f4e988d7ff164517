// The highlighter's own thread: syntax colours for code that streams, so that highlight.js's work
// (several milliseconds for a few lines in WebKitGTK) is not done on the window's thread between
// frames. One request at a time, answered in order (see offThreadHighlight.ts).
import { highlight } from './highlight';
import type { HighlightRequest, HighlightResult } from './offThreadHighlight';

self.onmessage = (event: MessageEvent<HighlightRequest>) => {
  const { id, code, language } = event.data;
  const result: HighlightResult = { id, html: highlight(code, language) };
  postMessage(result);
};
