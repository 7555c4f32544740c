import { describe, expect, it } from 'vitest';
import { createJsonArrayFramer } from './create-json-array-framer.js';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('createJsonArrayFramer', () => {
  it('splits a streamed JSON array into its chunks, forwarding every byte once, in order', () => {
    const body = '[{"responseId":"r","n":1}\r\n,\r\n{"responseId":"r","n":"a]}"}\r\n]';
    // Cut everywhere, one byte at a time, and in two halves.
    for (const pieces of [body.split(''), [body.slice(0, 20), body.slice(20)]]) {
      const framer = createJsonArrayFramer();
      const events = [...pieces.flatMap((piece) => framer.push(encode(piece))), ...framer.flush()];
      expect(
        events
          .map((event) => event.bytes)
          .map(decode)
          .join(''),
      ).toBe(body);
      expect(
        events
          .filter((event) => event.data !== undefined)
          .map((event) => JSON.parse(event.data as string)),
      ).toEqual([
        { responseId: 'r', n: 1 },
        { responseId: 'r', n: 'a]}' },
      ]);
    }
  });
});
