import { countTokens } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { meterResponsesStreamIntoOutbox } from './meter-responses-stream-into-outbox.js';
import { openMemoryOutbox } from './testing/open-memory-outbox.js';

const request = { model: 'gpt-4.1-mini', input: 'Name three lighthouses.' };
const response = {
  id: 'resp_provider_1',
  created_at: 1_764_000_000,
  model: 'gpt-4.1-mini-2025-04-14',
};
const deltas = ['Fastnet', ',', ' Eddystone', ' and', ' Bell', ' Rock', '.'];
const events = [
  { type: 'response.created', response },
  { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message' } },
  ...deltas.map((delta) => ({
    type: 'response.output_text.delta',
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    delta,
  })),
  {
    type: 'response.completed',
    response: {
      ...response,
      usage: { input_tokens: 12, output_tokens: 9, total_tokens: 21 },
    },
  },
];

async function* streamOf<T>(items: readonly T[]) {
  for (const item of items) yield item;
}

describe('meterResponsesStreamIntoOutbox', () => {
  it('delivers the usage of response.completed under the response id, once', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const responseIds: Array<string | undefined> = [];
    const metered = meterResponsesStreamIntoOutbox({
      stream: streamOf(events),
      request,
      outbox,
      options: { subject: 'customer-1' },
      onUsage: (_event, { responseId }) => responseIds.push(responseId),
    });
    expect(outbox.stats().openStreams).toBe(1);
    let count = 0;
    for await (const _ of metered) count += 1;
    expect(count).toBe(events.length);
    expect(responseIds).toEqual(['resp_provider_1']);
    await outbox.flush();
    expect(
      delivered.map((event) => [event.id, event.data?.total_tokens, event.data?.usage_source]),
    ).toEqual([['resp_provider_1', 21, 'provider']]);
    await outbox.close();
  });

  it('bills a stream stopped mid-way as an estimate covering every delta received', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const metered = meterResponsesStreamIntoOutbox({
      stream: streamOf(events),
      request,
      outbox,
      options: { subject: 'customer-1' },
    });
    let received = 0;
    for await (const event of metered) {
      if (event.type === 'response.output_text.delta') received += 1;
      if (received === 4) break;
    }
    await outbox.flush();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.id).toBe('resp_provider_1');
    expect(delivered[0]?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
    });
    const text = deltas.slice(0, 4).join('');
    expect(Number(delivered[0]?.data?.completion_tokens)).toBeGreaterThanOrEqual(
      countTokens({ text, model: 'gpt-4.1-mini' }),
    );
    await outbox.close();
  });
});
