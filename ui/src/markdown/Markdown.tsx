// Streaming Markdown: completed blocks are memoised; only the last, growing block re-renders, and
// a large block re-renders only its last chunk (see chunks.ts), so the work per frame stays small
// however long the answer grows.
import { Fragment, memo, useMemo, useState } from 'react';
import type { GrowingText } from '../state/growingText';
import { BlockSplitter, prepareOpenBlock } from './blocks';
import { ChunkedBlockView } from './ChunkedBlockView';
import { BlockChunker } from './chunks';
import { renderMarkdown } from './render';
import './Markdown.css';
import './code.css';

const WholeBlock = memo(function WholeBlock({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

/**
 * One top-level block. A block keeps its key (its index) from the moment it opens until the
 * answer ends, so its chunker sees it grow (each text an extension of the last) and never starts
 * over.
 */
const Block = memo(function Block({ source, open }: { source: string; open: boolean }) {
  // One chunker for the block's life: it remembers what it cut (useState keeps the instance).
  const [chunker] = useState(() => new BlockChunker());
  const view = useMemo(() => chunker.update(source), [chunker, source]);
  if (view.kind === 'whole') return <WholeBlock source={open ? prepareOpenBlock(source) : source} />;
  return <ChunkedBlockView view={view} />;
});

export interface MarkdownProps {
  text: GrowingText;
  /** More text may come: the last block is shaped so it doesn't change kind as it grows. */
  streaming: boolean;
}

export function Markdown({ text, streaming }: MarkdownProps) {
  // One splitter for the answer's life: it reads only the text that arrived since the last update.
  const [splitter] = useState(() => new BlockSplitter());
  const { complete, open, generation } = useMemo(() => splitter.update(text), [splitter, text]);
  return (
    // A text that was replaced rather than extended is drawn afresh (new blocks, new chunkers).
    <Fragment key={generation}>
      {complete.map((block, i) => (
        // A block's index never changes and a completed block's text never does.
        <Block key={i} source={block} open={false} />
      ))}
      {open !== '' && <Block key={complete.length} source={open} open={streaming} />}
    </Fragment>
  );
}
