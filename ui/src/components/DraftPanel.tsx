// The live draft beside the chat: a drafting tool's editor opens at the first byte of its
// arguments and fills field by field; when the run ends it is editable and can be copied.
import { useState } from 'react';
import type { ToolStep, Turn } from '../state/types';
import { isFinished } from '../state/selectors';
import { DRAFT_TOOLS, useDraftFields } from '../drafts/useDraft';
import './DraftPanel.css';

export interface DraftPanelProps {
  turn: Turn;
  step: ToolStep;
  onClose: () => void;
}

export function DraftPanel({ turn, step, onClose }: DraftPanelProps) {
  const spec = DRAFT_TOOLS[step.name];
  const { fields, current } = useDraftFields(step);
  const streaming = !isFinished(turn) && !step.args;
  const [edited, setEdited] = useState<Record<string, string> | null>(null);
  const [copied, setCopied] = useState(false);
  const [draftId, setDraftId] = useState(step.id);

  // A new draft starts unedited (set while rendering, so the old draft's edits are never drawn).
  if (draftId !== step.id) {
    setDraftId(step.id);
    setEdited(null);
    setCopied(false);
  }

  if (!spec) return null;
  const editable = isFinished(turn);
  const valueOf = (key: string) => edited?.[key] ?? String(fields[key] ?? '');

  const copy = async () => {
    const text = spec.fields.map(({ key, label, multiline }) => (multiline ? `\n${valueOf(key)}` : `${label}: ${valueOf(key)}`)).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <aside
      className="draft-panel"
      data-testid="draft-panel"
      data-state={streaming ? 'streaming' : editable ? 'editable' : 'ready'}
      aria-label={`${spec.title} draft`}
    >
      <header className="draft-header">
        <span className="draft-title">{streaming ? `Drafting ${spec.title.toLowerCase()}…` : `${spec.title} draft`}</span>
        <div className="draft-actions">
          <button type="button" className="draft-button" onClick={copy} disabled={streaming} data-testid="draft-copy">
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" className="draft-button" onClick={onClose} aria-label="Close the draft">
            ✕
          </button>
        </div>
      </header>
      <div className="draft-fields">
        {spec.fields.map(({ key, label, multiline }) => {
          const id = `draft-${step.id}-${key}`;
          const writing = streaming && current === key;
          const props = {
            id,
            className: `draft-input${writing ? ' draft-writing' : ''}`,
            value: valueOf(key),
            readOnly: !editable,
            'data-testid': `draft-field-${key}`,
            onChange: (e: { target: { value: string } }) => setEdited((prev) => ({ ...(prev ?? {}), [key]: e.target.value })),
          };
          return (
            <label key={key} className="draft-field" htmlFor={id}>
              <span className="draft-label">{label}</span>
              {multiline ? <textarea rows={12} {...props} /> : <input type="text" {...props} />}
            </label>
          );
        })}
      </div>
      {editable && <p className="draft-note">Nothing is sent: edit the draft, then copy it where you need it.</p>}
    </aside>
  );
}
