import { describe, expect, it } from 'vitest';
import { ChatStreamMeter } from './chat-stream-meter.js';

describe('ChatStreamMeter', () => {
  it("takes id, time and model from the first real chunk, skipping Azure's empty first chunk", () => {
    const meter = new ChatStreamMeter({
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] },
      options: { subject: 'customer-1' },
    });
    // Azure OpenAI sends the prompt filter results first, with no id, model or time.
    meter.push({ id: '', created: 0, model: '', choices: [] });
    meter.push({
      id: 'chatcmpl-azure-1',
      created: 1_764_000_000,
      model: 'gpt-4o-2024-11-20',
      choices: [{ index: 0, delta: { content: 'Hello' } }],
    });
    meter.push({
      id: 'chatcmpl-azure-1',
      created: 1_764_000_000,
      model: 'gpt-4o-2024-11-20',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
    const event = meter.finish({ reason: 'completed' });
    expect(event.id).toBe('chatcmpl-azure-1');
    expect(event.time).toBe('2025-11-24T16:00:00.000Z');
    expect(event.data.model).toBe('gpt-4o-2024-11-20');
    expect(event.data.completion_tokens).toBe(1);
    expect(event.data.estimate_reason).toBe('no_usage_chunk');
  });

  it('falls back to an estimate marked invalid_usage when the usage chunk is malformed', () => {
    const meter = new ChatStreamMeter({
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] },
      options: { subject: 'customer-1' },
    });
    meter.push({
      id: 'chatcmpl-1',
      created: 1_764_000_000,
      model: 'gpt-4o-2024-11-20',
      choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: 'stop' }],
    });
    meter.push({
      id: 'chatcmpl-1',
      created: 1_764_000_000,
      model: 'gpt-4o-2024-11-20',
      choices: [],
      usage: { prompt_tokens: -5, completion_tokens: 1, total_tokens: -4 },
    });
    const event = meter.finish({ reason: 'completed' });
    expect(event.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'invalid_usage',
      completion_tokens: 1,
    });
    expect(event.data.prompt_tokens).toBeGreaterThan(0);
  });
});
