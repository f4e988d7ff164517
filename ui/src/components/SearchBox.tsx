// Search across every saved message (Ctrl/Cmd+K focuses it): hits with the matching words in
// <mark>, built from the snippet's parts (never as HTML).
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../ipc';
import type { SearchHit, SnippetPart } from '../history/types';
import './SearchBox.css';

const DEBOUNCE_MS = 120;

export function Snippet({ parts }: { parts: readonly SnippetPart[] }) {
  return <>{parts.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}</>;
}

export interface SearchBoxProps {
  search: (query: string) => Promise<SearchHit[]>;
  onOpen: (conversationId: string) => void;
}

export function SearchBox({ search, onOpen }: SearchBoxProps) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ query: string; hits: SearchHit[]; error?: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // An emptied box forgets its results, so typing again starts with none.
  const changeQuery = (next: string) => {
    setQuery(next);
    if (!next.trim()) setResult(null);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    let current = true;
    const timer = setTimeout(() => {
      search(q).then(
        (hits) => current && setResult({ query: q, hits }),
        (error: unknown) => current && setResult({ query: q, hits: [], error: errorMessage(error) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, search]);

  return (
    <div className="search">
      <input
        ref={input}
        type="search"
        className="text-field search-input"
        data-testid="search-input"
        placeholder="Search chats  (Ctrl+K)"
        aria-label="Search chats"
        value={query}
        onChange={(e) => changeQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && query) {
            e.preventDefault();
            changeQuery('');
          }
        }}
      />
      {query.trim() !== '' && result && (
        <div className="search-results" role="region" aria-label="Search results">
          {result.error && <p className="search-empty">{result.error}</p>}
          {!result.error && result.hits.length === 0 && <p className="search-empty">No chats match “{result.query}”.</p>}
          <ul className="search-hits">
            {result.hits.map((hit) => (
              <li key={hit.conversation_id}>
                <button
                  type="button"
                  className="row-button search-hit"
                  data-testid="search-hit"
                  onClick={() => onOpen(hit.conversation_id)}
                >
                  <span className="search-hit-title">{hit.title}</span>
                  <span className="search-hit-snippet">
                    <Snippet parts={hit.snippet} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
