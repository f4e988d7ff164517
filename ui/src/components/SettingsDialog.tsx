// The Settings screen: providers (preset, base URL, model, Anthropic's extended thinking, write-only API key,
// "Test connection") and the sections below. Keys go to the shell once and never come back: only their masks show.
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { keepTabInside } from '../focusTrap';
import { errorMessage } from '../ipc';
import type { Preset, ProviderEntry, Settings, SettingsBackend, SettingsView, TestResult } from '../settings/types';
import { commandMessage, fieldError, type FieldError } from '../settings/fieldError';
import { SettingsBudgets } from './SettingsBudgets';
import { SettingsPrices } from './SettingsPrices';
import { SettingsLocalServers } from './SettingsLocalServers';
import { SettingsAnswering } from './SettingsAnswering';
import { SettingsKeyField } from './SettingsKeyField';
import { mergeImported, SettingsMcp } from './SettingsMcp';
import { SettingsThinking } from './SettingsThinking';
import { SettingsTools } from './SettingsTools';
import { SettingsField } from './SettingsField';
import { SettingsSection } from './SettingsSection';
import './SettingsDialog.css';

export interface SettingsDialogProps {
  backend: SettingsBackend;
  onClose: () => void;
  /** After a save or a key change: the provider the app answers with may have changed. */
  onChanged?: (view: SettingsView) => void;
}

type Test = { state: 'idle' } | { state: 'testing' } | { state: 'done'; result: TestResult };

function entry(settings: Settings, id: string): ProviderEntry {
  return settings.providers.find((p) => p.id === id) ?? { id, base_url: '', model: '' };
}

