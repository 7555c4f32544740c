import { describe, expect, it } from 'vitest';
import { countImageTokens } from './count-image-tokens.js';
import { readImageDimensions } from './read-image-dimensions.js';

// A PNG header (signature, IHDR chunk) is all readImageDimensions needs.
function pngDataUrl({ width, height }: { width: number; height: number }): string {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
}

describe('countImageTokens', () => {
  it.each([
    // The published examples: 1024×1024 high is 4 tiles, 2048×4096 high is 6 tiles.
    { given: { model: 'gpt-4o', detail: 'high', width: 1024, height: 1024 }, want: 765 },
    { given: { model: 'gpt-4o', detail: 'high', width: 2048, height: 4096 }, want: 1105 },
    { given: { model: 'gpt-4o-2024-08-06', detail: 'low', width: 4096, height: 8192 }, want: 85 },
    // Recorded: gpt-4o, 3008×2000 PNG, detail unset, 1,105 tokens.
    { given: { model: 'gpt-4o', detail: undefined, width: 3008, height: 2000 }, want: 1105 },
    { given: { model: 'gpt-4.1', detail: 'auto', width: 512, height: 512 }, want: 255 },
    { given: { model: 'gpt-4o-mini', detail: 'high', width: 512, height: 512 }, want: undefined },
    { given: { model: 'gpt-4.1-nano', detail: 'high', width: 512, height: 512 }, want: undefined },
    { given: { model: 'gpt-5', detail: 'low', width: 512, height: 512 }, want: undefined },
  ])('prices $given.model $given.detail $given.width×$given.height', ({ given, want }) => {
    const { model, detail, width, height } = given;
    expect(countImageTokens({ model, detail, dimensions: { width, height } })).toBe(want);
  });

  it('needs the size unless detail is low', () => {
    expect(countImageTokens({ model: 'gpt-4o', detail: 'high', dimensions: undefined })).toBe(
      undefined,
    );
    expect(countImageTokens({ model: 'gpt-4o', detail: 'low', dimensions: undefined })).toBe(85);
  });
});

describe('readImageDimensions', () => {
  it.each([
    { given: pngDataUrl({ width: 3008, height: 2000 }), want: { width: 3008, height: 2000 } },
    { given: 'https://example.com/cat.png', want: undefined },
    { given: 'data:image/png;base64,not base64!', want: undefined },
    { given: 'data:image/png;base64,', want: undefined },
  ])('reads $given', ({ given, want }) => {
    expect(readImageDimensions(given)).toEqual(want);
  });
});
