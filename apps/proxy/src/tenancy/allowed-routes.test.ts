import { describe, expect, it } from 'vitest';
import { geminiTenancy } from '../providers/gemini/gemini-tenancy.js';
import { openAITenancy } from '../providers/openai/openai-tenancy.js';
import {
  defaultServerKeyRoutes,
  formatAllowedRoutes,
  isAllowedRoute,
  parseAllowedRoutes,
} from './allowed-routes.js';
import { classifyPassThrough } from './classify-pass-through.js';

describe('parseAllowedRoutes', () => {
  it('reads methods, exact paths and prefixes, comma- or line-separated', () => {
    const routes = parseAllowedRoutes('GET /v1/models,\n/v1/files/*\npost /v1/moderations');
    expect(routes).toEqual([
      { method: 'GET', path: '/v1/models', prefix: false },
      { method: '*', path: '/v1/files', prefix: true },
      { method: 'POST', path: '/v1/moderations', prefix: false },
    ]);
    expect(formatAllowedRoutes(routes)).toBe('GET /v1/models, /v1/files/*, POST /v1/moderations');
  });

  it('refuses entries that are not a /v1 path, naming them', () => {
    expect(() => parseAllowedRoutes('GET models')).toThrow(/"GET models".*\[METHOD\] \/v1\/path/);
    expect(() => parseAllowedRoutes('/v2/models')).toThrow(/"\/v2\/models"/);
    expect(parseAllowedRoutes('/v1beta/cachedContents/*')).toEqual([
      { method: '*', path: '/v1beta/cachedContents', prefix: true },
    ]);
    expect(() => parseAllowedRoutes('/v1/models/../files')).toThrow(/\.\./);
  });
});

describe('isAllowedRoute', () => {
  const routes = parseAllowedRoutes(defaultServerKeyRoutes);
  it.each([
    ['GET', '/v1/models', true],
    ['HEAD', '/v1/models', true],
    ['GET', '/v1/models/gpt-4o-mini', true],
    ['POST', '/v1/moderations', true],
    ['DELETE', '/v1/models/ft:gpt-4o-mini:acme', false],
    ['GET', '/v1/modelsx', false],
    ['GET', '/v1/files', false],
    ['POST', '/v1/batches', false],
    ['POST', '/v1beta/models/gemini-2.0-flash:countTokens', true],
    ['POST', '/v1beta/models/gemini-2.0-flash:embedContent', false],
    ['POST', '/v1beta/models/a/b:countTokens', false],
    ['GET', '/v1beta/models', true],
  ])('%s %s: %s', (method, path, allowed) => {
    expect(isAllowedRoute({ routes, method, path })).toBe(allowed);
  });
});

describe('classifyPassThrough', () => {
  it.each([
    ['GET', '/v1/responses/resp_1', { kind: 'object', collection: 'responses', id: 'resp_1' }],
    ['DELETE', '/v1/responses/resp_1/', { kind: 'object', collection: 'responses', id: 'resp_1' }],
    [
      'POST',
      '/v1/responses/resp_1/cancel',
      { kind: 'object', collection: 'responses', id: 'resp_1' },
    ],
    [
      'GET',
      '/v1/responses/resp_1/input_items',
      { kind: 'object', collection: 'responses', id: 'resp_1' },
    ],
    ['POST', '/v1/responses/input_tokens', { kind: 'inside', collection: 'responses' }],
    ['GET', '/v1/responses/resp_1/other', { kind: 'inside', collection: 'responses' }],
    ['GET', '/v1/responses', { kind: 'list', collection: 'responses' }],
    [
      'GET',
      '/v1/chat/completions/chatcmpl-1',
      { kind: 'object', collection: 'chat.completions', id: 'chatcmpl-1' },
    ],
    [
      'POST',
      '/v1/chat/completions/chatcmpl-1',
      { kind: 'object', collection: 'chat.completions', id: 'chatcmpl-1' },
    ],
    [
      'GET',
      '/v1/chat/completions/chatcmpl-1/messages',
      { kind: 'object', collection: 'chat.completions', id: 'chatcmpl-1' },
    ],
    ['GET', '/v1/chat/completions/a:b', { kind: 'inside', collection: 'chat.completions' }],
    ['GET', '/v1/chat/completions', { kind: 'list', collection: 'chat.completions' }],
    ['GET', '/v1/files/file-1', { kind: 'object', collection: 'files', id: 'file-1' }],
    ['GET', '/v1/files/file-1/content', { kind: 'object', collection: 'files', id: 'file-1' }],
    ['POST', '/v1/files', { kind: 'create', collection: 'files' }],
    ['GET', '/v1/files', { kind: 'list', collection: 'files' }],
    [
      'POST',
      '/v1/vector_stores/vs_1/files',
      { kind: 'object', collection: 'vector_stores', id: 'vs_1' },
    ],
    ['POST', '/v1/conversations', { kind: 'create', collection: 'conversations' }],
    [
      'GET',
      '/v1/conversations/conv_1/items/msg_1',
      { kind: 'object', collection: 'conversations', id: 'conv_1' },
    ],
    ['GET', '/v1/models', { kind: 'path' }],
    ['GET', '/v1/chat/completionsx', { kind: 'path' }],
  ])('OpenAI: %s %s', (method, path, want) => {
    const target = classifyPassThrough({ collections: openAITenancy.collections, method, path });
    expect({
      ...target,
      collection: 'collection' in target ? target.collection.name : undefined,
    }).toEqual(want);
  });

  it.each([
    ['POST', '/v1beta/cachedContents', { kind: 'create', collection: 'google.cachedContents' }],
    [
      'GET',
      '/v1beta/cachedContents/abc',
      { kind: 'object', collection: 'google.cachedContents', id: 'abc' },
    ],
    [
      'GET',
      '/v1/cachedContents/abc',
      { kind: 'object', collection: 'google.cachedContents', id: 'abc' },
    ],
    [
      'POST',
      '/v1beta/tunedModels/mine:generateContent',
      { kind: 'inside', collection: 'google.tunedModels' },
    ],
    ['GET', '/v1beta/files', { kind: 'list', collection: 'google.files' }],
    ['POST', '/v1beta/files', { kind: 'inside', collection: 'google.files' }],
  ])('Gemini: %s %s', (method, path, want) => {
    const target = classifyPassThrough({ collections: geminiTenancy.collections, method, path });
    expect({
      ...target,
      collection: 'collection' in target ? target.collection.name : undefined,
    }).toEqual(want);
  });
});
