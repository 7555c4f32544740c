import { type AnthropicMessagesRequest, createAnthropicUsageEvent } from '@llm-meter/meter-core';
import { AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import { anthropicEventReader } from '@llm-meter/metering';
import { createSseFramer } from '../../relay/create-sse-framer.js';
import { bearerToken } from '../bearer-token.js';
import { parseJsonChunk } from '../parse-json-chunk.js';
import type { MeteredCall, ProviderAdapter, StreamMetering } from '../provider-adapter.js';
import { anthropicErrorResponse } from './anthropic-error-response.js';
import { anthropicTenancy } from './anthropic-tenancy.js';

/**
 * Anthropic behind the proxy: `POST /v1/messages` metered, blocking or streamed (server-sent
 * events, relayed unchanged), the caller's `x-api-key` (or `Authorization: Bearer`, as
 * `@anthropic-ai/sdk` sends an auth token) passed through or replaced by the proxy's own key,
 * `anthropic-version` and `anthropic-beta` forwarded as every other header, errors as
 * `{ type: "error", error: { type, message } }`. Its other paths below `/v1` (files, batches,
 * models, token counts) are passed through when the request carries `anthropic-version`.
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  // `/v1` is OpenAI's too: Anthropic's requests carry `anthropic-version`, which its SDK always
  // sends and its API requires.
  passThroughPaths: ['/v1'],
  claims: ({ headers }) => headers['anthropic-version'] !== undefined,
  tenancy: anthropicTenancy,
  keySetting: 'ANTHROPIC_API_KEY',
  upstreamPathPrefix: '',
  upstreamSetting: 'ANTHROPIC_BASE_URL',
  routes: [{ method: 'POST', path: '/v1/messages', endpoint: 'messages' }],
  auth: {
    apiKeyOf: ({ headers }) => {
      const key = headers['x-api-key'];
      const value = Array.isArray(key) ? key[0] : key;
      return value?.trim() || bearerToken(headers.authorization);
    },
    scopedHeaders: ['x-api-key', 'authorization'],
    serverKeyHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
  },
  requestIdHeader: 'request-id',
  errorResponse: anthropicErrorResponse,
  prepareCall({ body, raw, serverKey }) {
    const request = body as AnthropicMessagesRequest;
    const call: MeteredCall = {
      model: typeof body.model === 'string' ? body.model : undefined,
      streaming: body.stream === true,
      // With the server's key, upstream gets exactly what was checked.
      upstreamBody: serverKey ? JSON.stringify(body) : raw,
      usageEndpoint: 'messages',
      // Anthropic keeps no message to retrieve: an estimate stays an estimate.
      retrievable: false,
      promptMeter: (options) => new AnthropicStreamMeter({ request, options }),
      streamMetering: (): StreamMetering => ({
        createMeter: (options) => new AnthropicStreamMeter({ request, options }),
        reader: anthropicEventReader as StreamMetering['reader'],
      }),
      createFramer: createSseFramer,
      chunkOf: parseJsonChunk,
      forwards: () => true,
      toUsageEvent: (response, options) =>
        createAnthropicUsageEvent(response as never, { ...options, request }),
    };
    return { success: true, call };
  },
};
