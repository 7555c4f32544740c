import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAuthorization } from './check-authorization.js';
import { createIdGenerator } from './create-id-generator.js';
import { createPromptCache } from './create-prompt-cache.js';
import { createReplayStore, type ReplayStore } from './create-replay-store.js';
import { handleChatCompletions } from './handle-chat-completions.js';
import { handleEmbeddings } from './handle-embeddings.js';
import { handleModels } from './handle-models.js';
import { handleResponses } from './handle-responses.js';
import { OpenAIError } from './openai-error.js';
import {
  createFaultError,
  faultHeaderName,
  type OpenAILocalFault,
  parseFaultHeader,
} from './openai-local-fault.js';
import type { OpenAILocalOptions, OpenAILocalServer } from './openai-local-options.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestContext } from './request-context.js';
import { serveReplay } from './serve-replay.js';
import { sleep } from './sleep.js';

const postEndpoints: Record<
  string,
  { endpoint: string; handle: (context: RequestContext) => Promise<void> }
> = {
  '/v1/chat/completions': { endpoint: 'chat.completions', handle: handleChatCompletions },
  '/v1/responses': { endpoint: 'responses', handle: handleResponses },
  '/v1/embeddings': { endpoint: 'embeddings', handle: handleEmbeddings },
  // Legacy completions are served from recordings only.
  '/v1/completions': {
    endpoint: 'completions',
    handle: async () => {
      throw new OpenAIError({
        status: 404,
        message:
          'openai-local generates no legacy /v1/completions answers: use /v1/chat/completions, or replay a recording of this request (--replay).',
        code: 'unsupported_endpoint',
      });
    },
  },
};

/**
 * Starts a local server that speaks OpenAI's wire protocol (chat completions, responses,
 * embeddings, models) with deterministic generated answers, replay of recorded exchanges and
 * fault injection, for development and tests without an OpenAI key. It is a simulator, not a
 * model.
 * @see https://platform.openai.com/docs/api-reference/introduction
 */
