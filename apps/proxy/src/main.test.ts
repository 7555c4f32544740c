import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { countChatPromptTokens, countTokens, openMeterMeters } from '@llm-meter/meter-core';
import {
  type FaultRequestInfo,
  type OpenAILocalServer,
  startOpenAILocal,
} from '@llm-meter/openai-local';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChatCompletion } from './__fixtures__/post-chat-completion.js';

const appDirectory = fileURLToPath(new URL('..', import.meta.url));
let openai: OpenAILocalServer;
let openmeter: OpenMeterLocal;
let client: OpenMeterClient;
let dir: string;
const children = new Set<ChildProcess>();
// Told of every request openai-local receives, before it answers (or holds its answer).
const arrivalListeners = new Set<(request: FaultRequestInfo) => void>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxy-main-'));
  openai = await startOpenAILocal({
    tokensPerSecond: 0,
    faults: (request) => {
      for (const listener of arrivalListeners) listener(request);
      return undefined;
    },
  });
  openmeter = await startOpenMeterLocal({ meters: [...openMeterMeters] });
  client = createOpenMeterClient({ baseUrl: openmeter.url });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await openmeter?.close();
  await openai?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The proxy's main.ts in its own process, and what it printed so far. */
interface RunningProxy {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts main.ts on a free port and waits for its "listening" line. */
async function startProxy(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<RunningProxy> {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: appDirectory,
      env: {
        ...process.env,
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'sk-proxy-main-test-key',
        ANTHROPIC_BASE_URL: openai.origin,
        GEMINI_BASE_URL: openai.origin,
        OPENMETER_URL: openmeter.url,
        LLM_METER_DATA_DIR: dir,
        LLM_METER_PROXY_PORT: '0',
        LLM_METER_DOTENV: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    // 'close', not 'exit': the last lines may still be in the pipes when the process exits.
    child.once('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      const match = /listening on (http:\/\/\S+\/v1)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`proxy exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Splits an SSE byte stream into the JSON payloads of its `data:` lines, as they complete. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data && data !== '[DONE]') yield JSON.parse(data);
    }
  }
}

describe('proxy main.ts in its own process', () => {
  it('--help answers before anything starts', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/main.ts', '--help'],
      { cwd: appDirectory, env: { ...process.env, LLM_METER_DOTENV: '0' } },
    );
    let stdout = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:8787\/v1/);
  });

