import type { OwnedCollection } from './object-owners.js';

/** What a pass-through request touches, for isolating customers who share the server's key. */
export type PassThroughTarget =
  /** One stored object (or an action on it): only the subject that created it may. */
  | { kind: 'object'; collection: OwnedCollection; id: string }
  /** A list of stored objects, which would show every customer's. */
  | { kind: 'list'; collection: OwnedCollection }
  /** Anything else: forwarded only when allowed. */
  | { kind: 'path' };

// Ids as OpenAI spells them (`resp_…`, `chatcmpl-…`); a segment outside this set is no object.
const objectId = '([A-Za-z0-9][A-Za-z0-9_.:-]*)';
const objectRoutes: ReadonlyArray<{ pattern: RegExp; collection: OwnedCollection }> = [
  {
    pattern: new RegExp(`^/v1/responses/${objectId}(?:/(?:cancel|input_items))?$`),
    collection: 'responses',
  },
  {
    pattern: new RegExp(`^/v1/chat/completions/${objectId}(?:/messages)?$`),
    collection: 'chat.completions',
  },
];
// Actions on the whole collection that share the object path's shape.
const collectionActions = new Set(['input_tokens', 'compact']);

/**
 * Classifies a pass-through request by its raw (still percent-encoded) path: a stored response
 * or chat completion, with any method and any of its sub-resources; the list of stored chat
 * completions; or another path.
 */
export function classifyPassThrough({
  method,
  path,
}: {
  method: string;
  path: string;
}): PassThroughTarget {
  const normalized = path.replace(/\/+$/, '');
  for (const { pattern, collection } of objectRoutes) {
    const id = pattern.exec(normalized)?.[1];
    if (id !== undefined && !collectionActions.has(id)) return { kind: 'object', collection, id };
  }
  if (normalized === '/v1/chat/completions' && (method === 'GET' || method === 'HEAD'))
    return { kind: 'list', collection: 'chat.completions' };
  return { kind: 'path' };
}

/** Whether a path lies in (or is) the stored responses or chat completions. */
export function isStoredCollectionPath(path: string): boolean {
  return /^\/v1\/(responses|chat\/completions)(\/|$)/.test(path);
}