export async function startOpenAILocal(
  options: OpenAILocalOptions = {},
): Promise<OpenAILocalServer> {
  const { host = '127.0.0.1', port = 0, seed = 0, tokensPerSecond = 0, apiKey, logger } = options;
  const replayPaths =
    options.replay === undefined
      ? []
      : typeof options.replay === 'string'
        ? [options.replay]
        : [...options.replay];
  const replay: ReplayStore | undefined =
    replayPaths.length > 0 ? createReplayStore(replayPaths) : undefined;
  const replayFallback = options.replayFallback ?? 'error';
  const createId = createIdGenerator({ seed });
  const promptCache = createPromptCache({ maxPrefixes: options.promptCacheSize });
  const openRequests = new Set<AbortController>();
  const headerFaultUses = new Map<string, number>();
  let requestIndex = 0;
  let serverFaultUses = 0;

  function resolveFault({
    request,
    path,
    body,
    index,
  }: {
    request: IncomingMessage;
    path: string;
    body: Record<string, unknown>;
    index: number;
  }): OpenAILocalFault {
    let fault: OpenAILocalFault = {};
    const configured = options.faults;
    if (typeof configured === 'function') {
      fault = { ...configured({ method: request.method ?? 'GET', path, body, index }) };
    } else if (
      configured !== undefined &&
      (configured.times === undefined || serverFaultUses < configured.times)
    ) {
      serverFaultUses += 1;
      fault = { ...configured };
    }
    const header = request.headers[faultHeaderName];
    if (typeof header === 'string' && header.trim() !== '') {
      const headerFault = parseFaultHeader(header);
      const uses = headerFaultUses.get(header) ?? 0;
      if (headerFault.times === undefined || uses < headerFault.times) {
        headerFaultUses.set(header, uses + 1);
        fault = { ...fault, ...headerFault };
      }
    }
    return fault;
  }

  async function handle({
    request,
    response,
    controller,
  }: {
    request: IncomingMessage;
    response: ServerResponse;
    controller: AbortController;
  }): Promise<void> {
    const startedAt = Date.now();
    const requestId = createId('req');
    const headers = (): Record<string, string> => ({
      'x-request-id': requestId,
      'openai-processing-ms': String(Date.now() - startedAt),
      'openai-version': '2020-10-01',
      'openai-organization': 'openai-local',
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-limit-tokens': '10000000',
      'x-ratelimit-remaining-tokens': '9999000',
      'x-ratelimit-reset-tokens': '6ms',
    });
    const sendJson: RequestContext['sendJson'] = ({ status = 200, body, headers: extra = {} }) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(status, { ...headers(), ...extra, 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const index = requestIndex++;
    try {
      checkAuthorization({ request, apiKey });
      const body = request.method === 'POST' ? await readJsonBody(request) : {};
      const fault = resolveFault({ request, path, body, index });
      if (
        fault.delayMs !== undefined &&
        !(await sleep({ milliseconds: fault.delayMs, signal: controller.signal }))
      )
        return;
      if (fault.status !== undefined) throw createFaultError({ ...fault, status: fault.status });
      const context: RequestContext = {
        request,
        response,
        body,
        signal: controller.signal,
        fault,
        headers,
        createId,
        seed,
        tokensPerSecond,
        promptCache,
        createdAt: Math.floor(Date.now() / 1000),
        // drop-after on a blocking request: the connection closes with no answer at all.
        sendJson:
          fault.dropAfterChunks === undefined ? sendJson : () => void response.socket?.destroy(),
      };
      const post = postEndpoints[path];
      if (request.method === 'POST' && post !== undefined) {
        const record = replay?.find({ endpoint: post.endpoint, body });
        if (record !== undefined) return await serveReplay({ context, record });
        if (replay !== undefined && replayFallback === 'error') {
          throw new OpenAIError({
            status: 404,
            message: `No recorded ${post.endpoint} exchange matches this request body (openai-local replay, ${replay.size} records loaded). Record it, fix the request, or start with replayFallback: 'generate' (--replay-fallback generate).`,
            code: 'replay_not_found',
          });
        }
        return await post.handle(context);
      }
      const modelMatch = /^\/v1\/models(?:\/(.+))?$/.exec(path);
      if (request.method === 'GET' && modelMatch !== null) {
        return await handleModels({
          context,
          modelId: modelMatch[1] === undefined ? undefined : decodeURIComponent(modelMatch[1]),
        });
      }
      throw new OpenAIError({ status: 404, message: `Invalid URL (${request.method} ${path})` });
    } catch (error) {
      const openAIError =
        error instanceof OpenAIError
          ? error
          : new OpenAIError({
              status: 500,
              type: 'server_error',
              message: `openai-local failed: ${error instanceof Error ? error.message : String(error)}`,
              cause: error,
            });
      if (openAIError.status >= 500 && !(error instanceof OpenAIError))
        logger?.warn(openAIError.message, { event: 'error', error });
      if (!response.headersSent) {
        sendJson({
          status: openAIError.status,
          body: openAIError.toBody(),
          headers: openAIError.headers,
        });
      } else {
        response.destroy();
      }
    } finally {
      logger?.info(
        `${request.method} ${path} ${response.statusCode}${controller.signal.aborted ? ' (aborted)' : ''}`,
        {
          event: 'request',
          requestId,
          status: response.statusCode,
          aborted: controller.signal.aborted,
          milliseconds: Date.now() - startedAt,
        },
      );
    }
  }

  const server = createServer((request, response) => {
    const controller = new AbortController();
    openRequests.add(controller);
    // `close` before the answer finished means the client went away: stop generating.
    response.on('close', () => {
      if (!response.writableFinished && !controller.signal.aborted) {
        logger?.info(`client disconnected from ${request.method} ${request.url}`, {
          event: 'stream-aborted',
        });
        controller.abort();
      }
      openRequests.delete(controller);
    });
    void handle({ request, response, controller });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    close: () => {
      // Idempotent: test teardown and signal handlers may both close.
      closing ??= new Promise<void>((resolve, reject) => {
        for (const controller of openRequests) controller.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
