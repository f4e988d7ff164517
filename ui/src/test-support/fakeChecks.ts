// How the fake shells (the Vitest app driver, the mock build) answer `check_attachments` and
// `pick_attachments`: files named `refused…` are refused, the others ready (an image when the
// name ends in .png), with their SHA-256 stood in for by their place and name.
import type { AttachmentCheck, AttachmentUpload } from '../generated/ipc';

export function fakeChecks(files: readonly AttachmentUpload[], withData = false): AttachmentCheck[] {
  return files.map((upload, i): AttachmentCheck => {
    if (upload.name.startsWith('refused')) {
      return {
        status: 'refused',
        name: upload.name,
        error: { code: 'attachment_unsupported', message: `${upload.name} cannot be attached` },
      };
    }
    const image = upload.name.endsWith('.png');
    const data = 'data' in upload ? upload.data : '';
    const file = {
      name: upload.name,
      kind: image ? 'image' : 'text',
      media_type: image ? 'image/png' : 'text/plain',
      size: atob(data).length,
      sha256: `sha-${i}-${upload.name}`,
    } as const;
    return withData ? { status: 'ready', file, data } : { status: 'ready', file };
  });
}
