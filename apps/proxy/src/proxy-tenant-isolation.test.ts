import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused } from './__fixtures__/expect-refused.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import { openAIAdapter } from './providers/openai/openai-adapter.js';
import { createUpstreamHeaders } from './relay/forward-headers.js';
import { parseAllowedRoutes } from './tenancy/allowed-routes.js';

// With the proxy's own upstream key every customer reaches the same upstream account: the proxy
// must keep each customer's stored objects to that customer (issue: Bob read Alice's responses).
let stack: ProxyStack;
let alice: OpenAI;
let bob: OpenAI;

const sharedKey = {
  upstreamApiKey: 'sk-server-key',
  subjects: {
    header: 'openmeter-subject',
    keySubjects: new Map([
      ['sk-alice', 'alice'],
      ['sk-bob', 'bob'],
    ]),
    trustRequestUser: false,
  },
};

beforeAll(async () => {
  stack = await startProxyStack(sharedKey);
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: stack.proxyUrl, maxRetries: 0 });
  alice = client('sk-alice');
  bob = client('sk-bob');
});
afterAll(async () => {
  await stack?.close();
});

const messages = [{ role: 'user' as const, content: 'Tell me about metering.' }];

/** Alice's four stored objects, created blocking and streamed. */
async function createAlicesObjects() {
  const response = await alice.responses.create({ model: 'gpt-4.1-mini', input: 'Hello' });
  let streamedResponseId = '';
  for await (const event of await alice.responses.create({
    model: 'gpt-4.1-mini',
    input: 'Hello',
    stream: true,
  })) {
    if (event.type === 'response.completed') streamedResponseId = event.response.id;
  }
  const completion = await alice.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    store: true,
  });
  let streamedCompletionId = '';
  for await (const chunk of await alice.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    store: true,
    stream: true,
  })) {
    streamedCompletionId = chunk.id;
  }
  return {
    responses: [response.id, streamedResponseId],
    completions: [completion.id, streamedCompletionId],
  };
}

/** Runs `call`, expecting it to fail with `status`, and returns what upstream saw meanwhile. */
const refused = (call: () => Promise<unknown>, status: number) =>
  expectRefused({ stack, call, status, errorClass: OpenAI.APIError });

describe('customers sharing the proxy key', () => {
  it("answers 404 to Bob on every path of Alice's responses and chat completions, before upstream", async () => {
    const { responses, completions } = await createAlicesObjects();
    for (const id of responses) {
      for (const call of [
        () => bob.responses.retrieve(id),
        () => bob.responses.delete(id),
        () => bob.responses.cancel(id),
        () => bob.responses.inputItems.list(id),
      ]) {
        const { error, upstream } = await refused(call, 404);
        expect(error.message).toContain(`No response found with id '${id}'`);
        expect(upstream).toEqual([]);
      }
    }
    for (const id of completions) {
      for (const call of [
        () => bob.chat.completions.retrieve(id),
        () => bob.chat.completions.update(id, { metadata: { owner: 'bob' } }),
        () => bob.chat.completions.delete(id),
        () => bob.chat.completions.messages.list(id),
      ]) {
        const { error, upstream } = await refused(call, 404);
        expect(error.message).toContain(`No chat completion found with id '${id}'`);
        expect(upstream).toEqual([]);
      }
    }
    // Chaining onto Alice's response would hand Bob her conversation.
    const chained = await refused(
      () =>
        bob.responses.create({
          model: 'gpt-4.1-mini',
          input: 'Repeat everything above.',
          previous_response_id: responses[0] as string,
        }),
      400,
    );
    expect(chained.error.code).toBe('previous_response_not_found');
    expect(chained.upstream).toEqual([]);
    // The list of stored completions would show every customer's.
    const listed = await refused(() => bob.chat.completions.list(), 403);
    expect(listed.error.code).toBe('list_not_isolated');
    expect(listed.upstream).toEqual([]);

    // Alice still reaches hers, and deletes them.
    for (const id of responses) {
      expect((await alice.responses.retrieve(id)).id).toBe(id);
      expect(await alice.responses.delete(id)).toMatchObject({ id, deleted: true });
    }
    for (const id of completions) {
      expect((await alice.chat.completions.retrieve(id)).id).toBe(id);
      expect(await alice.chat.completions.delete(id)).toMatchObject({ id, deleted: true });
    }
    const chainedByAlice = await alice.responses.create({
      model: 'gpt-4.1-mini',
      input: 'And then?',
      previous_response_id: responses[0] as string,
    });
    expect(chainedByAlice.previous_response_id).toBe(responses[0]);
  });

  it("gives Bob his own objects and never Alice's, after both created some", async () => {
    const mine = await bob.responses.create({ model: 'gpt-4.1-mini', input: 'Mine' });
    const hers = await alice.responses.create({ model: 'gpt-4.1-mini', input: 'Hers' });
    expect((await bob.responses.retrieve(mine.id)).id).toBe(mine.id);
    await refused(() => bob.responses.retrieve(hers.id), 404);
    await refused(() => alice.responses.retrieve(mine.id), 404);
    // An object the proxy never served (created upstream directly) answers no customer.
    await refused(() => alice.responses.retrieve('resp_created_elsewhere'), 404);
  });

  it('refuses pass-through paths that are not allowed, naming the setting, before upstream', async () => {
    const jobs = await refused(() => bob.fineTuning.jobs.list(), 403);
    expect(jobs.error.code).toBe('path_not_allowed');
    expect(jobs.error.message).toContain('LLM_METER_PROXY_ALLOWED_PATHS');
    expect(jobs.error.message).toContain('GET /v1/models');
    expect(jobs.upstream).toEqual([]);
    // Lists of stored objects would show every customer's, whatever is allowed.
    const files = await refused(() => bob.files.list(), 403);
    expect(files.error.code).toBe('list_not_isolated');
    expect(files.upstream).toEqual([]);
    const conversation = await refused(
      () =>
        bob.responses.create({ model: 'gpt-4.1-mini', input: 'Hi', conversation: 'conv_alice' }),
      404,
    );
    expect(conversation.error.message).toContain("No conversation found with id 'conv_alice'");
    expect(conversation.upstream).toEqual([]);
    // A background response would finish unmetered (found by a review).
    const background = await refused(
      () => bob.responses.create({ model: 'gpt-4.1-mini', input: 'A novel', background: true }),
      400,
    );
    expect(background.error.code).toBe('background_not_metered');
    expect(background.upstream).toEqual([]);
    for (const path of ['/models/x%2F..%2F..%2Ffiles', '/models//x']) {
      const refusedPath = await fetch(`${stack.proxyUrl}${path}`, {
        headers: { authorization: 'Bearer sk-bob' },
      });
      expect(refusedPath.status).toBe(400);
    }
    // The default allow-list: the model list.
    expect((await bob.models.list()).data.length).toBeGreaterThan(0);
  });
});

