// Settings › MCP servers: each configured server with where it is (starting, ready with its tools,
// failed and why, disabled), an on/off switch, its tools on or off, and Remove (all edits of the
// draft, saved with the dialog's Save); and "Add servers", which merges a pasted
// claude_desktop_config.json block and saves it at once. While the dialog is open the servers'
// status is asked for about once a second (`mcp_status`, cheap); closing it stops that.
import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { errorMessage } from '../ipc';
import type { McpServer, McpServerStatus, Settings, SettingsBackend, SettingsView } from '../settings/types';
import { SettingsField } from './SettingsField';
import './SettingsMcp.css';

/** How often the servers' status is asked for while Settings is open. */
export const MCP_POLL_MS = 1000;

export interface SettingsMcpProps {
  backend: Pick<SettingsBackend, 'importMcpServers' | 'mcpStatus'>;
  view: SettingsView;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
  /** A pasted block was merged and saved: the shell's new view. */
  onImported: (next: SettingsView) => void;
}

type Servers = Settings['mcp_servers'];

/**
 * The draft's servers after an import: those the import added or changed come from the shell's
 * answer; the others keep their unsaved edits (a server removed in the draft stays removed).
 */
export function mergeImported(draft: Servers, before: Servers, after: Servers): Servers {
  const merged = { ...draft };
  for (const [name, server] of Object.entries(after)) {
    const old = before[name];
    if (!old || JSON.stringify(old) !== JSON.stringify(server)) merged[name] = server;
  }
  return merged;
}

/** A server's tools by their own names: those it offers (`<server>__<tool>`) and those turned off. */
export function ownToolNames(name: string, offered: readonly string[], disabled: readonly string[]): string[] {
  const prefix = `${name}__`;
  const own = offered.map((t) => (t.startsWith(prefix) ? t.slice(prefix.length) : t));
  for (const off of disabled) if (!own.includes(off)) own.push(off);
  return own;
}

/** The status badge's words. */
export function statusLabel(status: McpServerStatus | undefined): string {
  switch (status?.state.state) {
    case undefined:
      return 'Not started';
    case 'disabled':
      return 'Disabled';
    case 'starting':
      return 'Starting…';
    case 'ready': {
      const n = status.state.tools.length;
      return `Ready · ${n} ${n === 1 ? 'tool' : 'tools'}`;
    }
    case 'failed':
      return 'Failed';
  }
}

/** The status list, asked for every `MCP_POLL_MS` while mounted; a new view's list replaces it. */
function useMcpStatus(backend: SettingsMcpProps['backend'], fromView: McpServerStatus[]): McpServerStatus[] {
  const [polled, setPolled] = useState<{ basis: McpServerStatus[]; list: McpServerStatus[] } | null>(null);
  const basis = useRef(fromView);
  useEffect(() => {
    basis.current = fromView;
  }, [fromView]);
  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      const asked = basis.current;
      // One question at a time: the next is asked a second after this one is answered.
      void backend
        .mcpStatus()
        .then(
          (list) => !disposed && setPolled({ basis: asked, list }),
          () => {},
        )
        .finally(() => {
          if (!disposed) timer = setTimeout(poll, MCP_POLL_MS);
        });
    };
    timer = setTimeout(poll, MCP_POLL_MS);
    return () => {
      disposed = true;
      clearTimeout(timer);
    };
  }, [backend]);
  return polled && polled.basis === fromView ? polled.list : fromView;
}

