// "Export ▾" in the header: Markdown, JSON or HTML through the native save dialog.
import { useEffect, useRef, useState } from 'react';
import type { ExportFormat } from '../history/types';
import './ExportMenu.css';

const FORMATS: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'md', label: 'Markdown', hint: 'readable anywhere' },
  { format: 'json', label: 'JSON', hint: 'every event; can be imported' },
  { format: 'html', label: 'HTML', hint: 'one file that looks like the app' },
];

export function ExportMenu({ disabled, onExport }: { disabled: boolean; onExport: (format: ExportFormat) => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="export-menu" ref={root}>
      <button
        type="button"
        className="button export-button"
        data-testid="export-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        title={disabled ? 'Nothing saved to export yet' : 'Export this chat'}
        onClick={() => setOpen((o) => !o)}
      >
        Export ▾
      </button>
      {open && (
        <ul className="menu" role="menu">
          {FORMATS.map(({ format, label, hint }) => (
            <li key={format} role="none">
              <button
                type="button"
                role="menuitem"
                className="row-button menu-item"
                data-testid={`export-${format}`}
                onClick={() => {
                  setOpen(false);
                  onExport(format);
                }}
              >
                {label} <span className="menu-hint">{hint}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
