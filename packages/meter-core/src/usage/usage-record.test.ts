import { describe, expect, it } from 'vitest';
import { reservedDataKeys } from '../events/create-usage-event.js';
import { UsageEventError } from '../events/usage-event-error.js';
import { checkUsageRecord } from './check-usage-record.js';
import { splitTokenTypes } from './split-token-types.js';
import { type UsageRecord, usageFieldNames } from './usage-record.js';

const usage = (fields: Partial<UsageRecord>): UsageRecord => ({
  prompt_tokens: 100,
  completion_tokens: 20,
  total_tokens: 120,
  cached_tokens: 0,
  cache_write_tokens: 0,
  cache_write_1h_tokens: 0,
  reasoning_tokens: 0,
  ...fields,
});

describe('checkUsageRecord', () => {
  it('accepts usage whose parts fit in their wholes', () => {
    const record = usage({
      cached_tokens: 40,
      cache_write_tokens: 50,
      cache_write_5m_tokens: 30,
      cache_write_1h_tokens: 20,
      reasoning_tokens: 15,
      web_search_calls: 3,
    });
    expect(checkUsageRecord({ usage: record, fields: {} })).toBe(record);
  });

  it.each([
    [
      { total_tokens: 121 },
      'usage.total_tokens: 121 is not usage.prompt_tokens + usage.completion_tokens (100 + 20)',
    ],
    [{ cached_tokens: 101 }, 'usage.cached_tokens: 101 exceeds usage.prompt_tokens (100)'],
    [{ reasoning_tokens: 21 }, 'usage.reasoning_tokens: 21 exceeds usage.completion_tokens (20)'],
    [
      { cache_write_tokens: 10, cache_write_1h_tokens: 11 },
      'usage.cache_write_1h_tokens: 11 exceeds usage.cache_write_tokens (10)',
    ],
    [
      { cache_write_5m_tokens: 1 },
      'usage.cache_write_5m_tokens: 1 exceeds usage.cache_write_tokens (0)',
    ],
  ])('refuses %o, naming the field', (fields, message) => {
    expect(() => checkUsageRecord({ usage: usage(fields), fields: {} })).toThrow(
      new UsageEventError({
        field: message.split(':')[0] as string,
        message: message.slice(message.indexOf(':') + 2),
      }),
    );
  });

  it("names the provider's wire field", () => {
    expect(() =>
      checkUsageRecord({
        usage: usage({ cached_tokens: 101 }),
        fields: {
          cached_tokens: 'usage.input_tokens_details.cached_tokens',
          prompt_tokens: 'usage.input_tokens',
        },
      }),
    ).toThrow('usage.input_tokens_details.cached_tokens: 101 exceeds usage.input_tokens (100)');
  });
});

describe('splitTokenTypes', () => {
  it('splits input into disjoint parts that sum to the total', () => {
    const split = splitTokenTypes({
      usage: usage({ cached_tokens: 40, cache_write_tokens: 50, reasoning_tokens: 15 }),
    });
    expect(split).toEqual({ input: 10, cache_read: 40, cache_write: 50, output: 20 });
    expect(Object.values(split).reduce((sum, tokens) => sum + tokens, 0)).toBe(120);
  });

  it('counts every input token as input when cache reads are unknown (an estimate)', () => {
    expect(splitTokenTypes({ usage: usage({ cached_tokens: 0 }), cacheReadUnknown: true })).toEqual(
      {
        input: 100,
        cache_read: 0,
        cache_write: 0,
        output: 20,
      },
    );
  });
});

describe('usage fields', () => {
  it('are all reserved: extra dimensions cannot overwrite one', () => {
    for (const field of usageFieldNames) expect(reservedDataKeys.has(field)).toBe(true);
  });
});
