import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSseRecord,
  readGeminiFixtures,
  renderStreamBody,
} from '../events/__fixtures__/read-gemini-fixtures.js';
import { GeminiChunkDecoder } from './gemini-chunk-decoder.js';

function decodeAll(pieces: readonly string[]) {
  const decoder = new GeminiChunkDecoder();
  const chunks: unknown[] = [];
  let invalid = 0;
  for (const piece of [...pieces.map((text) => decoder.decode(text)), decoder.flush()]) {
    chunks.push(...piece.chunks);
    invalid += piece.invalid;
  }
  return { chunks, invalid };
}

function splitAt(text: string, points: readonly number[]): string[] {
  const sorted = [...new Set(points.map((point) => point % (text.length + 1)))].sort(
    (a, b) => a - b,
  );
  const pieces: string[] = [];
  let start = 0;
  for (const point of sorted) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  pieces.push(text.slice(start));
  return pieces;
}

const streams = readGeminiFixtures().filter((record) => record.stream);
const sse = streams.find((record) => isSseRecord(record) && (record.sse_events?.length ?? 0) > 2);
const array = streams.find(
  (record) => !isSseRecord(record) && (record.sse_events?.length ?? 0) > 2,
);

describe('GeminiChunkDecoder', () => {
  it.each([
    ['SSE', sse],
    ['JSON array', array],
  ])('reads a recorded %s body split at every character', (_form, record) => {
    if (!record) throw new Error(`no recorded ${_form} stream`);
    const body = renderStreamBody(record);
    for (let point = 0; point <= body.length; point += 1) {
      expect(decodeAll([body.slice(0, point), body.slice(point)])).toEqual({
        chunks: record?.sse_events,
        invalid: 0,
      });
    }
  });

  it('yields the same chunks for any chunking of any recorded body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...streams),
        fc.array(fc.nat(), { maxLength: 12 }),
        (record, points) => {
          const body = renderStreamBody(record);
          expect(decodeAll(splitAt(body, points))).toEqual({
            chunks: record.sse_events,
            invalid: 0,
          });
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('reads braces, brackets and escaped quotes inside strings of an array element', () => {
    const chunks = [{ text: 'a } ] { [ "quoted" \\ end' }, { text: '\u00e9\n' }];
    const body = `[${chunks.map((chunk) => JSON.stringify(chunk)).join(',\n')}]`;
    for (let point = 0; point <= body.length; point += 1) {
      expect(decodeAll([body.slice(0, point), body.slice(point)]).chunks).toEqual(chunks);
    }
  });

  it('reads SSE with CRLF split between CR and LF, comments, multi-line data and no final blank line', () => {
    const body = ': keep-alive\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: x\ndata: {"b":2}';
    for (let point = 0; point <= body.length; point += 1) {
      expect(decodeAll([body.slice(0, point), body.slice(point)])).toEqual({
        chunks: [{ a: 1 }, { b: 2 }],
        invalid: 0,
      });
    }
  });

  it('counts payloads that are not JSON objects and leaves a cut-off element out', () => {
    expect(decodeAll(['data: [DONE]\n\ndata: {"a":1}\n\n'])).toEqual({
      chunks: [{ a: 1 }],
      invalid: 1,
    });
    expect(decodeAll(['[{"a":1},\r\n{"b":'])).toEqual({ chunks: [{ a: 1 }], invalid: 0 });
  });
});
