// Streaming Markdown: completed blocks are memoised, in groups that never change once full (so a
// frame renders and lays out the last group, not every block of a long answer); only the last,
// growing block re-renders, and a large block re-renders only its last chunk (see chunks.ts), so the
// work per frame stays small however long the answer grows.
import { Fragment, memo, useMemo, useState } from 'react';
import type { GrowingText } from '../state/growingText';
import { BlockSplitter, prepareOpenBlock } from './blocks';
import { ChunkedBlockView } from './ChunkedBlockView';
import { BlockChunker } from './chunks';
import { drawnFromMarker, drawnGroups, firstDrawn, useDrawnFrom } from './drawnFromEnd';
import { useLazyGroups } from './lazyGroups';
import { renderMarkdown } from './render';
import './Markdown.css';
import './code.css';

const WholeBlock = memo(function WholeBlock({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

/**
 * One top-level block. A block keeps its key (its index in its group, in a group keyed by its
 * index) from the moment it opens until the answer ends, so its chunker sees it grow (each text an
 * extension of the last) and never starts over.
 */
const Block = memo(function Block({ source, open }: { source: string; open: boolean }) {
  // One chunker for the block's life: it remembers what it cut (useState keeps the instance).
  const [chunker] = useState(() => new BlockChunker());
  const view = useMemo(() => chunker.update(source), [chunker, source]);
  if (view.kind === 'whole') return <WholeBlock source={open ? prepareOpenBlock(source) : source} />;
  return <ChunkedBlockView view={view} streaming={open} />;
});

const NO_BLOCKS: readonly string[] = [];

interface BlockGroupProps {
  blocks: readonly string[];
  open: string;
  streaming: boolean;
  /** Off screen, the group is neither laid out nor painted (see lazyGroup). */
  lazy: boolean;
}

/**
 * Completed blocks, and the open block when it belongs to this group. A full group's props never
 * change again (the same array, no open block), so it is rendered once.
 */
const BlockGroup = memo(function BlockGroup({ blocks, open, streaming, lazy }: BlockGroupProps) {
  // A block's index never changes and a completed block's text never does.
  const elements = blocks.map((block, i) => <Block key={i} source={block} open={false} />);
  // The open block in the same list: it keeps its key, and so its element, when it completes.
  if (open !== '') elements.push(<Block key={blocks.length} source={open} open={streaming} />);
  return <div className={lazy ? 'md-group md-group-lazy' : 'md-group'}>{elements}</div>;
});

export interface MarkdownProps {
  text: GrowingText;
  /** More text may come: the last block is shaped so it doesn't change kind as it grows. */
  streaming: boolean;
}

export function Markdown({ text, streaming }: MarkdownProps) {
  // One splitter for the answer's life: it reads only the text that arrived since the last update.
  const [splitter] = useState(() => new BlockSplitter());
  const { groups, rest, open, generation } = useMemo(() => splitter.update(text), [splitter, text]);
  const isLazy = useLazyGroups(groups.length, rest.length);
  // Complete when first drawn: its end first, the rest above it a frame later (drawnFromEnd.ts).
  const from = useDrawnFrom(streaming, () => firstDrawn(groups, rest, open));
  const elements = drawnGroups(groups, from, (blocks, index, key) => (
    <BlockGroup key={key} blocks={blocks} open="" streaming={false} lazy={isLazy(index)} />
  ));
  // The group being filled, in the same list: it keeps its key, and so its blocks, when it fills.
  if (rest.length > 0 || open !== '') {
    const blocks = rest.length > 0 ? rest : NO_BLOCKS;
    elements.push(<BlockGroup key={groups.length} blocks={blocks} open={open} streaming={streaming} lazy={false} />);
  }
  // A text that was replaced rather than extended is drawn afresh (new blocks, new chunkers).
  return (
    <Fragment key={generation}>
      {drawnFromMarker(from)}
      {elements}
    </Fragment>
  );
}
