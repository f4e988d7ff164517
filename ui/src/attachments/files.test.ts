// Sizes as the shell's messages say them, and the window keeping a bounded number of images.
import { describe, expect, it } from 'vitest';
import { formatSize, rememberedImage, rememberImage } from './files';

const image = (sha256: string) => ({ name: `${sha256}.png`, kind: 'image', media_type: 'image/png', size: 3, sha256 }) as const;

describe('attached files', () => {
  it('says sizes as the shell does, rounded up', () => {
    expect([80, 1000, 511_200, 1_000_000, 5_000_000, 6_200_000, 1_000_001].map(formatSize)).toEqual([
      '80 bytes',
      '1 KB',
      '512 KB',
      '1 MB',
      '5 MB',
      '6.2 MB',
      '1.1 MB',
    ]);
  });

  it('keeps the latest images’ data URLs only, and no other files', () => {
    for (let i = 0; i < 30; i++) rememberImage(image(`img${i}`), 'AAAA');
    expect(rememberedImage('img0')).toBeUndefined();
    expect(rememberedImage('img29')).toBe('data:image/png;base64,AAAA');
    expect(rememberedImage('img6')).toBe('data:image/png;base64,AAAA');
    expect(rememberedImage('img5')).toBeUndefined();
    rememberImage({ ...image('notes'), kind: 'text', media_type: 'text/plain' }, 'AAAA');
    expect(rememberedImage('notes')).toBeUndefined();
  });
});
