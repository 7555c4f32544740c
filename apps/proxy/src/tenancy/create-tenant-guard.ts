import type { ProxyError } from '../providers/provider-adapter.js';
import {
  type AllowedRoute,
  formatAllowedRoutes,
  isAllowedRoute,
  resolveAllowedRoutes,
} from './allowed-routes.js';
import { classifyPassThrough, isStoredCollectionPath } from './classify-pass-through.js';
import {
  createMemoryObjectOwners,
  type ObjectOwners,
  type OwnedCollection,
} from './object-owners.js';

/** Records the owner of the stored object a response creates, from the response or its chunks. */
export interface OwnerRecorder {
  /** A blocking response's body, or one parsed stream chunk; records at the first id seen. */
  observe(value: Record<string, unknown>): void;
}

/** Keeps customers who share the proxy's upstream key apart. */
export interface TenantGuard {
  /** The refusal of a pass-through request, or undefined to forward it. */
  checkPassThrough(input: {
    method: string;
    path: string;
    subject: string | undefined;
  }): Promise<Response | undefined>;
  /** The refusal of a metered request that names another customer's object, or undefined. */
  checkMetered(input: {
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

const collectionNames: Record<OwnedCollection, string> = {
  responses: 'response',
  'chat.completions': 'chat completion',
};

/**
 * The proxy's tenant isolation. With its own upstream key (`isolated`) every caller reaches the
 * same upstream account, so the proxy is deny-by-default: stored responses and chat completions
 * answer only the subject that created them (404 to anyone else, as if they did not exist), the
 * list of stored chat completions is refused, a Responses request may chain only its own
 * `previous_response_id` and names no `conversation`, and any other pass-through path is
 * forwarded only when it is in `allowedRoutes`. With callers' own keys upstream isolates them;
 * `allowedRoutes`, when given, still limits the pass-through paths.
 */
export function createTenantGuard({
  isolated,
  allowedRoutes,
  meteredPaths,
  owners = createMemoryObjectOwners(),
  onOwnerLookupError,
  errorResponse,
}: {
  isolated: boolean;
  allowedRoutes: readonly AllowedRoute[] | undefined;
  /** The metered endpoints (`/v1/chat/completions`, ...): never reached as a pass-through. */
  meteredPaths: readonly string[];
  owners?: ObjectOwners | undefined;
  onOwnerLookupError?: ((error: unknown) => void) | undefined;
  /** Writes a refusal in the error shape of the provider the stored objects belong to. */
  errorResponse: (error: ProxyError) => Response;
}): TenantGuard {
  const routes = resolveAllowedRoutes({ isolated, allowedRoutes });
  const notFound = (collection: OwnedCollection, id: string) =>
    errorResponse({
      status: 404,
      message: `No ${collectionNames[collection]} found with id '${id}'.`,
      kind: 'invalid_request',
      code: null,
    });
  /** Whether `subject` created the object; a failed lookup is a 503, never a yes. */
  const owns = async (
    collection: OwnedCollection,
    id: string,
    subject: string,
  ): Promise<boolean | Response> => {
    try {
      return (await owners.ownerOf({ collection, id })) === subject;
    } catch (error) {
      onOwnerLookupError?.(error);
      return errorResponse({
        status: 503,
        message: `The metering proxy could not check who created ${collectionNames[collection]} '${id}' (${(error as Error).message}); try again.`,
        kind: 'server',
        code: 'owner_lookup_failed',
      });
    }
  };
  const refusePath = (method: string, path: string) =>
    errorResponse({
      status: 403,
      message: isolated
        ? `The metering proxy does not forward ${method} ${path}: it calls upstream with its own key for every customer, so it forwards only the metered endpoints, each customer's own stored responses and chat completions, and the routes in LLM_METER_PROXY_ALLOWED_PATHS (now: ${formatAllowedRoutes(routes ?? [])}). Objects behind an allowed route are shared by all customers.`
        : `The metering proxy does not forward ${method} ${path}: it is not in LLM_METER_PROXY_ALLOWED_PATHS (${formatAllowedRoutes(routes ?? [])}).`,
      kind: 'invalid_request',
      code: 'path_not_allowed',
    });

  return {
    async checkPassThrough({ method, path, subject }) {
      // `/v1//chat/completions` is the metered endpoint to most upstreams: never unmetered.
      const collapsed = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
      if (collapsed !== path.replace(/\/+$/, '') && meteredPaths.includes(collapsed)) {
        return errorResponse({
          status: 400,
          message: `The path ${path} has an empty segment; call ${collapsed}.`,
          kind: 'invalid_request',
          code: 'invalid_path',
        });
      }
      if (!isolated) {
        return routes === undefined || isAllowedRoute({ routes, method, path })
          ? undefined
          : refusePath(method, path);
      }
      // OpenAI's paths and ids never need percent-encoding or empty segments; an upstream that
      // decodes them would see another path than the one checked here.
      if (path.includes('%') || path.includes('//')) {
        return errorResponse({
          status: 400,
          message: `The path ${path} has percent-encoding or an empty segment; the metering proxy forwards only plain paths when it uses its own upstream key.`,
          kind: 'invalid_request',
          code: 'invalid_path',
        });
      }
      const target = classifyPassThrough({ method, path });
      if (target.kind === 'object') {
        const owned =
          subject === undefined ? false : await owns(target.collection, target.id, subject);
        if (owned instanceof Response) return owned;
        return owned ? undefined : notFound(target.collection, target.id);
      }
      if (target.kind === 'list') {
        return errorResponse({
          status: 403,
          message:
            "The metering proxy does not list stored chat completions: it calls upstream with one key for every customer, so the list would show other customers' completions. Retrieve your own by id (GET /v1/chat/completions/{id}).",
          kind: 'invalid_request',
          code: 'list_not_isolated',
        });
      }
      // Below the stored collections only their objects pass (above): never an allow-list
      // entry, which would reach other customers' objects or unmetered model calls.
      if (isStoredCollectionPath(path)) return refusePath(method, path);
      return routes !== undefined && isAllowedRoute({ routes, method, path })
        ? undefined
        : refusePath(method, path);
    },

    async checkMetered({ endpoint, body, subject }) {
      if (endpoint !== 'responses') return undefined;
      // A background response answers `queued` with no usage and is finished later: nothing
      // here would meter it, so it is refused rather than served unmetered.
      if (body.background === true) {
        return errorResponse({
          status: 400,
          message:
            'The metering proxy does not forward background responses yet: they finish after the call returns, and it could not meter them. Send the request without `background`, or stream it.',
          kind: 'invalid_request',
          code: 'background_not_metered',
          param: 'background',
        });
      }
      if (!isolated) return undefined;
      const previous = body.previous_response_id;
      if (previous != null && typeof previous !== 'string') {
        return errorResponse({
          status: 400,
          message: 'previous_response_id must be a string.',
          kind: 'invalid_request',
          code: 'invalid_type',
          param: 'previous_response_id',
        });
      }
      if (typeof previous === 'string' && previous !== '') {
        const owned = await owns('responses', previous, subject);
        if (owned instanceof Response) return owned;
        if (!owned) {
          return errorResponse({
            status: 400,
            message: `Previous response with id '${previous}' not found.`,
            kind: 'invalid_request',
            code: 'previous_response_not_found',
            param: 'previous_response_id',
          });
        }
      }
      if (body.conversation != null) {
        return errorResponse({
          status: 400,
          message:
            'The metering proxy does not forward `conversation`: it calls upstream with one key for every customer and cannot tell whose conversation it is. Chain responses with previous_response_id instead.',
          kind: 'invalid_request',
          code: 'conversation_not_isolated',
          param: 'conversation',
        });
      }
      return undefined;
    },

    ownerRecorder({ endpoint, body, subject }) {
      if (!isolated) return undefined;
      // Stored as OpenAI stores them: responses unless `store: false`, chat completions only
      // with `store: true`.
      const collection: OwnedCollection | undefined =
        endpoint === 'responses' && body.store !== false
          ? 'responses'
          : endpoint === 'chat' && body.store === true
            ? 'chat.completions'
            : undefined;
      if (collection === undefined) return undefined;
      let recorded = false;
      return {
        observe(value) {
          if (recorded) return;
          const id = objectIdOf(collection, value);
          if (id === undefined) return;
          recorded = true;
          owners.record({ collection, id, subject });
        },
      };
    },
  };
}

/** The stored object's id in a response body or a stream chunk. */
function objectIdOf(
  collection: OwnedCollection,
  value: Record<string, unknown>,
): string | undefined {
  if (collection === 'chat.completions') return typeof value.id === 'string' ? value.id : undefined;
  // A Responses body is the response; its stream events carry it as `response`.
  if (value.object === 'response' && typeof value.id === 'string') return value.id;
  const response = value.response as { id?: unknown } | undefined;
  return typeof response?.id === 'string' ? response.id : undefined;
}
