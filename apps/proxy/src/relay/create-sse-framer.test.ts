import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseFramer } from './create-sse-framer.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const stream =
  'data: {"id":"chatcmpl-1","choices":[{"delta":{"content":"Hé"}}]}\n\n' +
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"日本"}\n\n' +
  ': keep-alive comment\n\n' +
  'data: [DONE]\n\n';

describe('createSseFramer', () => {
  it('returns whole events with their bytes and data', () => {
    const framer = createSseFramer();
    const events = framer.push(encoder.encode(stream));
    expect(events.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: undefined, data: '{"id":"chatcmpl-1","choices":[{"delta":{"content":"Hé"}}]}' },
      {
        event: 'response.output_text.delta',
        data: '{"type":"response.output_text.delta","delta":"日本"}',
      },
      { event: undefined, data: undefined },
      { event: undefined, data: '[DONE]' },
    ]);
    expect(events.map((event) => decoder.decode(event.bytes)).join('')).toBe(stream);
    expect(framer.flush()).toEqual([]);
  });

  it('any split of the bytes, inside characters included, gives the same events', () => {
    const bytes = encoder.encode(stream.replaceAll('\n', '\r\n'));
    const whole = createSseFramer()
      .push(bytes)
      .map((event) => event.data);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const framer = createSseFramer();
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const events = [];
          for (let index = 1; index < points.length; index++) {
            events.push(...framer.push(bytes.subarray(points[index - 1], points[index])));
          }
          expect(events.map((event) => event.data)).toEqual(whole);
        },
      ),
    );
  });

  it('flush returns an unterminated last event', () => {
    const framer = createSseFramer();
    expect(framer.push(encoder.encode('data: {"a":1}\n\ndata: {"b":'))).toHaveLength(1);
    expect(framer.push(encoder.encode('2}'))).toEqual([]);
    expect(framer.flush().map((event) => event.data)).toEqual(['{"b":2}']);
  });
});
