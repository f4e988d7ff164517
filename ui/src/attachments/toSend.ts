// What a run is sent with: its files as the turn shows them and as the shell takes them.
import type { AttachmentUpload } from '../generated/ipc';
import { rememberImage, type AttachmentInfo } from './files';
import type { ReadyFile } from './useComposerFiles';

export interface FilesToSend {
  /** What the prompt shows. */
  infos: AttachmentInfo[];
  /** What the shell is sent. */
  uploads: AttachmentUpload[];
}

export const NO_FILES: FilesToSend = { infos: [], uploads: [] };

/** Files from the composer: sent with their bytes (the images kept for the prompt's thumbnails). */
export function filesToSend(files: readonly ReadyFile[]): FilesToSend {
  for (const { file, data } of files) rememberImage(file, data);
  return { infos: files.map((f) => f.file), uploads: files.map((f) => ({ name: f.file.name, data: f.data })) };
}

/** A prompt's files sent again (an answer regenerated, a prompt edited): the conversation stores them. */
export function storedFiles(infos: readonly AttachmentInfo[] | undefined): FilesToSend {
  if (!infos?.length) return NO_FILES;
  return { infos: [...infos], uploads: infos.map((f) => ({ name: f.name, sha256: f.sha256 })) };
}
