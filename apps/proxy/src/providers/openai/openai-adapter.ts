import {
  type MeterableResponse,
  type ToUsageEventOptions,
  toUsageEvent,
  type UsageEndpoint,
} from '@llm-meter/meter-core';
import { ChatStreamMeter, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import { chatChunkReader, responsesEventReader } from '@llm-meter/metering';
import { createSseFramer } from '../../relay/create-sse-framer.js';
import { bearerToken } from '../bearer-token.js';
import type { MeteredCall, ProviderAdapter, StreamMetering } from '../provider-adapter.js';
import { openAIErrorResponse } from './openai-error-response.js';
import { openAITenancy } from './openai-tenancy.js';

type OpenAIEndpoint = 'chat' | 'responses' | 'embeddings';

const usageEndpoints: Record<OpenAIEndpoint, UsageEndpoint> = {
  chat: 'chat.completions',
  responses: 'responses',
  embeddings: 'embeddings',
};

/**
 * OpenAI behind the proxy: chat completions, Responses and embeddings metered (streams as
 * server-sent events), every other `/v1/*` path passed through, `Authorization: Bearer` keys,
 * errors as `{ error: { message, type, param, code } }`. A chat stream is sent upstream with
 * `stream_options.include_usage`, and the usage chunk it adds is kept from a caller that did not
 * ask for it.
 * @see https://platform.openai.com/docs/api-reference
 */
export const openAIAdapter: ProviderAdapter = {
  id: 'openai',
  passThroughPaths: ['/v1'],
  tenancy: openAITenancy,
  keySetting: 'OPENAI_API_KEY',
  upstreamPathPrefix: '/v1',
  upstreamSetting: 'OPENAI_BASE_URL',
  routes: [
    { method: 'POST', path: '/v1/chat/completions', endpoint: 'chat' },
    { method: 'POST', path: '/v1/responses', endpoint: 'responses' },
    { method: 'POST', path: '/v1/embeddings', endpoint: 'embeddings' },
  ],
  auth: {
    apiKeyOf: ({ headers }) => bearerToken(headers.authorization),
    // With the server's key, the caller may not pick the organization or project it spends.
    scopedHeaders: ['authorization', 'openai-organization', 'openai-project'],
    serverKeyHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  },
  requestIdHeader: 'x-request-id',
  errorResponse: openAIErrorResponse,
  prepareCall({ route, body, raw, serverKey }) {
    const endpoint = route.endpoint as OpenAIEndpoint;
    // A background response answers `queued` with no usage and is finished later: nothing here
    // would meter it, so it is refused rather than served unmetered.
    if (endpoint === 'responses' && body.background === true) {
      return {
        success: false,
        error: {
          status: 400,
          message:
            'The metering proxy does not forward background responses yet: they finish after the call returns, and it could not meter them. Send the request without `background`, or stream it.',
          kind: 'invalid_request',
          code: 'background_not_metered',
          param: 'background',
        },
      };
    }
    const streaming = body.stream === true && endpoint !== 'embeddings';
    // Chat streams carry usage only when asked; ask for it, and hide the extra chunk from a
    // client that did not.
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const addUsage = streaming && endpoint === 'chat' && streamOptions?.include_usage !== true;
    // With the server's key, upstream gets exactly what was checked (a duplicate key in the raw
    // JSON could name another customer's previous_response_id).
    const upstreamBody = addUsage
      ? JSON.stringify({ ...body, stream_options: { ...streamOptions, include_usage: true } })
      : serverKey && endpoint === 'responses'
        ? JSON.stringify(body)
        : raw;
    const call: MeteredCall = {
      model: typeof body.model === 'string' ? body.model : undefined,
      streaming,
      upstreamBody,
      usageEndpoint: usageEndpoints[endpoint],
      // OpenAI keeps a chat completion only when created with `store: true`, a response unless
      // created with `store: false`: only those can be retrieved to settle an estimate.
      retrievable:
        endpoint === 'chat'
          ? body.store === true
          : endpoint === 'responses' && body.store !== false,
      streamMetering: (): StreamMetering =>
        endpoint === 'chat'
          ? {
              createMeter: (options) => new ChatStreamMeter({ request: body as never, options }),
              reader: chatChunkReader as StreamMetering['reader'],
            }
          : {
              createMeter: (options) =>
                new ResponsesStreamMeter({ request: body as never, options }),
              reader: responsesEventReader as StreamMetering['reader'],
            },
      createFramer: createSseFramer,
      chunkOf(data) {
        if (data === '[DONE]') return undefined;
        try {
          const chunk: unknown = JSON.parse(data);
          return chunk && typeof chunk === 'object'
            ? (chunk as Record<string, unknown>)
            : undefined;
        } catch {
          return undefined;
        }
      },
      // The usage chunk the proxy asked for is kept from a client that did not.
      forwards: (chunk) =>
        !(addUsage && Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage),
      toUsageEvent: (response, options) =>
        toUsageEvent(response as MeterableResponse, {
          ...options,
          request: body as ToUsageEventOptions['request'],
        }),
    };
    return { success: true, call };
  },
};
