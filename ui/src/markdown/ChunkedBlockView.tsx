// A large block drawn from its chunks: each chunk is rendered once and never touched again; only
// the tail changes while the block grows. Chunks are block boxes where that keeps the look (code
// lines, list items), so the page lays out only the last one per frame.
import { memo } from 'react';
import './ChunkedBlock.css';
import type { ChunkedBlock } from './chunks';
import { codeClass, codeLabel, highlight, languageOf, renderInline, renderMarkdown } from './render';

const CodeChunk = memo(function CodeChunk({ code, language }: { code: string; language: string }) {
  return <span className="code-chunk" dangerouslySetInnerHTML={{ __html: highlight(code, language) }} />;
});

const InlineChunk = memo(function InlineChunk({ source }: { source: string }) {
  return <span dangerouslySetInnerHTML={{ __html: renderInline(source) }} />;
});

const ListChunk = memo(function ListChunk({ source }: { source: string }) {
  return <div className="md-list-chunk" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
});

/** Chunks per paragraph element of a long paragraph (about 7,000 characters). */
const PARA_SEGMENT = 12;

type Chunked = Exclude<ChunkedBlock, { kind: 'whole' }>;

/** The chunks and then the tail, keyed by position: the tail's element becomes its chunk when cut. */
function pieces(view: Chunked): string[] {
  return view.tail === '' ? (view.chunks as string[]) : [...view.chunks, view.tail];
}

export function ChunkedBlockView({ view }: { view: Chunked }) {
  if (view.kind === 'code') {
    const language = languageOf(view.info);
    return (
      <div className="md-block">
        <div className="code-block">
          <div className="code-head">
            <span className="code-lang">{codeLabel(view.info)}</span>
            <button type="button" className="code-copy" aria-label="Copy code" data-copy="" />
          </div>
          <pre>
            <code className={`${codeClass(view.info)} code-chunked`}>
              {pieces(view).map((code, i) => (
                <CodeChunk key={i} code={code} language={language} />
              ))}
            </code>
          </pre>
        </div>
      </div>
    );
  }
  if (view.kind === 'list') {
    return (
      <div className="md-block md-list-chunks">
        {pieces(view).map((source, i) => (
          <ListChunk key={i} source={source.trimEnd()} />
        ))}
      </div>
    );
  }
  // A paragraph's lines are laid out together, so one growing paragraph would cost more to lay out
  // with every frame: it is drawn as paragraphs of PARA_SEGMENT chunks that follow each other with
  // no gap (one line ends early where one such segment ends: every few thousand characters).
  const all = pieces(view);
  const segments: string[][] = [];
  for (let i = 0; i < all.length; i += PARA_SEGMENT) segments.push(all.slice(i, i + PARA_SEGMENT));
  return (
    <div className="md-block">
      {segments.map((segment, s) => (
        <p key={s} className={s > 0 ? 'md-para-cont' : undefined}>
          {segment.map((source, i) => (
            <InlineChunk key={i} source={source} />
          ))}
        </p>
      ))}
    </div>
  );
}
