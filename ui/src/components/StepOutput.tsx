// A tool's output: monospace, folded to a preview when long.
import { useState } from 'react';
import { truncate } from '../format';

export function StepOutput({ text, failed }: { text: string; failed: boolean }) {
  const [open, setOpen] = useState(false);
  const preview = truncate(text);
  const shown = open || !preview.truncated ? text : preview.text;
  return (
    <div className={failed ? 'step-output step-output-failed' : 'step-output'}>
      <pre className="code">{shown === '' ? '(no output)' : shown}</pre>
      {preview.truncated && (
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show more (${text.length.toLocaleString('en-US')} characters)`}
        </button>
      )}
    </div>
  );
}