export function SettingsMcp({ backend, view, draft, edit, onImported }: SettingsMcpProps) {
  const ids = useId();
  const statuses = useMcpStatus(backend, view.mcp);
  const heading = useRef<HTMLHeadingElement>(null);
  const [json, setJson] = useState('');
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  const [added, setAdded] = useState<string[] | null>(null);

  const names = Object.keys(draft.mcp_servers).sort();
  const unsaved = JSON.stringify(draft.mcp_servers) !== JSON.stringify(view.settings.mcp_servers);

  const editServer = (name: string, patch: Partial<McpServer>) => {
    const server = draft.mcp_servers[name];
    if (server) edit({ mcp_servers: { ...draft.mcp_servers, [name]: { ...server, ...patch } } });
  };

  const remove = (name: string) => {
    const rest = { ...draft.mcp_servers };
    delete rest[name];
    edit({ mcp_servers: rest });
    // The row and its button are gone: focus stays in the section.
    heading.current?.focus();
  };

  const setTool = (name: string, tool: string, on: boolean) => {
    const server = draft.mcp_servers[name];
    if (!server) return;
    const off = server.disabled_tools.filter((t) => t !== tool);
    editServer(name, { disabled_tools: on ? off : [...off, tool] });
  };

  const addServers = async () => {
    if (!json.trim() || importing) return;
    setImporting(true);
    setImportError(null);
    setAdded(null);
    try {
      const next = await backend.importMcpServers(json);
      const before = view.settings.mcp_servers;
      setAdded(
        Object.keys(next.settings.mcp_servers)
          .sort()
          .filter((n) => JSON.stringify(before[n]) !== JSON.stringify(next.settings.mcp_servers[n])),
      );
      setJson('');
      onImported(next);
    } catch (error) {
      setImportError(errorMessage(error));
    } finally {
      setImporting(false);
    }
  };

  const onJsonKeyDown = (e: ReactKeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void addServers();
    }
  };

  return (
    <section className="settings-section settings-mcp" aria-labelledby={`${ids}-title`} data-testid="settings-mcp">
      <h3 id={`${ids}-title`} ref={heading} tabIndex={-1}>
        MCP servers
      </h3>
      {names.length === 0 ? (
        <p className="field-hint">No MCP servers yet. Their tools are offered to the agent as &lt;server&gt;__&lt;tool&gt;.</p>
      ) : (
        <ul className="mcp-servers">
          {names.map((name) => (
            <ServerRow
              key={name}
              name={name}
              server={draft.mcp_servers[name]!}
              status={statuses.find((s) => s.name === name)}
              onEnabled={(enabled) => editServer(name, { enabled })}
              onTool={(tool, on) => setTool(name, tool, on)}
              onRemove={() => remove(name)}
            />
          ))}
        </ul>
      )}
      {unsaved && <p className="field-hint mcp-unsaved">Changes to the servers apply when you save.</p>}

      <SettingsField controlId={`${ids}-json`} label="Add servers" className="mcp-add">
        <textarea
          id={`${ids}-json`}
          data-testid="mcp-import-json"
          className="text-field code-field"
          rows={5}
          spellCheck={false}
          autoComplete="off"
          placeholder={
            '{\n  "mcpServers": {\n    "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }\n  }\n}'
          }
          aria-describedby={`${ids}-json-hint${importError ? ` ${ids}-json-error` : ''}`}
          aria-invalid={importError ? true : undefined}
          value={json}
          onChange={(e) => {
            setJson(e.target.value);
            setImportError(null);
          }}
          onKeyDown={onJsonKeyDown}
        />
        <span className="field-hint" id={`${ids}-json-hint`}>
          Paste the &quot;mcpServers&quot; block of a claude_desktop_config.json. A server of the same name is replaced; added servers are
          saved and started at once. Ctrl+Enter adds.
        </span>
        <div className="mcp-add-row">
          <button
            type="button"
            className="button"
            data-testid="mcp-import"
            disabled={!json.trim() || importing}
            onClick={() => void addServers()}
          >
            {importing ? 'Adding…' : 'Add servers'}
          </button>
          <span role="status" className="settings-ok" data-testid="mcp-import-done">
            {added && (added.length > 0 ? `Added ${added.join(', ')}.` : 'Nothing new in that block.')}
          </span>
        </div>
        {importError && (
          <p className="settings-error mcp-import-error" role="alert" id={`${ids}-json-error`} data-testid="mcp-import-error">
            {importError}
          </p>
        )}
      </SettingsField>
    </section>
  );
}

interface ServerRowProps {
  name: string;
  server: McpServer;
  status: McpServerStatus | undefined;
  onEnabled: (enabled: boolean) => void;
  onTool: (tool: string, on: boolean) => void;
  onRemove: () => void;
}

function ServerRow({ name, server, status, onEnabled, onTool, onRemove }: ServerRowProps) {
  const ids = useId();
  const state = status?.state;
  const target = server.url || [server.command, ...server.args].join(' ');
  const tools = state?.state === 'ready' ? ownToolNames(name, state.tools, server.disabled_tools) : [];
  return (
    <li className="mcp-server" data-testid={`mcp-server-${name}`}>
      <div className="mcp-server-head">
        <span className="mcp-server-name" id={`${ids}-name`}>
          {name}
        </span>
        <span
          className={`mcp-badge mcp-badge-${state?.state ?? 'unknown'}`}
          data-testid={`mcp-status-${name}`}
          data-state={state?.state ?? 'unknown'}
          role="status"
        >
          {statusLabel(status)}
        </span>
        <label className="mcp-switch">
          <input
            type="checkbox"
            role="switch"
            data-testid={`mcp-enabled-${name}`}
            aria-labelledby={`${ids}-switch ${ids}-name`}
            checked={server.enabled}
            onChange={(e) => onEnabled(e.target.checked)}
          />
          <span id={`${ids}-switch`}>Enabled</span>
        </label>
        <button
          type="button"
          className="button mcp-remove"
          data-testid={`mcp-remove-${name}`}
          aria-label={`Remove ${name}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
      <code className="mcp-server-target" title={target}>
        {server.url ? 'HTTP ' : ''}
        {target}
      </code>
      {state?.state === 'failed' && (
        <pre className="mcp-error" data-testid={`mcp-error-${name}`}>
          {state.error}
        </pre>
      )}
      {tools.length > 0 && (
        <fieldset className="mcp-tools">
          <legend>Tools of {name}</legend>
          {tools.map((tool) => (
            <label key={tool} className="mcp-tool">
              <input
                type="checkbox"
                data-testid={`mcp-tool-${name}-${tool}`}
                checked={!server.disabled_tools.includes(tool)}
                onChange={(e) => onTool(tool, e.target.checked)}
              />
              <span className="settings-tool-name">{tool}</span>
            </label>
          ))}
        </fieldset>
      )}
    </li>
  );
}
