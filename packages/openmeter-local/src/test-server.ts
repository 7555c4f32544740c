import { fileURLToPath } from 'node:url';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import type { OpenMeterEvent } from './openmeter-types.js';
import {
  type OpenMeterLocal,
  type StartOpenMeterLocalOptions,
  startOpenMeterLocal,
} from './start-open-meter-local.js';

/**
 * Path of the meters file the tests use.
 */
export const TEST_METERS_FILE = fileURLToPath(
  new URL('./__fixtures__/test-meters.yaml', import.meta.url),
);

/**
 * A running server plus a generated client pointed at it (tests only).
 */
export interface TestServer {
  server: OpenMeterLocal;
  client: OpenMeterClient;
  /** fetch against the server with a path, for malformed-input cases. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Starts openmeter-local on a free port with the test meters unless told otherwise.
 */
export async function startTestServer(
  options: StartOpenMeterLocalOptions = {},
): Promise<TestServer> {
  const server = await startOpenMeterLocal({ metersFile: TEST_METERS_FILE, ...options });
  const client = createOpenMeterClient({
    baseUrl: server.url,
    apiKey: options.apiKey,
    retry: false,
  });
  return {
    server,
    client,
    request: (path, init) => fetch(`${server.url}${path}`, init),
  };
}

/**
 * Builds a valid prompt event; fields can be overridden.
 */
export function createPromptEvent(
  overrides: Partial<OpenMeterEvent> & { id: string },
): OpenMeterEvent {
  return {
    specversion: '1.0',
    source: 'test',
    type: 'prompt',
    subject: 'customer-1',
    time: '2025-01-15T10:00:00Z',
    data: { tokens: 10, model: 'gpt-4o', type: 'input' },
    ...overrides,
  };
}
