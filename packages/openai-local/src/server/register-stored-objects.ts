import { randomBytes } from 'node:crypto';
import type { Context, Env, Hono } from 'hono';

/** A stored object's body, as its create call answered it. */
type StoredObject = Record<string, unknown>;

/**
 * Serves two kinds of stored objects from memory, with just enough of their APIs for clients
 * that create, read, list and delete them (a proxy keeping customers apart is tested on them):
 * OpenAI's conversations (`/v1/conversations`) and Gemini's cached contents
 * (`/v1beta/cachedContents`, also below `/v1`). Items, expiry and the cached tokens' effect on
 * a call are not simulated.
 * @see https://platform.openai.com/docs/api-reference/conversations
 * @see https://ai.google.dev/api/caching
 */
export function registerStoredObjects<Environment extends Env>({
  app,
  now,
}: {
  app: Hono<Environment>;
  now: () => Date;
}): void {
  const conversations = new Map<string, StoredObject>();
  const cachedContents = new Map<string, StoredObject>();
  const body = async (context: Context): Promise<Record<string, unknown>> => {
    try {
      const parsed: unknown = await context.req.json();
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const openAINotFound = (context: Context, id: string) =>
    context.json(
      {
        error: {
          message: `Conversation with id '${id}' not found.`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
      404,
    );
  const geminiNotFound = (context: Context) =>
    context.json(
      {
        error: {
          code: 404,
          message: 'CachedContent not found (or permission denied)',
          status: 'NOT_FOUND',
        },
      },
      404,
    );

  app.post('/v1/conversations', async (context) => {
    const request = await body(context);
    const id = `conv_${randomBytes(24).toString('hex')}`;
    const conversation = {
      id,
      object: 'conversation',
      created_at: Math.floor(now().getTime() / 1000),
      metadata: request.metadata ?? {},
    };
    conversations.set(id, conversation);
    return context.json(conversation);
  });
  app.get('/v1/conversations/:id', (context) => {
    const id = context.req.param('id');
    const conversation = conversations.get(id);
    return conversation ? context.json(conversation) : openAINotFound(context, id);
  });
  app.delete('/v1/conversations/:id', (context) => {
    const id = context.req.param('id');
    if (!conversations.delete(id)) return openAINotFound(context, id);
    return context.json({ id, object: 'conversation.deleted', deleted: true });
  });

  for (const version of ['v1beta', 'v1']) {
    app.post(`/${version}/cachedContents`, async (context) => {
      const request = await body(context);
      const name = `cachedContents/${randomBytes(8).toString('hex')}`;
      const time = now().toISOString();
      const cached = {
        name,
        model: request.model,
        displayName: request.displayName,
        createTime: time,
        updateTime: time,
        expireTime: new Date(now().getTime() + 3_600_000).toISOString(),
        usageMetadata: { totalTokenCount: 0 },
      };
      cachedContents.set(name, cached);
      return context.json(cached);
    });
    app.get(`/${version}/cachedContents`, (context) =>
      context.json({ cachedContents: [...cachedContents.values()] }),
    );
    app.get(`/${version}/cachedContents/:id`, (context) => {
      const cached = cachedContents.get(`cachedContents/${context.req.param('id')}`);
      return cached ? context.json(cached) : geminiNotFound(context);
    });
    app.delete(`/${version}/cachedContents/:id`, (context) =>
      cachedContents.delete(`cachedContents/${context.req.param('id')}`)
        ? context.json({})
        : geminiNotFound(context),
    );
  }
}
