// A provider's API key in Settings, write-only: the mask of the stored key with the origin it
// goes to, Replace and Clear, or a password field and "Store key" (for the base URL shown). The
// key itself never comes back from the shell.
import { SettingsField } from './SettingsField';

export interface SettingsKeyFieldProps {
  /** The id of the key input (or of Replace), for the field's label. */
  inputId: string;
  /** The stored key's mask (`sk-…a1b2`), or null when none is stored. */
  mask: string | null;
  /** The origin the stored key was entered for, the only one it is sent to. */
  origin: string | null;
  needsKey: boolean;
  keyInput: string;
  onKeyInput: (value: string) => void;
  /** Whether the user is typing a new key over a stored one. */
  replacing: boolean;
  onReplacing: (replacing: boolean) => void;
  onStore: () => void;
  onClear: () => void;
  /** Why the key was refused, or why it must be entered again. */
  error: string | null;
}

export function SettingsKeyField({
  inputId,
  mask,
  origin,
  needsKey,
  keyInput,
  onKeyInput,
  replacing,
  onReplacing,
  onStore,
  onClear,
  error,
}: SettingsKeyFieldProps) {
  return (
    <SettingsField controlId={inputId} label="API key">
      {mask && !replacing ? (
        <div className="settings-key-row">
          <code className="settings-key-mask" data-testid="settings-key-mask" aria-label={`Stored key ${mask}`}>
            {mask}
          </code>
          <button type="button" className="button" id={inputId} onClick={() => onReplacing(true)}>
            Replace
          </button>
          <button type="button" className="button" data-testid="settings-key-clear" onClick={onClear}>
            Clear
          </button>
        </div>
      ) : (
        <div className="settings-key-row">
          <input
            id={inputId}
            data-testid="settings-api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={needsKey ? 'Paste the key' : 'Not needed on this machine; paste one if the server wants it'}
            value={keyInput}
            aria-invalid={error ? true : undefined}
            onChange={(e) => onKeyInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                onStore();
              }
            }}
          />
          <button type="button" className="button" data-testid="settings-key-save" disabled={!keyInput.trim()} onClick={onStore}>
            Store key
          </button>
          {replacing && mask && (
            <button type="button" className="button" onClick={() => onReplacing(false)}>
              Cancel
            </button>
          )}
        </div>
      )}
      {mask && origin && (
        <p className="field-hint" data-testid="settings-key-origin">
          Sent only to {origin}, the address it was entered for.
        </p>
      )}
      <p className="field-hint">Stored at once for the base URL above, and never shown again: only its first and last characters.</p>
      {error && (
        <p className="settings-error" role="alert" data-testid="settings-key-error">
          {error}
        </p>
      )}
    </SettingsField>
  );
}
