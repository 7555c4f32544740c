import type { ProxyError } from '../providers/provider-adapter.js';
import {
  type AllowedRoute,
  formatAllowedRoutes,
  isAllowedRoute,
  resolveAllowedRoutes,
} from './allowed-routes.js';
import { classifyPassThrough } from './classify-pass-through.js';
import { createMemoryObjectOwners, type ObjectOwners } from './object-owners.js';
import type { ProviderTenancy, StoredCollection } from './stored-collection.js';

/** Records the owner of the stored objects a response creates, from the response or its chunks. */
export interface OwnerRecorder {
  /** A blocking response's body, or one parsed stream chunk; records each object once. */
  observe(value: Record<string, unknown>): void;
}

/** The guard's verdict on a pass-through request. */
export type PassThroughCheck =
  | { allowed: false; refusal: Response }
  /** Forward it; with `created`, record who created the object the (2xx) answer names. */
  | { allowed: true; created: OwnerRecorder | undefined };

/** Keeps customers who share the proxy's upstream key for one provider apart. */
export interface TenantGuard {
  /** Whether a pass-through request may be forwarded. */
  checkPassThrough(input: {
    method: string;
    path: string;
    subject: string | undefined;
  }): Promise<PassThroughCheck>;
  /**
   * The refusal of a request body (metered, or a pass-through's JSON under `passthrough`) that
   * names another customer's object, or undefined.
   */
  checkReferences(input: {
    endpoint: string;
    body: Record<string, unknown>;
    subject: string;
  }): Promise<Response | undefined>;
  /** A recorder for a metered request whose answer is stored upstream; undefined otherwise. */
  ownerRecorder(input: {
    endpoint: string;
    body: Record<string, unknown>;
    subject: string;
  }): OwnerRecorder | undefined;
}

const noTenancy: ProviderTenancy = {
  collections: [],
  references: () => ({ success: true, references: [] }),
};

/**
 * One provider's tenant isolation. With the proxy's own upstream key (`isolated`) every caller
 * reaches the same upstream account, so the proxy is deny-by-default there: a stored object
 * (the provider's `tenancy.collections`) answers only the subject that created it through the
 * proxy (404 to anyone else, as if it did not exist), lists of them are refused, a metered
 * request may name (in its body) only its caller's own objects, an object created through an
 * allowed pass-through route is recorded for its creator, and any other pass-through path is
 * forwarded only when it is in `allowedRoutes`. With callers' own keys upstream isolates them;
 * `allowedRoutes`, when given, still limits the pass-through paths.
 */
