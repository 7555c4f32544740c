import type { ProxyError } from '../providers/provider-adapter.js';

/**
 * A kind of object a provider keeps per account (responses, files, cached contents, ...): with
 * the proxy's own upstream key every customer's land in one account, so only the customer that
 * created one may reach it.
 */
export interface StoredCollection {
  /** Its name in the owner store: `responses`, `files`, `anthropic.files`, `google.cachedContents`. */
  name: string;
  /** One object as an error names it: `response`, `file`, `cached content`. */
  noun: string;
  /** The collection's path (`/v1/files`): its objects are `{path}/{id}` and the `objectPaths` below. */
  path: string;
  /** What may follow `/{id}` for the object's owner (`/content`, `/cancel`), matched whole; `''` is the object. */
  objectPaths: RegExp;
  /** Segments right below `path` that name an action on the collection, not an object. */
  actions?: readonly string[] | undefined;
  /**
   * The id of the object a `POST {path}` answer created (a file's `id`, a cached content's
   * `name` without its `cachedContents/`); unset: objects are not created by a pass-through.
   */
  createdId?: ((answer: Record<string, unknown>) => string | undefined) | undefined;
}

/** A stored object named inside a metered request's body. */
export interface ObjectReference {
  collection: string;
  id: string;
  /** The refusal when it is not the caller's; default a 404 naming the object as absent. */
  notFound?: ProxyError | undefined;
}

/** One object a metered answer created (a stored response, its output items). */
export interface CreatedObject {
  collection: string;
  id: string;
}

/** How a provider's stored objects are kept apart when customers share the proxy's key. */
export interface ProviderTenancy {
  readonly collections: readonly StoredCollection[];
  /**
   * The stored objects a metered request names in its body (`previous_response_id`, a
   * `file_id`, Gemini's `cachedContent`), or the error refusing a malformed reference.
   */
  references(input: {
    endpoint: string;
    body: Record<string, unknown>;
  }): { success: true; references: ObjectReference[] } | { success: false; error: ProxyError };
  /**
   * For a metered request whose answer stores objects: reads them from the blocking answer or
   * each stream chunk. Undefined when it stores none.
   */
  createdBy?(input: {
    endpoint: string;
    body: Record<string, unknown>;
  }): ((value: Record<string, unknown>) => CreatedObject[]) | undefined;
}
