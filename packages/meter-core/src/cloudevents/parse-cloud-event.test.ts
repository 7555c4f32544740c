import { describe, expect, test } from 'vitest';
import { CloudEventError } from './cloud-event-error.js';
import { parseCloudEvent, safeParseCloudEvent } from './parse-cloud-event.js';

const valid = {
  specversion: '1.0',
  id: 'chatcmpl-1',
  source: 'llm-meter',
  type: 'openai',
  subject: 'customer-1',
  data: { total_tokens: 19 },
};

function refusal(event: unknown): CloudEventError {
  try {
    parseCloudEvent({ event });
  } catch (error) {
    if (error instanceof CloudEventError) return error;
    throw error;
  }
  throw new Error('the event was accepted');
}

describe('parseCloudEvent', () => {
  test('returns a valid event itself, without time, null optionals and extensions untouched', () => {
    for (const event of [
      valid,
      { ...valid, time: null, data: null, datacontenttype: null, dataschema: null },
      { ...valid, datacontenttype: 'application/json', dataschema: 'https://example.com/s.json' },
      { ...valid, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    ]) {
      expect(parseCloudEvent({ event })).toBe(event);
    }
  });

  test('safeParseCloudEvent gives a valid event itself as its value', () => {
    const event = { ...valid, time: null };
    const result = safeParseCloudEvent({ event });
    expect(result.success && result.value).toBe(event);
  });

  test('keeps a time given as an RFC 3339 string as written', () => {
    const event = { ...valid, time: '2024-01-01t01:00:00.123456+01:00' };
    expect(parseCloudEvent({ event })).toBe(event);
  });

  test('turns a Date into its RFC 3339 string, on a copy', () => {
    // The seed example's `new Date(completion.created * 1000)`.
    const event = { ...valid, time: new Date(1_701_000_345 * 1000) };
    expect(parseCloudEvent({ event })).toEqual({ ...valid, time: '2023-11-26T12:05:45.000Z' });
    expect(event.time).toBeInstanceOf(Date);
    expect(
      parseCloudEvent({ event: { ...valid, time: new Date('0050-06-01T00:00:00Z') } }).time,
    ).toBe('0050-06-01T00:00:00.000Z');
  });

  test.each([
    { name: 'an array', given: [valid], field: '' },
    { name: 'null', given: null, field: '' },
    { name: 'specversion 0.3', given: { ...valid, specversion: '0.3' }, field: 'specversion' },
    { name: 'a numeric specversion', given: { ...valid, specversion: 1 }, field: 'specversion' },
    { name: 'no id', given: { ...valid, id: undefined }, field: 'id' },
    { name: 'an empty id', given: { ...valid, id: '' }, field: 'id' },
    { name: 'a numeric id', given: { ...valid, id: 5 }, field: 'id' },
    { name: 'a whitespace-only id', given: { ...valid, id: ' \t' }, field: 'id' },
    { name: 'a no-break-space source', given: { ...valid, source: '\u00a0' }, field: 'source' },
    { name: 'a newline type', given: { ...valid, type: '\n' }, field: 'type' },
    { name: 'an empty subject', given: { ...valid, subject: '' }, field: 'subject' },
    { name: 'a whitespace-only subject', given: { ...valid, subject: '   ' }, field: 'subject' },
    { name: 'time "Jan 1 2024"', given: { ...valid, time: 'Jan 1 2024' }, field: 'time' },
    {
      name: 'a time without offset',
      given: { ...valid, time: '2024-01-01T00:00:00' },
      field: 'time',
    },
    {
      name: 'an impossible date',
      given: { ...valid, time: '2025-02-30T00:00:00Z' },
      field: 'time',
    },
    { name: 'time in milliseconds', given: { ...valid, time: 1736935200000 }, field: 'time' },
    { name: 'an invalid Date', given: { ...valid, time: new Date('nope') }, field: 'time' },
    {
      name: 'a Date past 9999',
      given: { ...valid, time: new Date(Date.UTC(10000, 0)) },
      field: 'time',
    },
    { name: 'a long time text', given: { ...valid, time: '2'.repeat(100_000) }, field: 'time' },
    { name: 'data an array', given: { ...valid, data: [1, 2] }, field: 'data' },
    { name: 'data a string', given: { ...valid, data: 'tokens=5' }, field: 'data' },
    {
      name: 'datacontenttype xml',
      given: { ...valid, datacontenttype: 'application/xml' },
      field: 'datacontenttype',
    },
    {
      name: 'a relative dataschema',
      given: { ...valid, dataschema: '/s.json' },
      field: 'dataschema',
    },
  ])('refuses $name, naming $field', ({ given, field }) => {
    const error = refusal(given);
    expect(error.field).toBe(field);
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain(error.issues[0]?.message);
    expect(error.message.length).toBeLessThan(400);
    // The result form gives the same verdict without throwing.
    expect(safeParseCloudEvent({ event: given })).toEqual({ success: false, issues: error.issues });
  });

  test('lists every problem, the first one naming the field', () => {
    const error = refusal({ ...valid, specversion: '2.0', type: '', time: 'yesterday' });
    expect(error.field).toBe('specversion');
    expect(error.issues).toEqual([
      { field: 'specversion', message: 'specversion must be "1.0"' },
      { field: 'type', message: 'type must be a non-empty string' },
      {
        field: 'time',
        message: expect.stringMatching(/^time "yesterday" is not an RFC 3339 date-time/),
      },
    ]);
  });

  test('says what a time of the wrong type should be', () => {
    expect(refusal({ ...valid, time: 1736935200000 }).message).toContain(
      'time must be a Date or an RFC 3339 date-time such as 2024-01-01T00:00:00Z, got number',
    );
  });
});