// Found by a review: an operator who allows everything must still not open other customers'
// objects, unmetered model calls or chains onto them.
describe('customers sharing the proxy key, with every pass-through path allowed', () => {
  let open: ProxyStack;
  const call = (path: string, init: RequestInit & { key: string }) =>
    fetch(`${open.proxyUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${init.key}` },
    });
  beforeAll(async () => {
    open = await startProxyStack({ ...sharedKey, allowedRoutes: parseAllowedRoutes('/v1/*') });
  });
  afterAll(async () => {
    await open?.close();
  });

  it('refuses encoded ids, empty segments and other paths under the stored collections', async () => {
    const created = await call('/responses', {
      key: 'sk-alice',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Hello' }),
    });
    const { id } = (await created.json()) as { id: string };
    const encodedId = `${id.slice(0, -1)}%${id.charCodeAt(id.length - 1).toString(16)}`;
    const before = open.upstreamRequests.length;
    for (const [method, path, status] of [
      ['GET', `/responses/${encodedId}`, 400],
      ['DELETE', `/responses/${encodedId}`, 400],
      ['GET', '/chat/completion%73', 400],
      ['GET', `/respons%65s/${id}`, 400],
      ['POST', '/responses/input_tokens', 403],
      ['POST', '/responses/compact', 403],
      ['GET', `/responses/${id}/other`, 403],
      ['POST', '//chat/completions', 400],
    ] as const) {
      const answer = await call(path, {
        key: 'sk-bob',
        method,
        ...(method === 'POST'
          ? { body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'x' }) }
          : {}),
      });
      expect([path, answer.status]).toEqual([path, status]);
    }
    expect(open.upstreamRequests.slice(before)).toEqual([]);
  });

  it('meters a trailing slash as the endpoint itself, with its checks', async () => {
    const created = await call('/responses', {
      key: 'sk-alice',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Hello' }),
    });
    const { id } = (await created.json()) as { id: string };
    const chained = await call('/responses/', {
      key: 'sk-bob',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Repeat', previous_response_id: id }),
    });
    expect(chained.status).toBe(400);
    const metered = await call('/chat/completions/', {
      key: 'sk-bob',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(metered.status).toBe(200);
    const { id: completionId } = (await metered.json()) as { id: string };
    expect((await open.listEvents('bob')).map((event) => event.id)).toContain(completionId);
  });

  it('sends upstream the body it checked, not a raw duplicate key', async () => {
    const created = await call('/responses', {
      key: 'sk-alice',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Hello' }),
    });
    const { id } = (await created.json()) as { id: string };
    const duplicate = await call('/responses', {
      key: 'sk-bob',
      method: 'POST',
      body: `{"model":"gpt-4.1-mini","input":"Hi","previous_response_id":"${id}","previous_response_id":null}`,
    });
    expect(duplicate.status).toBe(200);
    expect(
      ((await duplicate.json()) as { previous_response_id: unknown }).previous_response_id,
    ).toBeNull();
    const notString = await call('/responses', {
      key: 'sk-bob',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Hi', previous_response_id: [id] }),
    });
    expect(notString.status).toBe(400);
  });
});

describe('createUpstreamHeaders with the server key', () => {
  it('keeps the caller from choosing the organization or project the key spends', () => {
    expect(
      createUpstreamHeaders({
        incoming: {
          authorization: 'Bearer sk-bob',
          'openai-organization': 'org-other',
          'openai-project': 'proj-internal',
          'x-custom': 'kept',
        },
        subjectHeader: 'openmeter-subject',
        serverKey: { apiKey: 'sk-server', auth: openAIAdapter.auth },
      }),
    ).toMatchObject({ authorization: 'Bearer sk-server', 'x-custom': 'kept' });
    expect(
      createUpstreamHeaders({
        incoming: { 'openai-project': 'proj-internal', 'openai-organization': 'org-other' },
        subjectHeader: 'openmeter-subject',
        serverKey: { apiKey: 'sk-server', auth: openAIAdapter.auth },
      }),
    ).not.toHaveProperty('openai-project');
  });
});
