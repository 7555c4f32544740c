import { findStringFields } from '../../tenancy/find-string-fields.js';
import type {
  CreatedObject,
  ObjectReference,
  ProviderTenancy,
  StoredCollection,
} from '../../tenancy/stored-collection.js';

const byId = (answer: Record<string, unknown>) =>
  typeof answer.id === 'string' ? answer.id : undefined;
const segment = '/[A-Za-z0-9_.-]+';

/** OpenAI's stored objects: responses and chat completions (created by metered calls) and those created through allowed routes. */
const collections: StoredCollection[] = [
  {
    name: 'responses',
    noun: 'response',
    path: '/v1/responses',
    objectPaths: /^(?:\/cancel|\/input_items)?$/,
    actions: ['input_tokens', 'compact'],
  },
  {
    name: 'chat.completions',
    noun: 'chat completion',
    path: '/v1/chat/completions',
    objectPaths: /^(?:\/messages)?$/,
  },
  {
    name: 'files',
    noun: 'file',
    path: '/v1/files',
    objectPaths: /^(?:\/content)?$/,
    createdId: byId,
  },
  {
    name: 'vector_stores',
    noun: 'vector store',
    path: '/v1/vector_stores',
    objectPaths: new RegExp(
      `^(?:/search|/files(?:${segment}(?:/content)?)?|/file_batches(?:${segment}(?:/cancel|/files)?)?)?$`,
    ),
    createdId: byId,
  },
  {
    name: 'batches',
    noun: 'batch',
    path: '/v1/batches',
    objectPaths: /^(?:\/cancel)?$/,
    createdId: byId,
  },
  {
    name: 'conversations',
    noun: 'conversation',
    path: '/v1/conversations',
    objectPaths: new RegExp(`^(?:/items(?:${segment})?)?$`),
    createdId: byId,
  },
  {
    name: 'containers',
    noun: 'container',
    path: '/v1/containers',
    objectPaths: new RegExp(`^(?:/files(?:${segment}(?:/content)?)?)?$`),
    createdId: byId,
  },
];

/** The stored objects an OpenAI request body names: files, vector stores and containers anywhere. */
function referencesIn(body: Record<string, unknown>): ObjectReference[] {
  const references: ObjectReference[] = [];
  for (const [name, id] of findStringFields({
    value: body,
    wanted: (field) => /(^|_)file_ids?$|^vector_store_ids?$|^container_id$/.test(field),
  })) {
    const collection = name.startsWith('vector_store')
      ? 'vector_stores'
      : name === 'container_id'
        ? 'containers'
        : 'files';
    references.push({ collection, id });
  }
  // A code interpreter's container by id (`"container": "cntr_…"`).
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools as Array<Record<string, unknown> | null>)
    if (typeof tool?.container === 'string')
      references.push({ collection: 'containers', id: tool.container });
  return references;
}

/** The ids of a stored response and its output items, in a Responses body or stream event. */
function responseObjects(value: Record<string, unknown>): CreatedObject[] {
  const response =
    value.object === 'response'
      ? value
      : (value.response as Record<string, unknown> | null | undefined);
  const created: CreatedObject[] = [];
  if (response && typeof response.id === 'string')
    created.push({ collection: 'responses', id: response.id });
  const items = [
    ...(Array.isArray(response?.output) ? response.output : []),
    ...(value.item && typeof value.item === 'object' ? [value.item] : []),
  ] as Array<{ id?: unknown } | null>;
  for (const item of items)
    if (typeof item?.id === 'string') created.push({ collection: 'responses.items', id: item.id });
  return created;
}

/**
 * OpenAI's tenant isolation: stored responses, chat completions, files, vector stores,
 * batches, conversations and containers answer only their creator; a Responses request may
 * chain only its caller's `previous_response_id`, `conversation` and output items (input items
 * by `id`, `item_reference`), and any request body names only its caller's files, vector stores
 * and containers.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export const openAITenancy: ProviderTenancy = {
  collections,
  references({ endpoint, body }) {
    const references = referencesIn(body);
    if (endpoint !== 'responses') return { success: true, references };
    const previous = body.previous_response_id;
    if (previous != null && typeof previous !== 'string') {
      return {
        success: false,
        error: {
          status: 400,
          message: 'previous_response_id must be a string.',
          kind: 'invalid_request',
          code: 'invalid_type',
          param: 'previous_response_id',
        },
      };
    }
    if (typeof previous === 'string' && previous !== '') {
      references.push({
        collection: 'responses',
        id: previous,
        notFound: {
          status: 400,
          message: `Previous response with id '${previous}' not found.`,
          kind: 'invalid_request',
          code: 'previous_response_not_found',
          param: 'previous_response_id',
        },
      });
    }
    const conversation = body.conversation;
    const conversationId =
      typeof conversation === 'string'
        ? conversation
        : (conversation as { id?: unknown } | null | undefined)?.id;
    if (conversation != null && typeof conversationId !== 'string') {
      return {
        success: false,
        error: {
          status: 400,
          message: 'conversation must be a conversation id or an object with its id.',
          kind: 'invalid_request',
          code: 'invalid_type',
          param: 'conversation',
        },
      };
    }
    if (typeof conversationId === 'string')
      references.push({ collection: 'conversations', id: conversationId });
    // Items passed back by id (an `item_reference`, a reasoning item, an earlier output) are
    // read from upstream's store: only the caller's own responses' output items pass.
    const input = Array.isArray(body.input) ? body.input : [];
    for (const item of input as Array<{ id?: unknown } | null>)
      if (item && typeof item === 'object' && typeof item.id === 'string')
        references.push({
          collection: 'responses.items',
          id: item.id,
          notFound: {
            status: 404,
            message: `Item with id '${item.id}' not found.`,
            kind: 'invalid_request',
            code: null,
            param: 'input',
          },
        });
    return { success: true, references };
  },
  createdBy({ endpoint, body }) {
    // Stored as OpenAI stores them: responses unless `store: false`, chat completions only with
    // `store: true`.
    if (endpoint === 'responses' && body.store !== false) return responseObjects;
    if (endpoint === 'chat' && body.store === true)
      return (value) =>
        typeof value.id === 'string' ? [{ collection: 'chat.completions', id: value.id }] : [];
    return undefined;
  },
};
