import { describe, expect, it } from 'vitest';
import {
  type ChaosCall,
  compareWithLedger,
  type LedgerEntry,
  type MeteredEvent,
} from './compare-with-ledger.js';
import { formatChaosSummary } from './format-chaos-summary.js';

const billed = (id: string, fields: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id,
  request_id: `req_${id}`,
  endpoint: 'chat.completions',
  outcome: 'completed',
  created_at: 1_765_100_000,
  input_tokens: 20,
  input_cached_tokens: 0,
  output_tokens: 8,
  reasoning_tokens: 0,
  ...fields,
});

const event = (
  id: string,
  data: MeteredEvent['data'] = {},
  fields: Partial<MeteredEvent> = {},
): MeteredEvent => ({
  id,
  subject: 'chaos-client-0',
  time: '2025-12-07T09:33:20.000Z',
  ...fields,
  data: {
    endpoint: 'chat.completions',
    prompt_tokens: 20,
    completion_tokens: 8,
    cached_tokens: 0,
    reasoning_tokens: 0,
    usage_source: 'provider',
    ...data,
  },
});

const estimate = (reason: string, data: MeteredEvent['data'] = {}) => ({
  usage_source: 'estimated',
  estimate_reason: reason,
  cached_tokens_unknown: true,
  ...data,
});

const compare = (ledger: LedgerEntry[], events: MeteredEvent[], calls: ChaosCall[] = []) =>
  compareWithLedger({ ledger, events, calls });