export function SettingsDialog({ backend, onClose, onChanged }: SettingsDialogProps) {
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string>('');
  const [keyInput, setKeyInput] = useState('');
  const [replacing, setReplacing] = useState(false);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [models, setModels] = useState<string[]>([]);
  const [test, setTest] = useState<Test>({ state: 'idle' });
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // A refusal about one provider's base URL or key, shown beside that field.
  const [fieldErr, setFieldErr] = useState<FieldError | null>(null);
  const [saved, setSaved] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const ids = useId();

  const adopt = useCallback((next: SettingsView, replaceDraft: boolean) => {
    setView(next);
    if (replaceDraft) setDraft(next.settings);
  }, []);

  useEffect(() => {
    let disposed = false;
    backend.get().then(
      (v) => {
        if (disposed) return;
        adopt(v, true);
        setSelected(v.settings.default_provider);
      },
      (error: unknown) => !disposed && setLoadError(errorMessage(error)),
    );
    return () => {
      disposed = true;
    };
  }, [backend, adopt]);

  // Focus moves into the dialog and back to where it was when the dialog goes.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    return () => before?.focus?.();
  }, []);

  const preset: Preset | undefined = view?.presets.find((p) => p.id === selected);
  const current = draft && selected ? entry(draft, selected) : undefined;
  const baseUrl = current?.base_url ?? '';

  // The server's models, once the base URL has settled.
  useEffect(() => {
    if (!selected) return;
    let disposed = false;
    const timer = setTimeout(() => {
      backend.listModels(selected, baseUrl || undefined).then(
        (list) => !disposed && setModels(list),
        () => !disposed && setModels([]),
      );
    }, 300);
    return () => {
      disposed = true;
      clearTimeout(timer);
    };
  }, [backend, selected, baseUrl]);

  // Another provider: nothing of the previous one's key entry or test stays.
  const selectProvider = (id: string) => {
    setSelected(id);
    setTest({ state: 'idle' });
    setKeyInput('');
    setReplacing(false);
    setKeyError(null);
  };

  const editProvider = (patch: Partial<ProviderEntry>) => {
    setSaved(false);
    setDraft((d) => d && { ...d, providers: d.providers.map((p) => (p.id === selected ? { ...p, ...patch } : p)) });
  };
  const edit = (patch: Partial<Settings>) => {
    setSaved(false);
    setDraft((d) => d && { ...d, ...patch });
  };

  // A pasted MCP block was merged and saved by the shell: its servers join the draft.
  const mcpImported = (next: SettingsView) => {
    const before = view?.settings.mcp_servers ?? {};
    setDraft((d) => d && { ...d, mcp_servers: mergeImported(d.mcp_servers, before, next.settings.mcp_servers) });
    adopt(next, false);
    onChanged?.(next);
  };

  const storeKey = async () => {
    const key = keyInput.trim();
    // The key leaves the page's state at once, whatever the shell answers.
    setKeyInput('');
    if (!key) return;
    setKeyError(null);
    try {
      // For the base URL on screen: the key will go only to its origin.
      const next = await backend.setApiKey(selected, key, current?.base_url || undefined);
      adopt(next, false);
      setReplacing(false);
      setFieldErr(null);
      onChanged?.(next);
    } catch (error) {
      const field = fieldError(error);
      if (field) setFieldErr(field);
      else setKeyError(errorMessage(error));
    }
  };

  const clearKey = async () => {
    setKeyError(null);
    try {
      const next = await backend.clearApiKey(selected);
      adopt(next, false);
      onChanged?.(next);
    } catch (error) {
      setKeyError(errorMessage(error));
    }
  };

  const runTest = async () => {
    if (!current) return;
    setTest({ state: 'testing' });
    try {
      const result = await backend.testConnection(selected, current.base_url || undefined, current.model || undefined);
      setTest({ state: 'done', result });
    } catch (error) {
      setTest({ state: 'done', result: { ok: false, code: null, message: errorMessage(error) } });
    }
  };

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    setFieldErr(null);
    // A key typed but not stored goes with the save, for the new base URL; it leaves the page's
    // state at once, whatever the shell answers.
    const pending = keyInput.trim();
    setKeyInput('');
    try {
      const next = await backend.save(draft, pending ? { [selected]: pending } : undefined);
      adopt(next, true);
      if (pending) setReplacing(false);
      setSaved(true);
      onChanged?.(next);
    } catch (error) {
      const field = fieldError(error);
      if (field) {
        // The provider whose field is wrong comes into view, with the error beside the field.
        if (field.provider !== selected) selectProvider(field.provider);
        setFieldErr(field);
        // The key must be entered again: its field opens, with the reason beside it.
        if (field.field === 'api_key') setReplacing(true);
        const name = view?.presets.find((p) => p.id === field.provider)?.name ?? field.provider;
        setSaveError(`Not saved: see ${name} above.`);
      } else {
        setSaveError(commandMessage(error));
      }
    } finally {
      setSaving(false);
    }
  };

  /** The refusal about `field` of the provider in view, if any. */
  const errorAt = (field: FieldError['field']) =>
    fieldErr && fieldErr.provider === selected && fieldErr.field === field ? fieldErr.message : null;

  // Esc closes; Tab stays inside the dialog.
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (dialogRef.current) keepTabInside(e, dialogRef.current);
  };

  const mask = view?.keys[selected] ?? null;
  const isOffline = preset?.api === 'offline';

  return (
    <div className="settings-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="settings-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        data-testid="settings-dialog"
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="settings-header">
          <h2 id={`${ids}-title`}>Settings</h2>
          <button type="button" className="button settings-close" aria-label="Close settings" onClick={onClose}>
            ×
          </button>
        </header>
        {loadError && (
          <p className="banner banner-error" role="alert">
            Can't read the settings: {loadError}
          </p>
        )}
        {!view || !draft ? (
          !loadError && <p className="settings-loading">Loading…</p>
        ) : (
          <div className="settings-body">
            <p
              className={view.key_storage === 'file' ? 'settings-notice settings-notice-warning' : 'settings-notice'}
              data-testid="settings-key-storage"
              data-storage={view.key_storage}
            >
              {view.key_storage === 'keychain'
                ? 'API keys are kept in the system keychain.'
                : `No system keychain is available: API keys are kept in a file only you can read (${view.key_file ?? 'in the data folder'}).`}
            </p>
            {view.env_override && (
              <p className="settings-notice settings-notice-warning" data-testid="settings-env-override">
                {view.env_override}
              </p>
            )}

            <SettingsSection headingId={`${ids}-providers`} title="Providers">
              <SettingsField controlId={`${ids}-provider`} label="Provider">
                <select
                  id={`${ids}-provider`}
                  data-testid="settings-provider"
                  value={selected}
                  onChange={(e) => selectProvider(e.target.value)}
                >
                  {view.presets.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                      {p.id === draft.default_provider ? ' (default)' : ''}
                    </option>
                  ))}
                </select>
              </SettingsField>
              {current && !isOffline && (
                <>
                  <SettingsField controlId={`${ids}-base-url`} label="Base URL">
                    <input
                      id={`${ids}-base-url`}
                      data-testid="settings-base-url"
                      type="url"
                      spellCheck={false}
                      autoComplete="off"
                      placeholder={preset?.base_url || 'https://…/v1'}
                      value={current.base_url}
                      aria-invalid={errorAt('base_url') ? true : undefined}
                      onChange={(e) => {
                        setFieldErr(null);
                        editProvider({ base_url: e.target.value });
                      }}
                    />
                    {errorAt('base_url') && (
                      <p className="settings-error" role="alert" data-testid="settings-base-url-error">
                        {errorAt('base_url')}
                      </p>
                    )}
                  </SettingsField>
                  <SettingsField controlId={`${ids}-model`} label="Model">
                    <input
                      id={`${ids}-model`}
                      data-testid="settings-model"
                      list={`${ids}-models`}
                      spellCheck={false}
                      autoComplete="off"
                      placeholder={models.length ? `${models.length} models on the server, or type one` : 'Type a model name'}
                      value={current.model}
                      onChange={(e) => editProvider({ model: e.target.value })}
                    />
                    <datalist id={`${ids}-models`} data-testid="settings-models">
                      {models.map((m) => (
                        <option key={m} value={m} />
                      ))}
                    </datalist>
                  </SettingsField>
                  <SettingsThinking
                    ids={ids}
                    preset={preset}
                    entry={current}
                    error={errorAt('thinking_budget')}
                    onChange={(thinking_budget) => {
                      setFieldErr(null);
                      editProvider({ thinking_budget });
                    }}
                  />
                  <SettingsKeyField
                    inputId={`${ids}-key`}
                    mask={mask}
                    origin={view.key_origins[selected] ?? null}
                    needsKey={!!preset?.needs_key}
                    keyInput={keyInput}
                    onKeyInput={setKeyInput}
                    replacing={replacing}
                    onReplacing={setReplacing}
                    onStore={() => void storeKey()}
                    onClear={() => void clearKey()}
                    error={keyError ?? errorAt('api_key')}
                  />
                </>
              )}
              {isOffline && <p className="field-hint">The built-in demo answers without a network or a key.</p>}
              <div className="settings-test-row">
                <button
                  type="button"
                  className="button"
                  data-testid="settings-test"
                  disabled={test.state === 'testing'}
                  onClick={() => void runTest()}
                >
                  {test.state === 'testing' ? 'Testing…' : 'Test connection'}
                </button>
                <span role="status" data-testid="settings-test-result" data-ok={test.state === 'done' ? String(test.result.ok) : undefined}>
                  {test.state === 'done' &&
                    (test.result.ok ? (
                      <span className="settings-ok">✓ {test.result.message}</span>
                    ) : (
                      <span className="settings-error">
                        ✗ {test.result.code && <code>{test.result.code}</code>} {test.result.message}
                      </span>
                    ))}
                </span>
              </div>
            </SettingsSection>

            <SettingsLocalServers ids={ids} backend={backend} draft={draft} edit={edit} />
            <SettingsAnswering ids={ids} view={view} draft={draft} edit={edit} />
            <SettingsBudgets ids={ids} draft={draft} edit={edit} />
            <SettingsPrices ids={ids} draft={draft} edit={edit} />
            <SettingsTools view={view} draft={draft} edit={edit} />
            <SettingsMcp backend={backend} view={view} draft={draft} edit={edit} onImported={mcpImported} />
          </div>
        )}
        <footer className="settings-footer">
          {saveError && (
            <p className="settings-error" role="alert">
              {saveError}
            </p>
          )}
          {saved && !saveError && (
            <p className="settings-ok" role="status">
              Saved. New chats use these settings.
            </p>
          )}
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="settings-save"
            disabled={!draft || saving}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
        </footer>
      </div>
    </div>
  );
}
