import { expect, test } from 'vitest';
import { resolveOpenMeterApi } from './resolve-open-meter-api.js';

test.each([
  { url: 'http://127.0.0.1:8888', apiVersion: undefined, want: ['v1', 'http://127.0.0.1:8888'] },
  { url: 'http://127.0.0.1:8888/', apiVersion: '', want: ['v1', 'http://127.0.0.1:8888'] },
  {
    url: 'http://127.0.0.1:8888',
    apiVersion: 'v3',
    want: ['v3', 'http://127.0.0.1:8888/api/v3'],
  },
  {
    url: 'https://openmeter.cloud/api/v3/',
    apiVersion: 'V3',
    want: ['v3', 'https://openmeter.cloud/api/v3'],
  },
  {
    url: 'https://us.api.konghq.com',
    apiVersion: undefined,
    want: ['v3', 'https://us.api.konghq.com/v3'],
  },
  {
    url: 'https://eu.api.konghq.com/v3',
    apiVersion: 'v3',
    want: ['v3', 'https://eu.api.konghq.com/v3'],
  },
])('$url with $apiVersion', ({ url, apiVersion, want }) => {
  const resolved = resolveOpenMeterApi({ url, apiVersion });
  expect([resolved.apiVersion, resolved.baseUrl]).toEqual(want);
});

test('v1 on Kong Konnect is refused, naming the setting', () => {
  expect(() => resolveOpenMeterApi({ url: 'https://us.api.konghq.com', apiVersion: 'v1' })).toThrow(
    /serves OpenMeter's v3 API only: set OPENMETER_API_VERSION=v3/,
  );
});

test('an unknown version is refused, naming the setting', () => {
  expect(() => resolveOpenMeterApi({ url: 'http://127.0.0.1:8888', apiVersion: 'v2' })).toThrow(
    /OPENMETER_API_VERSION must be v1 or v3, got "v2"/,
  );
});