describe('compareWithLedger', () => {
  // given what upstream billed and what reached OpenMeter, want each response's verdict
  const cases: Array<{
    name: string;
    ledger: LedgerEntry[];
    events: MeteredEvent[];
    want: { matchedBy: string | undefined; source: string | undefined; exact: boolean };
  }> = [
    {
      name: 'the provider usage under the response id is exact',
      ledger: [billed('a')],
      events: [event('a')],
      want: { matchedBy: 'id', source: 'provider', exact: true },
    },
    {
      name: 'an estimate short of what upstream billed is not',
      ledger: [billed('a', { outcome: 'aborted' })],
      events: [event('a', estimate('aborted', { completion_tokens: 6 }))],
      want: { matchedBy: 'id', source: 'aborted', exact: false },
    },
    {
      name: 'an estimate and its correction sum to the bill',
      ledger: [billed('resp_a', { endpoint: 'responses', input_cached_tokens: 4 })],
      events: [
        event('resp_a', {
          endpoint: 'responses',
          ...estimate('aborted', { completion_tokens: 5 }),
        }),
        event('resp_a:settled', {
          endpoint: 'responses',
          usage_source: 'settled',
          settles: 'resp_a',
          prompt_tokens: 0,
          completion_tokens: 3,
          cached_tokens: 4,
        }),
      ],
      want: { matchedBy: 'id', source: 'aborted+settled', exact: true },
    },
    {
      name: 'a call killed before its answer was read is found under its request id',
      ledger: [billed('b')],
      events: [event('req_b', estimate('crashed', { completion_tokens: 0 }))],
      want: { matchedBy: 'request_id', source: 'crashed', exact: false },
    },
    {
      name: "an event under an id of the proxy's is paired by endpoint, prompt and time",
      ledger: [billed('c', { input_tokens: 31 }), billed('d', { input_tokens: 20 })],
      events: [
        event('c', { prompt_tokens: 31 }),
        event('9b2f6c1e-uuid', estimate('crashed', { completion_tokens: 0 }), {
          time: '2025-12-07T09:33:22.000Z',
        }),
      ],
      want: { matchedBy: 'paired', source: 'crashed', exact: false },
    },
  ];
  it.each(cases)('$name', ({ ledger, events, want }) => {
    const response = compare(ledger, events).responses.at(-1);
    expect({
      matchedBy: response?.matchedBy,
      source: response?.source,
      exact: response?.exact,
    }).toEqual(want);
  });

  it('reports a billed response with no event as lost, and two events for one as double-counted', () => {
    const result = compare(
      [billed('lost'), billed('twice')],
      [event('twice'), event('req_twice', estimate('crashed'))],
    );
    expect(result.lost.map((response) => response.billed.id)).toEqual(['lost']);
    expect(result.doubleCounted.map((response) => response.eventIds)).toEqual([
      ['twice', 'req_twice'],
    ]);
    expect(result.completedInexact).toEqual([]);
  });

  it('holds a completed response metered to its end to exactness, and sets crash estimates apart', () => {
    const result = compare(
      [billed('left'), billed('killed'), billed('cut', { outcome: 'aborted' })],
      [
        event('left', estimate('aborted', { completion_tokens: 7 })),
        event('killed', estimate('crashed', { completion_tokens: 5 })),
        event('cut', estimate('aborted', { completion_tokens: 7 })),
      ],
    );
    expect(result.completedInexact.map((response) => response.billed.id)).toEqual(['left']);
    expect(result.completedCutByKill.map((response) => response.billed.id)).toEqual(['killed']);
    expect([...result.bySource]).toEqual([
      ['aborted', { responses: 2, billed: 56, metered: 54 }],
      ['crashed', { responses: 1, billed: 28, metered: 25 }],
    ]);
    expect(result.tokens).toEqual({ billed: 84, metered: 79 });
  });

  it('counts events of nothing billed, and events billed to another subject than the caller', () => {
    const result = compare(
      [billed('a')],
      [event('a', {}, { subject: 'chaos-client-1' }), event('ghost', { endpoint: 'embeddings' })],
      [
        {
          client: 0,
          kind: 'chat',
          subject: 'chaos-client-0',
          outcome: 'completed',
          responseId: 'a',
        },
      ],
    );
    expect(result.unbilledEvents.map((unbilled) => unbilled.id)).toEqual(['ghost']);
    expect(result.wrongSubject).toEqual([
      { eventId: 'a', expected: 'chaos-client-0', actual: 'chaos-client-1' },
    ]);
    expect(result.tokens).toEqual({ billed: 28, metered: 56 });
  });

  it('prints one table, and one line with the ids for each broken guarantee', () => {
    const comparison = compare(
      [billed('a'), billed('b'), billed('c', { outcome: 'aborted', output_tokens: 10 })],
      [event('a'), event('c', estimate('aborted', { completion_tokens: 9 }))],
      [
        {
          client: 0,
          kind: 'chat',
          subject: 'chaos-client-0',
          outcome: 'completed',
          responseId: 'a',
        },
        { client: 1, kind: 'chat-stream-abort', subject: 'chaos-client-1', outcome: 'left' },
        {
          client: 2,
          kind: 'chat',
          subject: 'chaos-client-2',
          outcome: 'failed',
          error: 'APIConnectionError: Connection error.',
        },
        {
          client: 3,
          kind: 'chat-stream-abort',
          subject: 'chaos-client-3',
          outcome: 'hung',
          requestId: 'req_h',
        },
      ],
    );
    const summary = formatChaosSummary({ comparison, run: '1 s, 4 clients' });
    expect(summary.table).toMatchInlineSnapshot(`
      "run                           | 1 s, 4 clients
      calls sent                    | 4 (answered 1, left by the client 1, failed 1, hung 1)
      failed calls by error         | APIConnectionError 1
      billed upstream               | 3 responses (2 completed)
      events found by               | response id 2, request id 0, paired by endpoint, prompt and time 0
      hung calls (clients stuck)    | 1
      lost (billed, no event)       | 1
      double-counted                | 0
      billed to another subject     | 0
      completed responses exact     | 1 of 1 metered to their end; 0 more cut by a kill (crashed estimates), 1 lost or double-counted
        metered as aborted          | 1 responses, tokens billed 30 / metered 29 (−3.33%)
        metered as none (lost)      | 1 responses, tokens billed 28 / metered 0 (−100.00%)
        metered as provider         | 1 responses, tokens billed 28 / metered 28 (+0.00%)
      metered, not billed upstream  | 0 events, 0 tokens
      total tokens billed / metered | 86 / 57 (drift −33.72%)"
    `);
    expect(summary.failures).toMatchInlineSnapshot(`
      [
        "hung: client 3 chat-stream-abort (response ?, request req_h): never settled",
        "lost: b (chat.completions, completed, request req_b): billed 20 + 8, metered 0 + 0, no event",
      ]
    `);
  });
});
