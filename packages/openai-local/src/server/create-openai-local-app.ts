import { createHash } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createEventStream } from '../generation/create-event-stream.js';
import type { PromptCache } from '../generation/create-prompt-cache.js';
import type { UsageLedger } from '../ledger/create-usage-ledger.js';
import { handleCostReport } from '../providers/anthropic/admin-api/handle-cost-report.js';
import { handleUsageReport } from '../providers/anthropic/admin-api/handle-usage-report.js';
import {
  AnthropicError,
  type AnthropicErrorBody,
  anthropicErrorType,
} from '../providers/anthropic/anthropic-error.js';
import {
  checkAnthropicAdminAuthorization,
  checkAnthropicAuthorization,
} from '../providers/anthropic/check-anthropic-authorization.js';
import type { AnthropicPromptCache } from '../providers/anthropic/create-anthropic-prompt-cache.js';
import { handleCountTokens as handleAnthropicCountTokens } from '../providers/anthropic/handle-count-tokens.js';
import { handleMessages } from '../providers/anthropic/handle-messages.js';
import { checkGeminiAuthorization } from '../providers/gemini/check-gemini-authorization.js';
import {
  GeminiError,
  type GeminiErrorBody,
  geminiStatusName,
} from '../providers/gemini/gemini-error.js';
import { handleGeminiModelCall } from '../providers/gemini/handle-gemini-model-call.js';
import {
  checkAdminAuthorization,
  checkAuthorization,
} from '../providers/openai/check-authorization.js';
import { handleChatCompletions } from '../providers/openai/handle-chat-completions.js';
import { handleDelete } from '../providers/openai/handle-delete.js';
import { handleEmbeddings } from '../providers/openai/handle-embeddings.js';
import { handleModels } from '../providers/openai/handle-models.js';
import { handleResponses } from '../providers/openai/handle-responses.js';
import { handleRetrieve } from '../providers/openai/handle-retrieve.js';
import { createServedModels } from '../providers/openai/known-models.js';
import { OpenAIError } from '../providers/openai/openai-error.js';
import { handleCosts } from '../providers/openai/usage-api/handle-costs.js';
import { handleOrganizationUsage } from '../providers/openai/usage-api/handle-organization-usage.js';
import type { ReplayStore } from '../replay/create-replay-store.js';
import { serveReplay } from '../replay/serve-replay.js';
import type { IdGenerator } from './create-id-generator.js';
import {
  createFaultError,
  faultHeaderName,
  type OpenAILocalFault,
  parseFaultHeader,
} from './openai-local-fault.js';
import type { OpenAILocalOptions } from './openai-local-options.js';
import { parseJsonBody } from './parse-json-body.js';
import { providerOfPath } from './provider-of-path.js';
import { registerStoredObjects } from './register-stored-objects.js';
import type { RequestContext } from './request-context.js';
import { sleep } from './sleep.js';

type Environment = {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    /** When the request arrived, on the monotonic clock (`performance.now()`): for durations. */
    startedAt: number;
    signal: AbortSignal;
    apiKeyId: string;
    headers: () => Record<string, string>;
  };
};

/**
 * The organization id openai-local answers in Anthropic's `anthropic-organization-id` header.
 * @see https://docs.anthropic.com/en/api/overview#response-headers
 */
export const anthropicOrganizationId = '00000000-0000-4000-8000-00000000a10c';

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
 * The project a request is billed to: the `OpenAI-Project` header the SDK sends for its `project`
 * option, or openai-local's one default project.
 */
export const defaultProjectId = 'proj_openai_local';

/**
 * The one organisation member openai-local bills every request to (`user_id` in the Usage API).
 */
export const defaultUserId = 'user_openai_local';

/**
 * The `api_key_id` the Usage API reports for a key: `key_` and 16 hex digits of its SHA-256, so
 * the key itself is never stored or shown.
 */
