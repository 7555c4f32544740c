import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

// Gemini's recorded exchanges are the ground truth of shapes: every field openai-local sends is
// one Google sent. Read in place.
const recordings = readFileSync(
  new URL('../../../../../../shared/fixtures/gemini/Mirascope__mirascope.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line !== '')
  .map(
    (line) =>
      JSON.parse(line) as {
        endpoint: string;
        request_url: string;
        response?: Record<string, unknown>;
        sse_events?: Array<Record<string, unknown>>;
      },
  )
  .filter((record) => record.request_url.includes('generativelanguage.googleapis.com'));

const keysOf = (objects: Array<Record<string, unknown> | undefined>) =>
  new Set(objects.flatMap((object) => Object.keys(object ?? {})));
const usageOf = (object: Record<string, unknown> | undefined) =>
  object?.usageMetadata as Record<string, unknown> | undefined;
const candidateOf = (object: Record<string, unknown> | undefined) =>
  (object?.candidates as Array<Record<string, unknown>> | undefined)?.[0];

let server: OpenAILocalServer;
beforeAll(async () => {
  server = await startOpenAILocal();
});
afterAll(() => server.close());

const call = async (method: string, body: unknown) => {
  const response = await fetch(
    `${server.origin}/v1beta/models/gemini-2.5-flash:${method}?alt=sse`,
    { method: 'POST', headers: { 'x-goog-api-key': 'test' }, body: JSON.stringify(body) },
  );
  return await response.text();
};

describe("openai-local's Gemini answers have the recorded shapes", () => {
  const long = Array.from({ length: 300 }, (_, index) => `Fact ${index}: shapes matter.`).join(' ');
  const body = { contents: [{ role: 'user', parts: [{ text: long }] }] };

  it('generateContent and streamGenerateContent: response, candidate and usage fields', async () => {
    await call('generateContent', body);
    // The second call hits the implicit cache, so the cache fields are sent too.
    const blocking = JSON.parse(await call('generateContent', body)) as Record<string, unknown>;
    const chunks = (await call('streamGenerateContent', body))
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
    const recorded = recordings.flatMap((record) =>
      record.endpoint === 'generateContent' ? [record.response] : (record.sse_events ?? []),
    );
    const responseKeys = keysOf(recorded);
    const candidateKeys = keysOf(recorded.map(candidateOf));
    const usageKeys = keysOf(recorded.map(usageOf));
    for (const sent of [blocking, ...chunks]) {
      for (const key of Object.keys(sent)) expect(responseKeys).toContain(key);
      for (const key of Object.keys(candidateOf(sent) ?? {})) expect(candidateKeys).toContain(key);
      for (const key of Object.keys(usageOf(sent) ?? {})) expect(usageKeys).toContain(key);
    }
    expect(Object.keys(usageOf(blocking) ?? {})).toContain('cachedContentTokenCount');
  });
});
