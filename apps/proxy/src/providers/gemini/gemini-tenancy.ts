import { findStringFields } from '../../tenancy/find-string-fields.js';
import type {
  ObjectReference,
  ProviderTenancy,
  StoredCollection,
} from '../../tenancy/stored-collection.js';

/** The id in a resource name (`cachedContents/abc123` → `abc123`). */
const idOfName =
  (prefix: string) =>
  (answer: Record<string, unknown>): string | undefined =>
    typeof answer.name === 'string' && answer.name.startsWith(`${prefix}/`)
      ? answer.name.slice(prefix.length + 1)
      : undefined;

// `@google/genai` calls `/v1/…` by default, the REST API's examples `/v1beta/…`.
const collections: StoredCollection[] = ['/v1beta', '/v1'].flatMap((version) => [
  {
    name: 'google.cachedContents',
    noun: 'cached content',
    path: `${version}/cachedContents`,
    objectPaths: /^$/,
    createdId: idOfName('cachedContents'),
  },
  // Uploads go to `/upload/v1beta/files`, which the proxy does not serve: no file is created
  // through it, so with the server's key none is reachable.
  { name: 'google.files', noun: 'file', path: `${version}/files`, objectPaths: /^$/ },
  {
    name: 'google.tunedModels',
    noun: 'tuned model',
    path: `${version}/tunedModels`,
    objectPaths: /^$/,
  },
  { name: 'google.batches', noun: 'batch', path: `${version}/batches`, objectPaths: /^$/ },
  {
    name: 'google.fileSearchStores',
    noun: 'file search store',
    path: `${version}/fileSearchStores`,
    objectPaths: /^$/,
  },
]);

/**
 * Gemini's tenant isolation: cached contents (created through an allowed `POST
 * /v1beta/cachedContents`), files, tuned models, batches and file search stores answer only
 * their creator; a request names only its caller's cached content (`cachedContent`) and files
 * (`fileData.fileUri` of the Files API).
 * @see https://ai.google.dev/api/caching
 */
export const geminiTenancy: ProviderTenancy = {
  collections,
  references({ body }) {
    const references: ObjectReference[] = [];
    for (const [name, value] of findStringFields({
      value: body,
      wanted: (field) => field === 'cachedContent' || field === 'fileUri',
    })) {
      if (name === 'cachedContent') {
        references.push({
          collection: 'google.cachedContents',
          id: value.replace(/^cachedContents\//, ''),
        });
        continue;
      }
      // A Files API URI (`https://generativelanguage.googleapis.com/v1beta/files/abc`, or
      // `files/abc`); other URIs (Cloud Storage, YouTube) are not stored objects of the account.
      const file =
        /^(?:https:\/\/generativelanguage\.googleapis\.com\/v1[a-z0-9]*\/)?files\/([^/?#]+)$/.exec(
          value,
        )?.[1];
      if (file !== undefined) references.push({ collection: 'google.files', id: file });
    }
    return { success: true, references };
  },
};