export function createApiKeyId(key: string): string {
  return `key_${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * What the app needs from the server that runs it: its settings plus the state shared by every
 * request (ids, prompt cache, replay records, usage ledger, open requests).
 */
export interface OpenAILocalAppInput {
  options: OpenAILocalOptions;
  createId: IdGenerator;
  promptCache: PromptCache;
  anthropicPromptCache: AnthropicPromptCache;
  replay: ReplayStore | undefined;
  ledger: UsageLedger;
  openRequests: Set<AbortController>;
  now: () => Date;
}

/**
 * Builds openai-local's Hono app for `@hono/node-server`: routing, key checks, body limit, path
 * checks and OpenAI-style errors as middleware. Streams write to the Node response themselves,
 * because their faults (dropped connections) act on the socket.
 */
export function createOpenAILocalApp({
  options,
  createId,
  promptCache,
  anthropicPromptCache,
  replay,
  ledger,
  openRequests,
  now,
}: OpenAILocalAppInput): Hono<Environment> {
  const { seed = 0, tokensPerSecond = 0, apiKey, adminKey, logger } = options;
  const replayFallback = options.replayFallback ?? 'error';
  const bodyLimitBytes = options.bodyLimitBytes ?? 32 * 1024 * 1024;
  const headerFaultUses = new Map<string, number>();
  const models = createServedModels({ models: options.models });
  let requestIndex = 0;
  let serverFaultUses = 0;
  // Not strict: a trailing slash (`/v1/models/`) names the same route, as before the move to Hono.
  const app = new Hono<Environment>({ strict: false });

  function resolveFault({
    context,
    path,
    body,
    index,
  }: {
    context: Context<Environment>;
    path: string;
    body: Record<string, unknown>;
    index: number;
  }): OpenAILocalFault {
    let fault: OpenAILocalFault = {};
    const configured = options.faults;
    if (typeof configured === 'function') {
      fault = { ...configured({ method: context.req.method, path, body, index }) };
    } else if (
      configured !== undefined &&
      (configured.times === undefined || serverFaultUses < configured.times)
    ) {
      serverFaultUses += 1;
      fault = { ...configured };
    }
    const header = context.req.header(faultHeaderName);
    if (header !== undefined && header.trim() !== '') {
      const headerFault = parseFaultHeader(header);
      const uses = headerFaultUses.get(header) ?? 0;
      if (headerFault.times === undefined || uses < headerFault.times) {
        headerFaultUses.set(header, uses + 1);
        fault = { ...fault, ...headerFault };
      }
    }
    return fault;
  }

  // Request id, shared headers, abort on disconnect and the request log, around everything.
  app.use('*', async (context, next) => {
    // Durations only (processing time, the request log): the monotonic clock, not `now`.
    const startedAt = performance.now();
    const elapsedMs = () => Math.round(performance.now() - startedAt);
    const requestId = createId('req');
    const { outgoing } = context.env;
    const controller = new AbortController();
    openRequests.add(controller);
    // `close` before the answer finished means the client went away: stop generating.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished && !controller.signal.aborted) {
        logger?.info(`client disconnected from ${context.req.method} ${context.req.path}`, {
          event: 'stream-aborted',
        });
        controller.abort();
      }
      openRequests.delete(controller);
    });
    context.set('requestId', requestId);
    context.set('startedAt', startedAt);
    context.set('signal', controller.signal);
    const provider = providerOfPath(context.req.path);
    context.set('headers', (): Record<string, string> => {
      if (provider === 'anthropic') {
        return {
          'request-id': requestId,
          'anthropic-organization-id': anthropicOrganizationId,
          'x-request-id': requestId,
        };
      }
      if (provider === 'gemini') {
        return {
          'x-request-id': requestId,
          'server-timing': `gfet4t7; dur=${elapsedMs()}`,
          vary: 'Origin, X-Origin, Referer',
        };
      }
      return openAIHeaders();
    });
    const openAIHeaders = () => ({
      'x-request-id': requestId,
      'openai-processing-ms': String(elapsedMs()),
      'openai-version': '2020-10-01',
      'openai-organization': 'openai-local',
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-limit-tokens': '10000000',
      'x-ratelimit-remaining-tokens': '9999000',
      'x-ratelimit-reset-tokens': '6ms',
    });
    try {
      await next();
    } finally {
      const status = outgoing.headersSent ? outgoing.statusCode : context.res.status;
      logger?.info(
        `${context.req.method} ${context.req.path} ${status}${controller.signal.aborted ? ' (aborted)' : ''}`,
        {
          event: 'request',
          requestId,
          status,
          aborted: controller.signal.aborted,
          milliseconds: elapsedMs(),
        },
      );
    }
  });

  // A path that is not valid percent-encoding is the client's error, not a server failure.
  app.use('*', async (context, next) => {
    const raw = context.req.url.slice(context.req.url.indexOf('/', 8)).split('?')[0] ?? '';
    try {
      decodeURIComponent(raw);
    } catch (error) {
      throw new OpenAIError({
        status: 400,
        message: `Invalid URL (${context.req.method} ${raw}): the path is not valid percent-encoding. Encode reserved characters as %XX with two hex digits.`,
        cause: error,
      });
    }
    await next();
  });

  // Each provider's key check, on its own header, with its own error shape.
  app.use('*', async (context, next) => {
    const path = context.req.path;
    const provider = providerOfPath(path);
    let key: string;
    if (provider === 'anthropic' && path.startsWith('/v1/organizations/')) {
      key = checkAnthropicAdminAuthorization({
        apiKeyHeader: context.req.header('x-api-key'),
        authorization: context.req.header('authorization'),
        adminKey,
      });
    } else if (provider === 'anthropic') {
      key = checkAnthropicAuthorization({
        apiKeyHeader: context.req.header('x-api-key'),
        authorization: context.req.header('authorization'),
        versionHeader: context.req.header('anthropic-version'),
        apiKey,
      });
    } else if (provider === 'gemini') {
      key = checkGeminiAuthorization({
        apiKeyHeader: context.req.header('x-goog-api-key'),
        keyParameter: context.req.query('key'),
        apiKey,
      });
    } else if (path.startsWith('/v1/organization/')) {
      key = checkAdminAuthorization({
        authorization: context.req.header('authorization'),
        adminKey,
        apiKey,
      });
    } else {
      key = checkAuthorization({ authorization: context.req.header('authorization'), apiKey });
    }
    context.set('apiKeyId', createApiKeyId(key));
    await next();
  });

  app.use(
    '*',
    bodyLimit({
      maxSize: bodyLimitBytes,
      onError: () => {
        throw new OpenAIError({
          status: 413,
          message: `The request body is larger than this openai-local server accepts (${bodyLimitBytes} bytes). Send a smaller request, or start it with a larger --body-limit.`,
          code: 'request_too_large',
          // The rest of the body may still be arriving: do not keep reading it.
          headers: { connection: 'close' },
        });
      },
    }),
  );

  async function serve(
    context: Context<Environment>,
    run: (requestContext: RequestContext) => Promise<void>,
  ): Promise<Response> {
    const path = context.req.path.replace(/\/+$/, '');
    const body = context.req.method === 'POST' ? parseJsonBody(await context.req.text()) : {};
    const signal = context.get('signal');
    const fault = resolveFault({ context, path, body, index: requestIndex++ });
    if (
      fault.delayMs !== undefined &&
      !(await sleep({ milliseconds: fault.delayMs, signal, until: fault.until }))
    )
      return RESPONSE_ALREADY_SENT;
    if (fault.status !== undefined) throw createFaultError({ ...fault, status: fault.status });
    let answer: { status: number; body: unknown; headers: Record<string, string> } | undefined;
    let dropped = false;
    const { outgoing } = context.env;
    const createdAt = Math.floor(now().getTime() / 1000);
    const projectId = context.req.header('openai-project') || defaultProjectId;
    const apiKeyId = context.get('apiKeyId');
    const requestContext: RequestContext = {
      body,
      signal,
      fault,
      headers: context.get('headers'),
      createId,
      requestId: context.get('requestId'),
      seed,
      tokensPerSecond,
      models,
      promptCache,
      anthropicPromptCache,
      createdAt,
      now,
      forcedServiceTier: fault.serveTier ?? options.serveTier,
      openEventStream: ({ framing } = {}) =>
        createEventStream({
          response: outgoing,
          signal,
          fault,
          tokensPerSecond,
          headers: context.get('headers')(),
          framing,
        }),
      sendJson: ({ status = 200, body: answerBody, headers = {} }) => {
        // drop-after on a blocking request: the connection closes with no answer at all.
        if (fault.dropAfterChunks !== undefined) {
          dropped = true;
          outgoing.socket?.destroy();
          return;
        }
        answer = { status, body: answerBody, headers };
      },
      markInProgress: ({ id, object }) =>
        ledger.markInProgress({ endpoint: 'responses', id, object }),
      bill: (input) =>
        ledger.record({
          ...input,
          provider: input.provider ?? 'openai',
          request_id: context.get('requestId'),
          created_at: createdAt,
          project_id: projectId,
          api_key_id: apiKeyId,
          user_id: defaultUserId,
          batch: false,
        }),
    };
    await run(requestContext);
    if (answer === undefined || dropped || outgoing.headersSent) return RESPONSE_ALREADY_SENT;
    return context.json(answer.body as object, answer.status as 200, {
      ...context.get('headers')(),
      ...answer.headers,
    });
  }

  for (const [path, post] of Object.entries(postEndpoints)) {
    app.post(path, (context) =>
      serve(context, async (requestContext) => {
        const record = replay?.find({ endpoint: post.endpoint, body: requestContext.body });
        if (record !== undefined) return await serveReplay({ context: requestContext, record });
        if (replay !== undefined && replayFallback === 'error') {
          throw new OpenAIError({
            status: 404,
            message: `No recorded ${post.endpoint} exchange matches this request body (openai-local replay, ${replay.size} records loaded). Record it, fix the request, or start with replayFallback: 'generate' (--replay-fallback generate).`,
            code: 'replay_not_found',
          });
        }
        await post.handle(requestContext);
      }),
    );
  }
  app.get('/v1/models', (context) =>
    serve(context, (requestContext) =>
      handleModels({ context: requestContext, modelId: undefined }),
    ),
  );
  app.get('/v1/models/:id{.+}', (context) =>
    serve(context, (requestContext) =>
      handleModels({ context: requestContext, modelId: context.req.param('id') }),
    ),
  );
  app.get('/v1/responses/:id', (context) =>
    serve(context, (requestContext) =>
      handleRetrieve({
        context: requestContext,
        ledger,
        endpoint: 'responses',
        id: context.req.param('id'),
      }),
    ),
  );
  app.get('/v1/chat/completions/:id', (context) =>
    serve(context, (requestContext) =>
      handleRetrieve({
        context: requestContext,
        ledger,
        endpoint: 'chat.completions',
        id: context.req.param('id'),
      }),
    ),
  );
  for (const [path, endpoint] of [
    ['/v1/responses/:id', 'responses'],
    ['/v1/chat/completions/:id', 'chat.completions'],
  ] as const) {
    app.delete(path, (context) =>
      serve(context, (requestContext) =>
        handleDelete({ context: requestContext, ledger, endpoint, id: context.req.param('id') }),
      ),
    );
  }
  app.get('/v1/organization/usage/:kind', (context) =>
    serve(context, (requestContext) =>
      handleOrganizationUsage({
        context: requestContext,
        ledger,
        kind: context.req.param('kind'),
        query: new URL(context.req.url).searchParams,
      }),
    ),
  );
  app.get('/v1/organization/costs', (context) =>
    serve(context, (requestContext) =>
      handleCosts({
        context: requestContext,
        ledger,
        query: new URL(context.req.url).searchParams,
        logger,
      }),
    ),
  );

  registerStoredObjects({ app, now });
  app.post('/v1/messages', (context) => serve(context, handleMessages));
  app.post('/v1/messages/count_tokens', (context) => serve(context, handleAnthropicCountTokens));
  app.get('/v1/organizations/usage_report/messages', (context) =>
    serve(context, (requestContext) =>
      handleUsageReport({
        context: requestContext,
        ledger,
        query: new URL(context.req.url).searchParams,
      }),
    ),
  );
  app.get('/v1/organizations/cost_report', (context) =>
    serve(context, (requestContext) =>
      handleCostReport({
        context: requestContext,
        ledger,
        query: new URL(context.req.url).searchParams,
      }),
    ),
  );
  for (const apiVersion of ['v1beta', 'v1']) {
    app.post(`/${apiVersion}/models/:call{.+:[A-Za-z]+}`, (context) =>
      serve(context, (requestContext) =>
        handleGeminiModelCall({
          context: requestContext,
          apiVersion,
          call: context.req.param('call'),
          query: new URL(context.req.url).searchParams,
        }),
      ),
    );
  }

  const sendError = (context: Context<Environment>, error: unknown): Response => {
    const known =
      error instanceof OpenAIError ||
      error instanceof AnthropicError ||
      error instanceof GeminiError;
    const openAIError =
      error instanceof OpenAIError
        ? error
        : new OpenAIError({
            status:
              error instanceof AnthropicError || error instanceof GeminiError ? error.status : 500,
            type: 'server_error',
            message: known
              ? (error as Error).message
              : `openai-local failed: ${error instanceof Error ? error.message : String(error)}`,
            headers:
              error instanceof AnthropicError || error instanceof GeminiError ? error.headers : {},
            cause: error,
          });
    if (!known) logger?.warn(openAIError.message, { event: 'error', error });
    const { outgoing } = context.env;
    if (outgoing.headersSent || outgoing.destroyed) {
      // Mid-stream: the client sees a broken stream, as when OpenAI fails after the headers.
      outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    const provider = providerOfPath(context.req.path);
    const body =
      provider === 'anthropic'
        ? ({
            type: 'error',
            error: {
              type:
                error instanceof AnthropicError
                  ? error.type
                  : anthropicErrorType(openAIError.status),
              message: openAIError.message,
            },
            request_id: context.get('requestId'),
          } satisfies AnthropicErrorBody)
        : provider === 'gemini'
          ? ({
              error: {
                code: openAIError.status,
                message: openAIError.message,
                status:
                  error instanceof GeminiError
                    ? error.statusName
                    : geminiStatusName(openAIError.status),
              },
            } satisfies GeminiErrorBody)
          : openAIError.toBody();
    return context.json(body, openAIError.status as 400, {
      ...context.get('headers')(),
      ...openAIError.headers,
    });
  };
  app.notFound((context) =>
    sendError(
      context,
      new OpenAIError({
        status: 404,
        message: `Invalid URL (${context.req.method} ${context.req.path.replace(/\/+$/, '') || '/'})`,
      }),
    ),
  );
  app.onError((error, context) => sendError(context, error));

  return app;
}
