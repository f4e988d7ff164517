// A large block drawn from its chunks: each chunk is rendered once and never touched again; only
// the tail changes while the block grows. Chunks come in groups that never change once full (one
// memoised element each), so a frame renders the last group only, however many chunks were cut.
// Chunks are block boxes where that keeps the look (code lines, list items), so the page lays out
// only the last one per frame.
import { memo, type ReactNode } from 'react';
import './ChunkedBlock.css';
import type { ChunkedBlock } from './chunks';
import { drawnFromMarker, drawnGroups, firstDrawn, useDrawnFrom } from './drawnFromEnd';
import { useLazyGroups } from './lazyGroups';
import { useHighlightedCode } from './offThreadHighlight';
import { codeClass, codeLabel, languageOf, renderInline, renderMarkdown } from './render';

/**
 * Lines of code: the coloured part, then the part not coloured yet (plain text). `streaming` (its
 * block is): coloured on the highlighter's thread, so a new line first changes only the plain text.
 */
const CodeChunk = memo(function CodeChunk({ code, language, streaming }: { code: string; language: string; streaming: boolean }) {
  const { html, plain } = useHighlightedCode(code, language, streaming);
  return (
    <span className="code-chunk">
      <span dangerouslySetInnerHTML={{ __html: html }} />
      {plain}
    </span>
  );
});

const InlineChunk = memo(function InlineChunk({ source }: { source: string }) {
  return <span dangerouslySetInnerHTML={{ __html: renderInline(source) }} />;
});

const ListChunk = memo(function ListChunk({ source }: { source: string }) {
  return <div className="md-list-chunk" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
});

type Chunked = Exclude<ChunkedBlock, { kind: 'whole' }>;

interface GroupProps {
  chunks: readonly string[];
  /** The uncut tail when this is the last group ('' in a full group). */
  tail: string;
  /** Off screen, the group is neither laid out nor painted (see lazyGroups.ts). */
  lazy: boolean;
}

function groupClass(lazy: boolean, ...classes: string[]): string {
  return (lazy ? [...classes, 'md-chunk-group-lazy'] : classes).join(' ');
}

/** The chunks and then the tail, keyed by position: the tail's element becomes its chunk when cut. */
function pieces({ chunks, tail }: GroupProps): readonly string[] {
  return tail === '' ? chunks : [...chunks, tail];
}

/**
 * `streaming`: this is the group being filled of a streaming block (its tail's last line is plain
 * text); `blockStreaming`: its block streams (chunks are coloured on the highlighter's thread).
 */
const CodeGroup = memo(function CodeGroup({
  chunks,
  tail,
  lazy,
  language,
  streaming,
  blockStreaming,
}: GroupProps & { language: string; streaming: boolean; blockStreaming: boolean }) {
  // While the block streams, the tail's unfinished last line is plain text, and the lines before it
  // (their own chunk element, which becomes the cut chunk) are highlighted again only when a line
  // ends, not on every token, on the highlighter's thread (offThreadHighlight.ts). (A line break
  // ends a line of the code box in either element, so the two read as one.)
  const end = streaming ? tail.lastIndexOf('\n') + 1 : tail.length;
  const lines = tail.slice(0, end);
  const partial = tail.slice(end);
  return (
    <span className={groupClass(lazy, 'md-chunk-group')}>
      {pieces({ chunks, tail: lines, lazy }).map((code, i) => (
        <CodeChunk key={i} code={code} language={language} streaming={blockStreaming} />
      ))}
      {partial !== '' && <span className="code-chunk">{partial}</span>}
    </span>
  );
});

const ListGroup = memo(function ListGroup(props: GroupProps) {
  return (
    <div className={groupClass(props.lazy, 'md-chunk-group')}>
      {pieces(props).map((source, i) => (
        <ListChunk key={i} source={source.trimEnd()} />
      ))}
    </div>
  );
});

/**
 * A paragraph's group is one paragraph element; the next follows it with no gap (one line ends
 * early where a group ends: every few thousand characters).
 */
const ParaGroup = memo(function ParaGroup(props: GroupProps & { first: boolean }) {
  return (
    <p className={groupClass(props.lazy, 'md-chunk-group', ...(props.first ? [] : ['md-para-cont']))}>
      {pieces(props).map((source, i) => (
        <InlineChunk key={i} source={source} />
      ))}
    </p>
  );
});

/** `streaming`: the block is the open block of an answer that is still streaming. */
export function ChunkedBlockView({ view, streaming }: { view: Chunked; streaming: boolean }) {
  const isLazy = useLazyGroups(view.groups.length, view.rest.length);
  // Complete when first drawn: its end first, the rest above it a frame later (drawnFromEnd.ts).
  const from = useDrawnFrom(streaming, () => firstDrawn(view.groups, view.rest, view.tail));
  /** The full groups, then the group being filled (it keeps its key, and so its chunks, when it fills). */
  const groups = (group: (props: GroupProps, index: number, key: string) => ReactNode): ReactNode[] => {
    const all: ReactNode[] = [drawnFromMarker(from)];
    all.push(...drawnGroups(view.groups, from, (chunks, index, key) => group({ chunks, tail: '', lazy: isLazy(index) }, index, key)));
    if (view.rest.length > 0 || view.tail !== '') {
      const index = view.groups.length;
      all.push(group({ chunks: view.rest, tail: view.tail, lazy: false }, index, String(index)));
    }
    return all;
  };
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
              {groups((props, i, key) => (
                <CodeGroup
                  key={key}
                  {...props}
                  language={language}
                  streaming={streaming && i === view.groups.length}
                  blockStreaming={streaming}
                />
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
        {groups((props, _i, key) => (
          <ListGroup key={key} {...props} />
        ))}
      </div>
    );
  }
  return (
    <div className="md-block">
      {groups((props, i, key) => (
        <ParaGroup key={key} {...props} first={i === 0} />
      ))}
    </div>
  );
}
