import { describe, expect, it } from 'vitest';
import {
  defaultServerKeyRoutes,
  formatAllowedRoutes,
  isAllowedRoute,
  parseAllowedRoutes,
} from './allowed-routes.js';
import { classifyPassThrough, isStoredCollectionPath } from './classify-pass-through.js';

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
    ['POST', '/v1/responses/input_tokens', { kind: 'path' }],
    ['GET', '/v1/responses/resp_1/other', { kind: 'path' }],
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
    ['GET', '/v1/chat/completions', { kind: 'list', collection: 'chat.completions' }],
    ['GET', '/v1/files/file-1', { kind: 'path' }],
  ])('%s %s', (method, path, target) => {
    expect(classifyPassThrough({ method, path })).toEqual(target);
  });

  it('tells the stored collections from other paths', () => {
    expect(isStoredCollectionPath('/v1/responses')).toBe(true);
    expect(isStoredCollectionPath('/v1/responses/input_tokens')).toBe(true);
    expect(isStoredCollectionPath('/v1/chat/completions/')).toBe(true);
    expect(isStoredCollectionPath('/v1/chat/completionsx')).toBe(false);
    expect(isStoredCollectionPath('/v1/models')).toBe(false);
  });
});
