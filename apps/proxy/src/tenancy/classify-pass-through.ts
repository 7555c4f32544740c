import type { StoredCollection } from './stored-collection.js';

/** What a pass-through request touches, for isolating customers who share the server's key. */
export type PassThroughTarget =
  /** One stored object (or an action on it): only the subject that created it may. */
  | { kind: 'object'; collection: StoredCollection; id: string }
  /** A list of stored objects, which would show every customer's. */
  | { kind: 'list'; collection: StoredCollection }
  /** Creates a stored object (when the route is allowed): its owner is recorded from the answer. */
  | { kind: 'create'; collection: StoredCollection }
  /** Another path in a stored collection: never forwarded with the server's key. */
  | { kind: 'inside'; collection: StoredCollection }
  /** Anything else: forwarded only when allowed. */
  | { kind: 'path' };

// Ids as providers spell them (`resp_…`, `file-…`, Gemini's `abc123`): no `:` (Gemini's
// `tunedModels/x:generateContent` is a call, not the object) and no encoding.
const objectId = /^([A-Za-z0-9][A-Za-z0-9_.-]*)(.*)$/;

/**
 * Classifies a pass-through request by its raw (still percent-encoded) path against a
 * provider's stored collections: one object with any of its owner's sub-paths, the list, the
 * create call, another path inside the collection, or a path outside them all.
 */
export function classifyPassThrough({
  collections,
  method,
  path,
}: {
  collections: readonly StoredCollection[];
  method: string;
  path: string;
}): PassThroughTarget {
  const normalized = path.replace(/\/+$/, '');
  // The longest collection path first: `/v1/messages/batches` before a `/v1/messages`.
  const ordered = [...collections].sort((a, b) => b.path.length - a.path.length);
  for (const collection of ordered) {
    if (normalized === collection.path) {
      if (method === 'GET' || method === 'HEAD') return { kind: 'list', collection };
      if (method === 'POST' && collection.createdId) return { kind: 'create', collection };
      return { kind: 'inside', collection };
    }
    if (!normalized.startsWith(`${collection.path}/`)) continue;
    const match = objectId.exec(normalized.slice(collection.path.length + 1));
    const id = match?.[1];
    const rest = match?.[2] ?? '';
    if (id !== undefined && !collection.actions?.includes(id) && collection.objectPaths.test(rest))
      return { kind: 'object', collection, id };
    return { kind: 'inside', collection };
  }
  return { kind: 'path' };
}
