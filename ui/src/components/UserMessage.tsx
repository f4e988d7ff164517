// The user's prompt, as a bubble on the right. "Edit" turns it into a field whose text is sent
// in its place: a new branch forks at this prompt (the turns after it stay on the old branch,
// reachable through the "‹ 1 / 2 ›" picker beside it). Versions and branches are told apart by the
// prompt's text (state/branches.ts), so the edit is sent only once its text differs: the same text
// again would be another version of the answer, which is what Regenerate under it is for.
import { memo, useId, useState } from 'react';
import { PromptFiles } from '../attachments/FileChips';
import type { AttachmentInfo } from '../attachments/files';
import { VersionPicker, type VersionPickerProps } from './VersionPicker';
import './UserMessage.css';

export interface UserMessageProps {
  text: string;
  /** The files sent with the prompt (thumbnails for images, chips for other files). */
  files?: readonly AttachmentInfo[] | undefined;
  /** The conversation whose history stores the files. */
  conversationId?: string;
  /** Sends an edited prompt in this one's place; absent while a run is in progress. */
  onResend?: ((prompt: string) => void) | undefined;
  /** The branches forking at this prompt (it was edited), when there are several. */
  branches?: Omit<VersionPickerProps, 'of'> | undefined;
}

export const UserMessage = memo(function UserMessage({ text, files, conversationId = '', onResend, branches }: UserMessageProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const hintId = useId();

  if (draft !== null) {
    const unchanged = draft.trim() === text.trim();
    const send = () => {
      const prompt = draft.trim();
      if (!prompt || !onResend || unchanged) return;
      setDraft(null);
      onResend(prompt);
    };
    return (
      <div className="user-row">
        <div className="user-edit">
          <textarea
            className="user-edit-input"
            data-testid="edit-input"
            aria-label="Edit your message"
            aria-describedby={hintId}
            value={draft}
            rows={Math.min(8, Math.max(2, draft.split('\n').length))}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                send();
              } else if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setDraft(null);
              }
            }}
          />
          <p className="field-hint" id={hintId} data-testid="edit-hint">
            {unchanged
              ? 'Change the text to send it as a new branch. For another answer to the same text, use Regenerate under the answer.'
              : 'Sends a new branch from here; the turns after this message stay on the old one.'}
          </p>
          <div className="user-edit-actions">
            <button type="button" className="link-button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-small"
              data-testid="edit-send"
              onClick={send}
              aria-describedby={hintId}
              disabled={!onResend || !draft.trim() || unchanged}
            >
              Send
            </button>
          </div>
        </div>
      </div>
    );
  }

  return (
    <>
      {files && files.length > 0 && <PromptFiles conversationId={conversationId} files={files} />}
      <div className="user-row">
        {text && (
          <div className="user-bubble" data-testid="user-message">
            {text}
          </div>
        )}
        {onResend && (
          <button
            type="button"
            className="link-button user-edit-button"
            data-testid="edit-message"
            aria-label="Edit this message and send it again"
            onClick={() => setDraft(text)}
          >
            Edit
          </button>
        )}
        {branches && <VersionPicker {...branches} of="prompt" />}
      </div>
    </>
  );
});
