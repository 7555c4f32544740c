import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import { createChunkStream } from './__fixtures__/create-chunk-stream.js';
import type { ChatCompletionChunkLike } from './chat-stream-meter.js';
import { meterChatStream } from './meter-chat-stream.js';
import { meterResponsesStream } from './meter-responses-stream.js';
import type { ResponseStreamEventLike } from './responses-stream-meter.js';

const records = readOpenAIFixtures();

function record(name: string) {
  const found = records.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`fixture ${name} not found`);
  return found;
}

// Reads `take` chunks of a recorded stream (all of them by default), then stops like a consumer's
// `break`, and returns the one event the meter reported.
async function meterChat({ name, take }: { name: string; take?: number }): Promise<UsageEvent> {
  const exchange = record(name);
  const events: UsageEvent[] = [];
  let seen = 0;
  for await (const _chunk of meterChatStream(
    createChunkStream({ chunks: exchange.sse_events as ChatCompletionChunkLike[] }),
    {
      request: exchange.request,
      subject: 'customer-1',
      onUsage: (event) => void events.push(event),
    },
  )) {
    seen += 1;
    if (seen === take) break;
  }
  expect(events).toHaveLength(1);
  return events[0] as UsageEvent;
}

async function meterResponses({ name, take }: { name: string; take?: number }) {
  const exchange = record(name);
  const events: UsageEvent[] = [];
  let seen = 0;
  for await (const _event of meterResponsesStream(
    createChunkStream({ chunks: exchange.sse_events as ResponseStreamEventLike[] }),
    {
      request: exchange.request,
      subject: 'customer-1',
      onUsage: (event) => void events.push(event),
    },
  )) {
    seen += 1;
    if (seen === take) break;
  }
  expect(events).toHaveLength(1);
  return events[0] as UsageEvent;
}

const pricing = ({ data }: UsageEvent) => ({
  provider: data.provider,
  model: data.model,
  requested_model: data.requested_model,
  service_tier: data.service_tier,
  usage_source: data.usage_source,
  cached_tokens_unknown: data.cached_tokens_unknown,
});

describe('stream meters report what decides the price', () => {
  it('chat: the tier every chunk carries, also when the stream is cut short', async () => {
    const name = 'open-telemetry__opentelemetry-python-contrib.jsonl#33';
    expect(pricing(await meterChat({ name }))).toMatchInlineSnapshot(`
      {
        "cached_tokens_unknown": undefined,
        "model": "gpt-4o-mini-2024-07-18",
        "provider": "openai",
        "requested_model": "gpt-4o-mini",
        "service_tier": "default",
        "usage_source": "provider",
      }
    `);
    expect(pricing(await meterChat({ name, take: 2 }))).toMatchInlineSnapshot(`
      {
        "cached_tokens_unknown": true,
        "model": "gpt-4o-mini-2024-07-18",
        "provider": "openai",
        "requested_model": "gpt-4o-mini",
        "service_tier": "default",
        "usage_source": "estimated",
      }
    `);
  });

  it('Responses: the tier of response.completed; a requested flex tier is echoed from the start', async () => {
    const name = 'pydantic__pydantic-ai.jsonl#438';
    expect(pricing(await meterResponses({ name }))).toMatchInlineSnapshot(`
      {
        "cached_tokens_unknown": undefined,
        "model": "gpt-5-2025-08-07",
        "provider": "openai",
        "requested_model": "gpt-5",
        "service_tier": "flex",
        "usage_source": "provider",
      }
    `);
    expect(pricing(await meterResponses({ name, take: 3 }))).toMatchInlineSnapshot(`
      {
        "cached_tokens_unknown": true,
        "model": "gpt-5-2025-08-07",
        "provider": "openai",
        "requested_model": "gpt-5",
        "service_tier": "flex",
        "usage_source": "estimated",
      }
    `);
  });

  it('Responses: no tier when only `auto` was seen before the stream was cut', async () => {
    const name = records.find(
      (candidate) =>
        candidate.endpoint === 'responses' &&
        candidate.stream &&
        candidate.sse_events?.[0]?.response !== undefined &&
        (candidate.sse_events[0].response as { service_tier?: unknown }).service_tier === 'auto',
    )?.name;
    if (!name) throw new Error('no Responses stream created with service_tier auto');
    const complete = await meterResponses({ name });
    expect(complete.data.service_tier).toBe('default');
    const cut = await meterResponses({ name, take: 2 });
    expect(cut.data).not.toHaveProperty('service_tier');
    expect(cut.data.usage_source).toBe('estimated');
  });
});
