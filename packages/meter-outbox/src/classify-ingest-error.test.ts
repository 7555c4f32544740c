import { InvalidEventError } from '@llm-meter/openmeter-client';
import { describe, expect, it } from 'vitest';
import { classifyIngestError } from './classify-ingest-error.js';

describe('classifyIngestError', () => {
  const cases = [
    { given: { status: 400, isRetryable: false }, want: 'reject' },
    { given: { status: 422, isRetryable: false }, want: 'reject' },
    { given: { status: 413, isRetryable: false }, want: 'reject' },
    { given: { status: 401, isRetryable: false }, want: 'configuration' },
    { given: { status: 403, isRetryable: false }, want: 'configuration' },
    { given: { status: 404, isRetryable: false }, want: 'configuration' },
    { given: { status: 408, isRetryable: true }, want: 'retry' },
    { given: { status: 429, isRetryable: true, retryAfterMs: 2000 }, want: 'retry' },
    { given: { status: 503 }, want: 'retry' },
    { given: { isRetryable: true }, want: 'retry' },
    { given: new TypeError('fetch failed'), want: 'retry' },
    { given: 'a string', want: 'retry' },
    { given: new InvalidEventError('event.time', 'event.time is invalid'), want: 'reject' },
    // A look-alike is no longer trusted by name: only the client's class means "refused locally".
    {
      given: Object.assign(new Error('time is invalid'), { name: 'InvalidEventError' }),
      want: 'retry',
    },
  ];
  it.each(cases)('$given -> $want', ({ given, want }) => {
    expect(classifyIngestError(given).kind).toBe(want);
  });

  it('carries Retry-After and the problem', () => {
    expect(
      classifyIngestError({
        status: 429,
        isRetryable: true,
        retryAfterMs: 1500,
        problem: { title: 'slow down' },
      }),
    ).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 1500,
      problem: { title: 'slow down' },
    });
  });
});
