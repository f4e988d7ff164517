// The files in the composer: each checked by the shell as it is added (dropped, pasted, or
// chosen with the Attach button), shown as a chip, removable, and sent with the prompt.
import { useCallback, useRef, useState } from 'react';
import type { AttachmentCheck, AttachmentUpload } from '../generated/ipc';
import { errorMessage } from '../ipc';
import { dataUrl, formatSize, LARGEST_ATTACHMENT, readBase64, type AttachmentInfo } from './files';

/** A file in the composer: being read and checked, ready to send, or refused with why. */
export type ComposerFile =
  | { key: string; state: 'checking'; name: string; size: number }
  | { key: string; state: 'ready'; file: AttachmentInfo; data: string; preview?: string }
  | { key: string; state: 'refused'; name: string; message: string };

/** A file ready to send: what it is, and its bytes as base64. */
export interface ReadyFile {
  file: AttachmentInfo;
  data: string;
}

export interface FileChecker {
  check(files: AttachmentUpload[]): Promise<AttachmentCheck[]>;
  /** The shell's open dialog; absent: the window's file input is used. */
  pick?: () => Promise<AttachmentCheck[]>;
}

let nextKey = 0;
const key = () => `file-${nextKey++}`;

function fromCheck(check: AttachmentCheck, fileKey: string, data?: string): ComposerFile {
  if (check.status === 'refused') return { key: fileKey, state: 'refused', name: check.name, message: check.error.message };
  const bytes = check.data ?? data ?? '';
  const preview = check.file.kind === 'image' ? dataUrl(check.file, bytes) : undefined;
  return { key: fileKey, state: 'ready', file: check.file, data: bytes, preview };
}

export function useComposerFiles(checker: FileChecker) {
  const [files, setFiles] = useState<ComposerFile[]>([]);
  const checkerRef = useRef(checker);
  checkerRef.current = checker;

  const settle = (fileKey: string, file: ComposerFile) => setFiles((now) => now.map((f) => (f.key === fileKey ? file : f)));

  /** Files the window has (dropped, pasted, from its file input): read, then checked by the shell. */
  const add = useCallback((list: readonly File[]) => {
    const added = list.map((file) => ({ file, key: key() }));
    setFiles((now) => [
      ...now,
      ...added.map(({ file, key: k }): ComposerFile => ({ key: k, state: 'checking', name: file.name, size: file.size })),
    ]);
    for (const { file, key: fileKey } of added) {
      const name = file.name || 'pasted file';
      if (file.size > LARGEST_ATTACHMENT) {
        const message = `${name} is ${formatSize(file.size)}: files may be at most ${formatSize(LARGEST_ATTACHMENT)}`;
        settle(fileKey, { key: fileKey, state: 'refused', name, message });
        continue;
      }
      readBase64(file)
        .then(async (data) => {
          const [check] = await checkerRef.current.check([{ name, data }]);
          settle(fileKey, check ? fromCheck(check, fileKey, data) : { key: fileKey, state: 'refused', name, message: 'not checked' });
        })
        .catch((error: unknown) => settle(fileKey, { key: fileKey, state: 'refused', name, message: errorMessage(error) }));
    }
  }, []);

  /** The shell's open dialog: the files chosen come back checked, with their bytes. */
  const pick = useCallback(async () => {
    const picker = checkerRef.current.pick;
    if (!picker) return;
    try {
      const checks = await picker();
      setFiles((now) => [...now, ...checks.map((check) => fromCheck(check, key()))]);
    } catch (error: unknown) {
      setFiles((now) => [...now, { key: key(), state: 'refused', name: 'Attach', message: errorMessage(error) }]);
    }
  }, []);

  const remove = useCallback((fileKey: string) => setFiles((now) => now.filter((f) => f.key !== fileKey)), []);
  const clear = useCallback(() => setFiles([]), []);

  const ready: ReadyFile[] = files.flatMap((f) => (f.state === 'ready' ? [{ file: f.file, data: f.data }] : []));
  const checking = files.some((f) => f.state === 'checking');
  const refused = files.some((f) => f.state === 'refused');
  return { files, ready, checking, refused, add, pick, remove, clear };
}
