// Streaming Markdown: completed blocks are memoised; only the last, growing block re-renders.
import { memo, useMemo, useRef } from 'react';
import { BlockSplitter, prepareOpenBlock } from './blocks';
import { renderMarkdown } from './render';

const Block = memo(function Block({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

export interface MarkdownProps {
  text: string;
  /** More text may come: the last block is shaped so it doesn't change kind as it grows. */
  streaming: boolean;
}

export function Markdown({ text, streaming }: MarkdownProps) {
  const splitter = useRef<BlockSplitter | null>(null);
  splitter.current ??= new BlockSplitter();
  const { complete, open } = useMemo(() => splitter.current!.update(text), [text]);
  const last = streaming ? prepareOpenBlock(open) : open;
  return (
    <>
      {complete.map((block, i) => (
        // A block's index never changes and a completed block's text never does.
        <Block key={i} source={block} />
      ))}
      {last !== '' && <Block key={complete.length} source={last} />}
    </>
  );
}
