import { findStringFields } from '../../tenancy/find-string-fields.js';
import type { ProviderTenancy, StoredCollection } from '../../tenancy/stored-collection.js';

const byId = (answer: Record<string, unknown>) =>
  typeof answer.id === 'string' ? answer.id : undefined;

const collections: StoredCollection[] = [
  {
    name: 'anthropic.files',
    noun: 'file',
    path: '/v1/files',
    objectPaths: /^(?:\/content)?$/,
    createdId: byId,
  },
  {
    name: 'anthropic.batches',
    noun: 'message batch',
    path: '/v1/messages/batches',
    objectPaths: /^(?:\/cancel|\/results)?$/,
    createdId: byId,
  },
];

/** The container a Messages answer (or one of its stream events) ran code in. */
function containerOf(value: Record<string, unknown>): string | undefined {
  for (const holder of [value, value.message, value.delta] as Array<Record<string, unknown>>) {
    const container = holder?.container as { id?: unknown } | null | undefined;
    if (typeof container?.id === 'string') return container.id;
  }
  return undefined;
}

/**
 * Anthropic's tenant isolation: files and message batches answer only their creator; a
 * request body names only its caller's files (`file_id` in a document or image source, also
 * inside a batch's requests) and code execution containers (those its own messages ran in).
 * @see https://docs.anthropic.com/en/api/files-create
 */
export const anthropicTenancy: ProviderTenancy = {
  collections,
  references({ body }) {
    const references = findStringFields({ value: body, wanted: (name) => name === 'file_id' }).map(
      ([, id]) => ({ collection: 'anthropic.files', id }),
    );
    if (typeof body.container === 'string')
      references.push({ collection: 'anthropic.containers', id: body.container });
    return { success: true, references };
  },
  createdBy({ endpoint }) {
    if (endpoint !== 'messages') return undefined;
    return (value) => {
      const id = containerOf(value);
      return id === undefined ? [] : [{ collection: 'anthropic.containers', id }];
    };
  },
};