  it('a proxy killed -9 mid-stream bills the stream once, as a crashed estimate, on restart', async () => {
    const subject = 'customer-killed';
    const first = await startProxy();
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Write a long essay about lighthouses.' }],
      max_completion_tokens: 400,
    };
    // Upstream stalls after 16 events (never ends on its own): the kill lands mid-stream.
    const response = await postChatCompletion({
      url: first.url,
      subject,
      body: { ...request, stream: true },
      fault: 'stall-after=16',
    });
    expect(response.status).toBe(200);
    const killAfter = 10;
    const texts: string[] = [];
    let streamId: string | undefined;
    const reading = (async () => {
      for await (const chunk of sseData(response.body as ReadableStream<Uint8Array>)) {
        streamId = chunk.id as string;
        const choices = chunk.choices as Array<{ delta?: { content?: string } }>;
        const text = choices[0]?.delta?.content;
        if (!text) continue;
        texts.push(text);
        if (texts.length === killAfter) first.child.kill('SIGKILL');
      }
    })().catch(() => undefined);
    expect(await first.exited).toBe(null);
    await reading;
    expect(texts.length).toBeGreaterThanOrEqual(killAfter);
    expect(streamId).toMatch(/^chatcmpl-/);

    const second = await startProxy();
    await expect
      .poll(async () => (await client.events.list({ subject })).length, { timeout: 300_000 })
      .toBe(1);
    expect(second.output()).toMatch(/1 event\(s\) journaled by an earlier run/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const [ingested] = await client.events.list({ subject });
    const event = ingested?.event as unknown as { id: string; data: Record<string, number> };
    expect(event.id).toBe(streamId);
    expect(event.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
    // Every chunk that reached the client but (at most) the last one is billed.
    const covered = countTokens({
      text: texts.slice(0, killAfter - 1).join(''),
      model: 'gpt-4o-mini',
    });
    expect(Number(event.data.completion_tokens)).toBeGreaterThanOrEqual(covered);
    expect(Number(event.data.prompt_tokens)).toBe(countChatPromptTokens(request).tokens);

    // A third start finds nothing left to deliver: the event went out once.
    const third = await startProxy();
    expect(third.output()).not.toMatch(/journaled by an earlier run/);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    const ids = (await client.events.list({})).map((listed) => listed.event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a proxy killed -9 mid-way through an Anthropic stream bills it once, as a crashed estimate, on restart', async () => {
    const subject = 'customer-killed-anthropic';
    const first = await startProxy();
    const anthropic = new Anthropic({
      apiKey: 'sk-ant-caller',
      baseURL: first.url.replace(/\/v1$/, ''),
      maxRetries: 0,
      // Upstream stalls after 16 events (never ends on its own): the kill lands mid-stream.
      defaultHeaders: { 'OpenMeter-Subject': subject, 'x-openai-local-fault': 'stall-after=16' },
    });
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 400,
      messages: [{ role: 'user', content: 'Write a long essay about lighthouses.' }],
    });
    const killAfter = 8;
    const texts: string[] = [];
    let started: { id: string; usage: { input_tokens: number } } | undefined;
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === 'message_start') started = event.message;
        if (event.type !== 'content_block_delta' || event.delta.type !== 'text_delta') continue;
        texts.push(event.delta.text);
        if (texts.length === killAfter) first.child.kill('SIGKILL');
      }
    })().catch(() => undefined);
    expect(await first.exited).toBe(null);
    await reading;
    expect(texts.length).toBeGreaterThanOrEqual(killAfter);
    expect(started?.id).toMatch(/^msg_/);

    const second = await startProxy();
    await expect
      .poll(async () => (await client.events.list({ subject })).length, { timeout: 300_000 })
      .toBe(1);
    expect(second.output()).toMatch(/1 event\(s\) journaled by an earlier run/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [ingested] = await client.events.list({ subject });
    const event = ingested?.event as unknown as { id: string; data: Record<string, unknown> };
    expect(event.id).toBe(started?.id);
    expect(event.data).toMatchObject({
      endpoint: 'messages',
      usage_source: 'estimated',
      estimate_reason: 'crashed',
      // message_start's input side is Anthropic's own.
      prompt_tokens: started?.usage.input_tokens,
    });
    // Every text delta that reached the client but (at most) the last one is billed.
    const covered = countTokens({ text: texts.slice(0, killAfter - 1).join(''), model: 'gpt-4o' });
    expect(Number(event.data.completion_tokens)).toBeGreaterThanOrEqual(covered - killAfter);
  });

  it('a proxy killed -9 mid-way through a Gemini stream bills it once, as a crashed estimate, on restart', async () => {
    const subject = 'customer-killed-gemini';
    const first = await startProxy();
    const gemini = new GoogleGenAI({
      apiKey: 'gemini-caller',
      httpOptions: {
        baseUrl: first.url.replace(/\/v1$/, ''),
        // openai-local streams Gemini in 3 chunks, the last two with the answer's end and usage:
        // it stalls after the first, and the kill lands mid-stream.
        headers: { 'OpenMeter-Subject': subject, 'x-openai-local-fault': 'stall-after=1' },
      },
    });
    const killAfter = 1;
    const texts: string[] = [];
    let responseId: string | undefined;
    const reading = (async () => {
      for await (const chunk of await gemini.models.generateContentStream({
        model: 'gemini-2.0-flash',
        contents: 'Write a long essay about lighthouses.',
      })) {
        responseId = chunk.responseId;
        texts.push(chunk.text ?? '');
        if (texts.length === killAfter) first.child.kill('SIGKILL');
      }
    })().catch(() => undefined);
    expect(await first.exited).toBe(null);
    await reading;
    expect(texts.length).toBeGreaterThanOrEqual(killAfter);
    expect(responseId).toBeDefined();

    const second = await startProxy();
    await expect
      .poll(async () => (await client.events.list({ subject })).length, { timeout: 300_000 })
      .toBe(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [ingested] = await client.events.list({ subject });
    const event = ingested?.event as unknown as { id: string; data: Record<string, unknown> };
    expect(event.id).toBe(responseId);
    expect(event.data).toMatchObject({
      endpoint: 'generateContent',
      usage_source: 'estimated',
      estimate_reason: 'crashed',
    });
    expect(Number(event.data.prompt_tokens)).toBeGreaterThan(0);
    // The chunk journaled before the kill is billed: at least its text.
    expect(Number(event.data.completion_tokens)).toBeGreaterThan(0);
  });

  it("a proxy killed -9 between upstream's headers and the first chunk bills the stream under upstream's x-request-id", async () => {
    const subject = 'customer-killed-before-first-chunk';
    const first = await startProxy();
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Write a haiku about buoys.' }],
    };
    // Upstream sends its headers, then holds the first chunk until the connection goes.
    const response = await postChatCompletion({
      url: first.url,
      subject,
      body: { ...request, stream: true },
      fault: 'stall-after=0',
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    // The caller has the headers: the proxy journaled the request id before relaying them.
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    await response.body?.cancel().catch(() => undefined);

    const second = await startProxy();
    await expect.poll(async () => (await client.events.list({ subject })).length).toBe(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [ingested] = await client.events.list({ subject });
    expect(ingested?.event).toMatchObject({
      id: requestId,
      data: {
        usage_source: 'estimated',
        estimate_reason: 'crashed',
        prompt_tokens: countChatPromptTokens(request).tokens,
        completion_tokens: 0,
      },
    });
  });

  it("a proxy killed -9 between a Gemini stream's headers and its first chunk bills it under the id it gave the caller", async () => {
    const subject = 'customer-killed-gemini-before-first-chunk';
    const first = await startProxy();
    const contents = 'Write a haiku about fog horns.';
    // Upstream sends its headers, then holds the first chunk until the connection goes. Gemini
    // sends no request id: the proxy names its own in x-llm-meter-request-id.
    const response = await fetch(
      `${first.url.replace(/\/v1$/, '')}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-goog-api-key': 'gemini-caller',
          'openmeter-subject': subject,
          'x-openai-local-fault': 'stall-after=0',
        },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: contents }] }] }),
      },
    );
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-llm-meter-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    await response.body?.cancel().catch(() => undefined);

    const second = await startProxy();
    await expect.poll(async () => (await client.events.list({ subject })).length).toBe(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [ingested] = await client.events.list({ subject });
    const event = ingested?.event as unknown as { id: string; data: Record<string, unknown> };
    expect(event.id).toBe(requestId);
    expect(event.data).toMatchObject({
      endpoint: 'generateContent',
      usage_source: 'estimated',
      estimate_reason: 'crashed',
      completion_tokens: 0,
    });
    expect(Number(event.data.prompt_tokens)).toBeGreaterThan(0);
  });

  it('a proxy killed -9 while upstream holds a blocking answer bills the call once, as a crashed estimate of its prompt, on restart', async () => {
    const subject = 'customer-killed-blocking';
    const first = await startProxy();
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Held answer: name a lighthouse keeper.' }],
    };
    const arrived = new Promise<void>((resolve) => {
      const listener = ({ body }: FaultRequestInfo) => {
        if (!JSON.stringify(body).includes('Held answer')) return;
        arrivalListeners.delete(listener);
        resolve();
      };
      arrivalListeners.add(listener);
    });
    // Upstream holds its answer (headers included) far longer than the test lasts.
    const calling = postChatCompletion({
      url: first.url,
      subject,
      body: request,
      fault: 'delay-ms=600000',
    }).catch((error: unknown) => error);
    // Upstream has the request, so the proxy journaled the call before sending it: kill it.
    await arrived;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect(await calling).toBeInstanceOf(Error);

    const second = await startProxy();
    await expect.poll(async () => (await client.events.list({ subject })).length).toBe(1);
    expect(second.output()).toMatch(/1 event\(s\) journaled by an earlier run/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [ingested] = await client.events.list({ subject });
    // Upstream's headers never came: the id is the proxy's own, the best it had.
    expect(ingested?.event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(ingested?.event.data).toMatchObject({
      endpoint: 'chat.completions',
      usage_source: 'estimated',
      estimate_reason: 'crashed',
      prompt_tokens: countChatPromptTokens(request).tokens,
      completion_tokens: 0,
    });
  });

  it("keeps Alice's stored response from Bob across a restart, with the server's key", async () => {
    // No REDIS_URL: the owners live in the data directory's file.
    const env = { LLM_METER_PROXY_KEYS: 'sk-alice=alice,sk-bob=bob', REDIS_URL: '' };
    const call = (url: string, key: string, path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
    const first = await startProxy(env);
    expect(first.output()).toContain(
      `callers share the server's OPENAI_API_KEY: each reaches only the stored objects it created (owners in ${join(dir, 'proxy-object-owners.jsonl')})`,
    );
    const created = await call(first.url, 'sk-alice', '/responses', {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-mini', input: 'Hello' }),
    });
    const { id } = (await created.json()) as { id: string };
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startProxy(env);
    expect((await call(second.url, 'sk-bob', `/responses/${id}`)).status).toBe(404);
    expect((await call(second.url, 'sk-bob', '/files')).status).toBe(403);
    const mine = await call(second.url, 'sk-alice', `/responses/${id}`);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { id: string }).id).toBe(id);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('starts while OpenMeter is down, with one warning line, and delivers what it journaled once OpenMeter is up', async () => {
    const subject = 'customer-openmeter-down';
    const dataDir = await mkdtemp(join(dir, 'openmeter-down-'));
    // Port 1: nothing listens there.
    const down = await startProxy({
      OPENMETER_URL: 'http://127.0.0.1:1',
      LLM_METER_DATA_DIR: dataDir,
    });
    const warnings = down
      .output()
      .split('\n')
      .filter((line) => line.includes('OpenMeter'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^proxy: OpenMeter at http:\/\/127\.0\.0\.1:1 cannot be reached \(.+\): starting anyway\. Usage events are journaled in .+outbox-proxy and delivered once it answers/,
      ),
    ]);
    const answer = await postChatCompletion({
      url: down.url,
      subject,
      body: {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hi while OpenMeter is down.' }],
      },
    });
    expect(answer.status).toBe(200);
    const { id } = (await answer.json()) as { id: string };
    down.child.kill('SIGTERM');
    expect(await down.exited).toBe(0);
    expect(await client.events.list({ subject })).toEqual([]);

    const up = await startProxy({ LLM_METER_DATA_DIR: dataDir });
    await expect.poll(async () => (await client.events.list({ subject })).length).toBe(1);
    const [ingested] = await client.events.list({ subject });
    expect(ingested?.event).toMatchObject({ id, data: { usage_source: 'provider' } });
    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
  });

  it('takes --port and --host over the environment, as LiteLLM and Portkey users type them', async () => {
    const running = await startProxy({ LLM_METER_PROXY_PORT: 'not-a-port' }, [
      '--',
      '--port',
      '0',
      '--host=127.0.0.1',
    ]);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('stops with the fix when OPENAI_BASE_URL lacks /v1, instead of answering every call 404', async () => {
    const withoutV1 = openai.url.replace(/\/v1$/, '');
    const running = startProxy({ OPENAI_BASE_URL: withoutV1 });
    await expect(running).rejects.toThrow(
      `OPENAI_BASE_URL (${withoutV1}) answered 404 for GET /models: OpenAI-compatible servers serve the API under /v1, so every call would be a 404. Set OPENAI_BASE_URL=${withoutV1}/v1`,
    );
    await expect(running).rejects.toThrow(/proxy exited with 1/);
  });
  it('writes one JSON line per request to the --access-log file, and never the key', async () => {
    const file = join(dir, 'access.jsonl');
    const callerKey = 'sk-main-access-log-caller-key';
    const running = await startProxy({}, ['--access-log', file]);
    expect(running.output()).toContain(`proxy: access log (JSON lines) to ${file}`);
    const response = await fetch(`${running.url}/chat/completions?key=${callerKey}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${callerKey}`,
        'openmeter-subject': 'customer-access-log',
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const completion = (await response.json()) as { id: string; usage: { total_tokens: number } };
    expect(response.headers.get('x-llm-meter-event-id')).toBe(completion.id);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      subject: 'customer-access-log',
      path: '/v1/chat/completions',
      status: 200,
      event_id: completion.id,
      total_tokens: completion.usage.total_tokens,
    });
    expect(text).not.toContain(callerKey);
  });

  it('stops with the setting named when the access log file cannot be opened', async () => {
    const running = startProxy({
      LLM_METER_PROXY_ACCESS_LOG: join(dir, 'no-such-directory', 'access.jsonl'),
    });
    await expect(running).rejects.toThrow(
      /proxy: LLM_METER_PROXY_ACCESS_LOG: cannot open .*no-such-directory/,
    );
    await expect(running).rejects.toThrow(/proxy exited with 1/);
  });
});
