// Files attached to a prompt, on the window's side: reading a dropped, pasted or chosen file as
// base64 for the shell, the sizes as the chips show them, and the images' data URLs kept by
// SHA-256 so a prompt just sent shows its thumbnails without asking the shell again.
import { ATTACHMENT_LIMITS } from '../generated/ipc';
import type { AttachmentInfo } from '../generated/ipc';

export type { AttachmentInfo };

/** The largest file of any kind: a bigger one is refused before the window reads it. */
export const LARGEST_ATTACHMENT = Math.max(...Object.values(ATTACHMENT_LIMITS));

/** `80 bytes`, `12 KB`, `6.2 MB`: rounded up, as the shell's messages say sizes. */
export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) {
    const tenths = Math.ceil(bytes / 100_000) / 10;
    return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} MB`;
  }
  if (bytes >= 1000) return `${Math.ceil(bytes / 1000)} KB`;
  return `${bytes} bytes`;
}

/** The file's content as base64 (what the shell takes). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** The file as a data URL (an image's thumbnail). */
export function dataUrl(file: AttachmentInfo, base64: string): string {
  return `data:${file.media_type};base64,${base64}`;
}

/** How many images' data URLs the window keeps (each up to ~7 MB); the oldest go first. */
const KEPT_IMAGES = 24;
const dataUrls = new Map<string, string>();

/** Keeps an image's data URL for its thumbnails (a prompt just sent, one shown before). */
export function rememberImage(file: AttachmentInfo, base64: string): string {
  const url = dataUrl(file, base64);
  if (file.kind !== 'image') return url;
  dataUrls.delete(file.sha256);
  dataUrls.set(file.sha256, url);
  for (const oldest of dataUrls.keys()) {
    if (dataUrls.size <= KEPT_IMAGES) break;
    dataUrls.delete(oldest);
  }
  return url;
}

/** The data URL of an image this window has (sent or shown before), if any. */
export function rememberedImage(sha256: string): string | undefined {
  return dataUrls.get(sha256);
}
