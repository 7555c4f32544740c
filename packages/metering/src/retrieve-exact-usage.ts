import {
  convertChatUsage,
  convertResponsesUsage,
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
  UsageEventError,
  type UsageTokens,
} from '@llm-meter/meter-core';

/**
 * The two retrieve calls of the openai SDK that settlement uses, declaring only what it reads;
 * `new OpenAI()` fits.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export interface SettlementClient {
  responses: {
    retrieve(
      id: string,
    ): PromiseLike<{ status?: string | null; usage?: OpenAIResponsesUsage | null | undefined }>;
  };
  chat: {
    completions: {
      retrieve(id: string): PromiseLike<{ usage?: OpenAIChatUsage | null | undefined }>;
    };
  };
}

/**
 * What a retrieve attempt found: the exact usage, a reason to try again later (the response is
 * still in progress, not found yet, or the call failed transiently), or a reason never to.
 * @see https://platform.openai.com/docs/api-reference/chat/get
 */
export type RetrieveResult =
  | { kind: 'exact'; tokens: UsageTokens }
  | { kind: 'later'; reason: string }
  | { kind: 'never'; reason: string };

const unfinishedStatuses = new Set(['queued', 'in_progress']);

/**
 * Fetches OpenAI's own usage of a response: `GET /v1/responses/{id}` for the Responses API, or
 * `GET /v1/chat/completions/{id}` for a chat completion created with `store: true`. A 404, a
 * 408/409/429/5xx, a network failure or a response still in progress is worth retrying; another
 * 4xx is not.
 */
export async function retrieveExactUsage({
  client,
  endpoint,
  responseId,
}: {
  client: SettlementClient;
  endpoint: 'chat.completions' | 'responses';
  responseId: string;
}): Promise<RetrieveResult> {
  try {
    if (endpoint === 'responses') {
      const response = await client.responses.retrieve(responseId);
      if (typeof response.status === 'string' && unfinishedStatuses.has(response.status)) {
        return { kind: 'later', reason: `response ${responseId} is ${response.status}` };
      }
      if (!response.usage)
        return { kind: 'later', reason: `response ${responseId} has no usage yet` };
      return { kind: 'exact', tokens: convertResponsesUsage({ usage: response.usage }) };
    }
    const completion = await client.chat.completions.retrieve(responseId);
    if (!completion.usage) {
      return { kind: 'later', reason: `chat completion ${responseId} has no usage yet` };
    }
    return { kind: 'exact', tokens: convertChatUsage({ usage: completion.usage }) };
  } catch (error) {
    if (error instanceof UsageEventError) {
      return {
        kind: 'never',
        reason: `${endpoint} ${responseId}: malformed usage: ${error.message}`,
      };
    }
    const status = (error as { status?: unknown } | null)?.status;
    const message = error instanceof Error ? error.message : String(error);
    if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      ![404, 408, 409, 429].includes(status)
    ) {
      return { kind: 'never', reason: `${endpoint} ${responseId}: ${message}` };
    }
    return { kind: 'later', reason: `${endpoint} ${responseId}: ${message}` };
  }
}
