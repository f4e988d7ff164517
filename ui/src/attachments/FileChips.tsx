// The files of a prompt as chips: in the composer (each with a remove button, a refused one with
// why) and in a sent prompt (images as thumbnails, other files as chips with their size).
import { useContext, useEffect, useState } from 'react';
import { ShellContext } from '../shell';
import type { ComposerFile } from './useComposerFiles';
import { formatSize, rememberedImage, rememberImage, type AttachmentInfo } from './files';
import './FileChips.css';

function FileIcon() {
  return (
    <svg className="file-chip-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M4 1.5h5l3 3v10H4z M9 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
    </svg>
  );
}

export function ComposerFileChips({ files, onRemove }: { files: readonly ComposerFile[]; onRemove: (key: string) => void }) {
  return (
    <ul className="file-chips" aria-label="Attached files" data-testid="composer-files">
      {files.map((f) => {
        const name = f.state === 'ready' ? f.file.name : f.name;
        return (
          <li key={f.key} className={`file-chip file-chip-${f.state}`} data-testid="composer-file" data-state={f.state}>
            {f.state === 'ready' && f.preview ? <img className="file-chip-thumb" src={f.preview} alt="" /> : <FileIcon />}
            <span className="file-chip-name" title={name}>
              {name}
            </span>
            {f.state === 'ready' && <span className="file-chip-size">{formatSize(f.file.size)}</span>}
            {f.state === 'checking' && <span className="file-chip-size">checking…</span>}
            {f.state === 'refused' && (
              <span className="file-chip-error" role="alert" data-testid="composer-file-error">
                {f.message}
              </span>
            )}
            <button
              type="button"
              className="icon-button file-chip-remove"
              aria-label={`Remove ${name}`}
              title="Remove"
              onClick={() => onRemove(f.key)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** An image of a sent prompt: from this window's memory, else asked of the shell. */
function Thumbnail({ conversationId, file }: { conversationId: string; file: AttachmentInfo }) {
  const { attachmentData } = useContext(ShellContext);
  const [url, setUrl] = useState(() => rememberedImage(file.sha256));
  useEffect(() => {
    if (url || !attachmentData) return;
    let live = true;
    attachmentData(conversationId, file.sha256).then(
      (data) => {
        if (live) setUrl(rememberImage(file, data));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [attachmentData, conversationId, file, url]);
  return url ? (
    <img className="prompt-file-image" src={url} alt={file.name} title={`${file.name} · ${formatSize(file.size)}`} />
  ) : (
    <span className="file-chip">
      <FileIcon />
      <span className="file-chip-name">{file.name}</span>
    </span>
  );
}

export function PromptFiles({ conversationId, files }: { conversationId: string; files: readonly AttachmentInfo[] }) {
  return (
    <ul className="file-chips prompt-files" aria-label="Files sent with this message" data-testid="prompt-files">
      {files.map((file, i) => (
        <li key={`${file.sha256}-${i}`} data-testid="prompt-file">
          {file.kind === 'image' ? (
            <Thumbnail conversationId={conversationId} file={file} />
          ) : (
            <span className="file-chip" title={file.name}>
              <FileIcon />
              <span className="file-chip-name">{file.name}</span>
              <span className="file-chip-size">{formatSize(file.size)}</span>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