export function createTenantGuard({
  isolated,
  allowedRoutes,
  meteredPaths,
  tenancy = noTenancy,
  keySetting,
  owners = createMemoryObjectOwners(),
  onOwnerLookupError,
  errorResponse,
}: {
  isolated: boolean;
  allowedRoutes: readonly AllowedRoute[] | undefined;
  /** Every provider's metered endpoints (`/v1/chat/completions`, ...): never a pass-through. */
  meteredPaths: readonly string[];
  tenancy?: ProviderTenancy | undefined;
  /** The setting of the proxy's key for this provider (`OPENAI_API_KEY`), for messages. */
  keySetting: string;
  owners?: ObjectOwners | undefined;
  onOwnerLookupError?: ((error: unknown) => void) | undefined;
  /** Writes a refusal in the provider's error shape. */
  errorResponse: (error: ProxyError) => Response;
}): TenantGuard {
  const routes = resolveAllowedRoutes({ isolated, allowedRoutes });
  const collections = new Map(
    tenancy.collections.map((collection) => [collection.name, collection]),
  );
  const nounOf = (collection: string) => collections.get(collection)?.noun ?? 'object';
  const notFound = (collection: string, id: string): ProxyError => ({
    status: 404,
    message: `No ${nounOf(collection)} found with id '${id}'.`,
    kind: 'invalid_request',
    code: null,
  });
  /** Whether `subject` created the object; a failed lookup is a 503, never a yes. */
  const owns = async (
    collection: string,
    id: string,
    subject: string | undefined,
  ): Promise<boolean | Response> => {
    if (subject === undefined) return false;
    try {
      return (await owners.ownerOf({ collection, id })) === subject;
    } catch (error) {
      onOwnerLookupError?.(error);
      return errorResponse({
        status: 503,
        message: `The metering proxy could not check who created ${nounOf(collection)} '${id}' (${(error as Error).message}); try again.`,
        kind: 'server',
        code: 'owner_lookup_failed',
      });
    }
  };
  const refusePath = (method: string, path: string) =>
    errorResponse({
      status: 403,
      message: isolated
        ? `The metering proxy does not forward ${method} ${path}: it calls upstream with its own key (${keySetting}) for every customer, so it forwards only the metered endpoints, each customer's own stored objects, and the routes in LLM_METER_PROXY_ALLOWED_PATHS (now: ${formatAllowedRoutes(routes ?? [])}).`
        : `The metering proxy does not forward ${method} ${path}: it is not in LLM_METER_PROXY_ALLOWED_PATHS (${formatAllowedRoutes(routes ?? [])}).`,
      kind: 'invalid_request',
      code: 'path_not_allowed',
    });
  const refused = (refusal: Response): PassThroughCheck => ({ allowed: false, refusal });
  const allowed = (route: { method: string; path: string }) =>
    routes !== undefined && isAllowedRoute({ routes, ...route });
  /** Records each object an answer names once, for `subject`. */
  const createRecorder = (
    read: (value: Record<string, unknown>) => Array<{ collection: string; id: string }>,
    subject: string,
  ): OwnerRecorder => {
    const seen = new Set<string>();
    return {
      observe(value) {
        for (const { collection, id } of read(value)) {
          const key = `${collection}:${id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          owners.record({ collection, id, subject });
        }
      },
    };
  };
  return {
    async checkPassThrough({ method, path, subject }) {
      // `/v1//chat/completions` is the metered endpoint to most upstreams: never unmetered.
      const collapsed = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
      if (collapsed !== path.replace(/\/+$/, '') && meteredPaths.includes(collapsed)) {
        return refused(
          errorResponse({
            status: 400,
            message: `The path ${path} has an empty segment; call ${collapsed}.`,
            kind: 'invalid_request',
            code: 'invalid_path',
          }),
        );
      }
      if (!isolated) {
        return routes === undefined || isAllowedRoute({ routes, method, path })
          ? { allowed: true, created: undefined }
          : refused(refusePath(method, path));
      }
      // Providers' paths and ids never need percent-encoding or empty segments; an upstream
      // that decodes them would see another path than the one checked here.
      if (path.includes('%') || path.includes('//')) {
        return refused(
          errorResponse({
            status: 400,
            message: `The path ${path} has percent-encoding or an empty segment; the metering proxy forwards only plain paths when it uses its own upstream key.`,
            kind: 'invalid_request',
            code: 'invalid_path',
          }),
        );
      }
      const target = classifyPassThrough({ collections: tenancy.collections, method, path });
      if (target.kind === 'object') {
        const owned = await owns(target.collection.name, target.id, subject);
        if (owned instanceof Response) return refused(owned);
        return owned
          ? { allowed: true, created: undefined }
          : refused(errorResponse(notFound(target.collection.name, target.id)));
      }
      if (target.kind === 'list') return refused(refuseList(target.collection));
      if (target.kind === 'create') {
        const { collection } = target;
        if (subject === undefined || !allowed({ method, path }))
          return refused(refusePath(method, path));
        const createdId = collection.createdId;
        return {
          allowed: true,
          created: createRecorder((answer) => {
            const id = createdId?.(answer);
            return id === undefined ? [] : [{ collection: collection.name, id }];
          }, subject),
        };
      }
      // Inside a stored collection only its objects pass (above): never an allow-list entry,
      // which would reach other customers' objects or unmetered model calls.
      if (target.kind === 'inside') return refused(refusePath(method, path));
      return allowed({ method, path })
        ? { allowed: true, created: undefined }
        : refused(refusePath(method, path));
    },
    async checkReferences({ endpoint, body, subject }) {
      if (!isolated) return undefined;
      const read = tenancy.references({ endpoint, body });
      if (!read.success) return errorResponse(read.error);
      for (const reference of read.references) {
        const owned = await owns(reference.collection, reference.id, subject);
        if (owned instanceof Response) return owned;
        if (!owned)
          return errorResponse(reference.notFound ?? notFound(reference.collection, reference.id));
      }
      return undefined;
    },
    ownerRecorder({ endpoint, body, subject }) {
      if (!isolated) return undefined;
      const read = tenancy.createdBy?.({ endpoint, body });
      return read === undefined ? undefined : createRecorder(read, subject);
    },
  };

  function refuseList(collection: StoredCollection): Response {
    return errorResponse({
      status: 403,
      message: `The metering proxy does not list ${collection.noun}s: it calls upstream with one key (${keySetting}) for every customer, so the list would show other customers' ${collection.noun}s. Retrieve your own by id (GET ${collection.path}/{id}).`,
      kind: 'invalid_request',
      code: 'list_not_isolated',
    });
  }
}
