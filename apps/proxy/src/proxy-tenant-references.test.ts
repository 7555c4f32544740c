import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused } from './__fixtures__/expect-refused.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import { defaultServerKeyRoutes, parseAllowedRoutes } from './tenancy/allowed-routes.js';

// With the proxy's own key, ids inside a request body reach the shared upstream account as
// surely as a retrieve path does: Bob must not chain onto, read or attach Alice's objects.
let stack: ProxyStack;
let alice: OpenAI;
let bob: OpenAI;

beforeAll(async () => {
  stack = await startProxyStack({
    upstreamApiKey: 'sk-server-key',
    subjects: {
      header: 'openmeter-subject',
      keySubjects: new Map([
        ['sk-alice', 'alice'],
        ['sk-bob', 'bob'],
      ]),
      trustRequestUser: false,
    },
    allowedRoutes: parseAllowedRoutes(`${defaultServerKeyRoutes}, POST /v1/conversations`),
  });
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: stack.proxyUrl, maxRetries: 0 });
  alice = client('sk-alice');
  bob = client('sk-bob');
});
afterAll(async () => {
  await stack?.close();
});

/** Runs `call`, expecting it to fail with `status`, and returns what upstream saw meanwhile. */
const refused = (call: () => Promise<unknown>, status: number) =>
  expectRefused({ stack, call, status, errorClass: OpenAI.APIError });

describe('ids in request bodies, customers sharing the proxy key', () => {
  it("refuses Bob an item of Alice's response passed back by id, as absent; Alice's passes", async () => {
    const response = await alice.responses.create({ model: 'gpt-4.1-mini', input: 'Hello' });
    const item = response.output[0];
    expect(item?.id).toBeTruthy();
    const input = [{ type: 'item_reference' as const, id: item?.id as string }];
    const bobs = await refused(() => bob.responses.create({ model: 'gpt-4.1-mini', input }), 404);
    expect(bobs.error.message).toContain(`Item with id '${item?.id}' not found.`);
    expect(bobs.upstream).toEqual([]);
    // A reasoning or message item passed back with Alice's id is read from the store too.
    const replayed = await refused(
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: [
            { ...(item as object), id: item?.id } as never,
            { role: 'user', content: 'Go on' },
          ],
        }),
      404,
    );
    expect(replayed.upstream).toEqual([]);
    const alices = await alice.responses.create({ model: 'gpt-4.1-mini', input });
    expect(alices.status).toBe('completed');
  });

  it("refuses Bob another customer's files, vector stores and containers anywhere in a body, before upstream", async () => {
    for (const call of [
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: 'Summarize' },
                { type: 'input_file', file_id: 'file-alice' },
              ],
            },
          ],
        }),
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: 'Search',
          tools: [{ type: 'file_search', vector_store_ids: ['vs_alice'] }],
        }),
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: 'Run',
          tools: [{ type: 'code_interpreter', container: 'cntr_alice' }],
        }),
      () =>
        bob.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Summarize' },
                { type: 'file', file: { file_id: 'file-alice' } },
              ],
            },
          ],
        }),
    ]) {
      const { error, upstream } = await refused(call, 404);
      expect(error.message).toMatch(
        /^404 No (file|vector store|container) found with id '(file-|vs_|cntr_)alice'\.$/,
      );
      expect(upstream).toEqual([]);
    }
    // Metadata and tool schemas are the caller's own data, not references.
    const own = await bob.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      metadata: { file_id: 'file-anything' },
      tools: [
        {
          type: 'function',
          function: {
            name: 'open_file',
            parameters: { type: 'object', properties: { file_id: { type: 'string' } } },
          },
        },
      ],
    });
    expect(own.choices.length).toBe(1);
  });

  it("keeps Alice's conversation from Bob, in a body and on its paths; Alice uses it", async () => {
    const conversation = await alice.conversations.create({});
    expect(conversation.id).toMatch(/^conv_/);
    const inBody = await refused(
      () =>
        bob.responses.create({ model: 'gpt-4.1-mini', input: 'Hi', conversation: conversation.id }),
      404,
    );
    expect(inBody.error.message).toContain(`No conversation found with id '${conversation.id}'`);
    expect(inBody.upstream).toEqual([]);
    const asObject = await refused(
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: 'Hi',
          conversation: { id: conversation.id },
        }),
      404,
    );
    expect(asObject.upstream).toEqual([]);
    for (const call of [
      () => bob.conversations.retrieve(conversation.id),
      () => bob.conversations.delete(conversation.id),
    ]) {
      const { upstream } = await refused(call, 404);
      expect(upstream).toEqual([]);
    }
    const chained = await alice.responses.create({
      model: 'gpt-4.1-mini',
      input: 'Hi',
      conversation: conversation.id,
    });
    expect(chained.status).toBe('completed');
    expect((await alice.conversations.retrieve(conversation.id)).id).toBe(conversation.id);
    expect(await alice.conversations.delete(conversation.id)).toMatchObject({ deleted: true });
  });

  it('checks the JSON body of an allowed pass-through route for references too', async () => {
    const open = await startProxyStack({
      upstreamApiKey: 'sk-server-key',
      subjects: {
        header: 'openmeter-subject',
        keySubjects: new Map([['sk-bob', 'bob']]),
        trustRequestUser: false,
      },
      allowedRoutes: parseAllowedRoutes('POST /v1/batches'),
    });
    try {
      const before = open.upstreamRequests.length;
      const answer = await fetch(`${open.proxyUrl}/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bob' },
        body: JSON.stringify({
          input_file_id: 'file-alice',
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        }),
      });
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain("No file found with id 'file-alice'");
      expect(open.upstreamRequests.slice(before)).toEqual([]);
    } finally {
      await open.close();
    }
  });
});
