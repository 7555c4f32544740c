import { createGeminiUsageEvent, type GeminiPromptRequest } from '@llm-meter/meter-core';
import { GeminiStreamMeter } from '@llm-meter/meter-core/push';
import { geminiChunkReader } from '@llm-meter/metering';
import { createSseFramer } from '../../relay/create-sse-framer.js';
import { parseJsonChunk } from '../parse-json-chunk.js';
import type {
  MeteredCall,
  MeteredRoute,
  ProviderAdapter,
  StreamMetering,
} from '../provider-adapter.js';
import { createJsonArrayFramer } from './create-json-array-framer.js';
import { geminiErrorResponse } from './gemini-error-response.js';
import { geminiTenancy } from './gemini-tenancy.js';

// The model and method are one path segment (`models/gemini-2.5-flash:generateContent`);
// `@google/genai` calls `/v1/…` by default, the REST API's examples `/v1beta/…`.
const routes: MeteredRoute[] = ['/v1beta', '/v1'].flatMap((prefix) =>
  (['generateContent', 'streamGenerateContent'] as const).map((method) => ({
    method: 'POST' as const,
    path: `${prefix}/models/:call{[^/]+:${method}}`,
    endpoint: method,
  })),
);

/**
 * Gemini (the Generative Language API) behind the proxy: `:generateContent` and
 * `:streamGenerateContent` metered below `/v1beta/models/` and `/v1/models/`, streams as
 * server-sent events (`?alt=sse`) or one JSON array, relayed unchanged; every other `/v1beta/*`
 * path (and `/v1/*` with a Google key) passed through. The caller's `x-goog-api-key` or `?key=` passes, or is replaced by
 * `GEMINI_API_KEY` with mapped keys; errors as `{ error: { code, message, status } }`.
 * @see https://ai.google.dev/api/generate-content
 */
export const geminiAdapter: ProviderAdapter = {
  id: 'google',
  // Below `/v1` (where `@google/genai` calls by default) only requests with a Google key are
  // Gemini's; `/v1beta` is Gemini's alone.
  passThroughPaths: ['/v1beta', '/v1'],
  claims: ({ headers, query }) => headers['x-goog-api-key'] !== undefined || query.has('key'),
  tenancy: geminiTenancy,
  keySetting: 'GEMINI_API_KEY',
  upstreamPathPrefix: '',
  upstreamSetting: 'GEMINI_BASE_URL',
  routes,
  auth: {
    apiKeyOf: ({ headers, query }) => {
      const header = headers['x-goog-api-key'];
      const value = Array.isArray(header) ? header[0] : header;
      return value?.trim() || query.get('key')?.trim() || undefined;
    },
    scopedHeaders: ['x-goog-api-key', 'authorization'],
    scopedQuery: ['key'],
    serverKeyHeaders: (apiKey) => ({ 'x-goog-api-key': apiKey }),
  },
  requestIdHeader: undefined,
  errorResponse: geminiErrorResponse,
  prepareCall({ route, params, body, raw, serverKey, query }) {
    const model = (params.call ?? '').replace(/:[^:]*$/, '').replace(/^models\//, '');
    const request = body as GeminiPromptRequest;
    const streaming = route.endpoint === 'streamGenerateContent';
    const sse = query.get('alt') === 'sse';
    const call: MeteredCall = {
      model,
      streaming,
      upstreamBody: serverKey ? JSON.stringify(body) : raw,
      usageEndpoint: 'generateContent',
      // A generated answer is not stored: an estimate stays an estimate.
      retrievable: false,
      promptMeter: (options) =>
        new GeminiStreamMeter({ request, options: { ...options, requestedModel: model } }),
      streamMetering: (): StreamMetering => ({
        createMeter: (options) =>
          new GeminiStreamMeter({ request, options: { ...options, requestedModel: model } }),
        reader: geminiChunkReader as StreamMetering['reader'],
      }),
      createFramer: sse ? createSseFramer : createJsonArrayFramer,
      chunkOf: parseJsonChunk,
      forwards: () => true,
      toUsageEvent: (response, options) =>
        createGeminiUsageEvent(response as never, { ...options, requestedModel: model, request }),
    };
    return { success: true, call };
  },
};
