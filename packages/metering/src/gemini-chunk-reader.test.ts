import { describe, expect, it } from 'vitest';
import { geminiChunkReader } from './gemini-chunk-reader.js';

describe('geminiChunkReader', () => {
  it('names the stream by responseId, bills part texts and re-counts at the final chunk only', () => {
    const chunk = {
      responseId: 'r-1',
      candidates: [{ content: { parts: [{ text: 'Hel' }, { text: 'lo' }] } }],
      usageMetadata: { promptTokenCount: 4 },
    };
    expect(geminiChunkReader.streamIdOf(chunk)).toBe('r-1');
    expect(geminiChunkReader.generatedTextOf(chunk)).toBe('Hello');
    expect(geminiChunkReader.carriesUsage(chunk)).toBe(false);
    expect(
      geminiChunkReader.carriesUsage({
        candidates: [{ finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2 },
      }),
    ).toBe(true);
  });
});
