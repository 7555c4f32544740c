import { journalBudgetRefusal } from '@llm-meter/metering';
import type { Context } from 'hono';
import type { RequestLog } from '../access-log/create-request-log.js';
import { type BudgetHold, reserveBudget } from '../budget/reserve-budget.js';
import type {
  MeteredCall,
  MeteredRoute,
  ProviderAdapter,
  ProxyError,
} from '../providers/provider-adapter.js';
import { resolveSubject } from '../resolve-subject.js';
import type { OwnerRecorder } from '../tenancy/create-tenant-guard.js';
import type { ProxyContext, ProxyEnv } from './proxy-context.js';
import { refuseUnmappedKey } from './refuse-unmapped-key.js';

/** A metered request let through: who pays, what to send, its budget hold. */
export interface AdmittedCall {
  /** The parsed request body. */
  body: Record<string, unknown>;
  subject: string;
  call: MeteredCall;
  /** Records who created the stored object the answer creates (server key only). */
  owner: OwnerRecorder | undefined;
  hold: BudgetHold;
}

/**
 * Everything decided before a metered request is sent, in order: its body (size, JSON), the
 * caller's key (with the server key, only mapped keys), its subject, the tenant guard, the
 * provider's reading of it, and the budget. The call let through, or the answer refusing it
 * (through `refuse`, which counts and logs it).
 */
export async function admitMeteredCall({
  context,
  adapter,
  route,
  c,
  log,
  refuse,
  serverKey,
}: {
  /** The proxy calls this provider with its own key. */
  serverKey: boolean;
  context: ProxyContext;
  adapter: ProviderAdapter;
  route: MeteredRoute;
  c: Context<ProxyEnv>;
  log: RequestLog;
  refuse: (error: ProxyError) => Response;
}): Promise<{ success: true; admitted: AdmittedCall } | { success: false; response: Response }> {
  const { options, logger, metrics } = context;
  const { subjects } = options;
  const refused = (error: ProxyError) => ({ success: false as const, response: refuse(error) });
  const read = await context.readBody(c);
  if (!read.success) return refused(read.error);
  const raw = read.body.toString('utf8');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
  } catch {
    return refused({
      status: 400,
      message: 'We could not parse the JSON body of your request: it must be a JSON object.',
      kind: 'invalid_request',
      code: null,
    });
  }
  const apiKey = adapter.auth.apiKeyOf({
    headers: c.env.incoming.headers,
    query: new URL(c.req.url).searchParams,
  });
  const unmapped = refuseUnmappedKey({ options, serverKey, apiKey });
  if (unmapped) return refused(unmapped);
  const subject = resolveSubject({
    policy: subjects,
    apiKey,
    headerValue: c.req.header(subjects.header),
    body,
  });
  if (!subject.success) {
    return refused({
      status: 400,
      message: subject.message,
      kind: 'invalid_request',
      code: 'missing_subject',
    });
  }
  log.set({ subject: subject.subject });
  const tenants = context.tenantsOf(adapter);
  const foreign = await tenants.checkReferences({
    endpoint: route.endpoint,
    body,
    subject: subject.subject,
  });
  if (foreign) {
    context.count(route.endpoint, foreign.status);
    log.end({ status: foreign.status });
    return { success: false, response: foreign };
  }
  // Read before the budget is booked: a request the provider refuses books nothing.
  const prepared = adapter.prepareCall({
    route,
    params: c.req.param() as Record<string, string>,
    body,
    raw,
    query: new URL(c.req.url).searchParams,
    serverKey,
  });
  if (!prepared.success) return refused(prepared.error);
  log.set({ model: prepared.call.model, stream: prepared.call.streaming });
  const owner = tenants.ownerRecorder({
    endpoint: route.endpoint,
    body,
    subject: subject.subject,
  });
  const budget = await reserveBudget({
    budget: options.budget,
    subject: subject.subject,
    request: body,
    provider: adapter.id,
    onSettleError(error) {
      metrics.meteringFailures.inc({ stage: 'budget_settle' });
      logger.warn(
        `proxy: could not settle the budget reservation of ${subject.subject}: ${(error as Error).message}`,
      );
    },
  });
  if (!budget.success) {
    const { enqueueRefusal } = options.usage;
    // Counted for the customer's page; a refusal that cannot be journaled still answers 429.
    if (enqueueRefusal) {
      journalBudgetRefusal({
        outbox: { enqueue: (event) => enqueueRefusal.call(options.usage, event) },
        error: budget.cause,
        request: body,
        envelope: {
          provider: adapter.id,
          source: options.events?.source,
          now: context.now,
          generateId: context.generateId,
        },
        onError(error) {
          metrics.meteringFailures.inc({ stage: 'refusal' });
          logger.warn(
            `proxy: could not journal the budget refusal of ${subject.subject}: ${(error as Error).message}`,
          );
        },
      });
    }
    return refused(budget.error);
  }
  return {
    success: true,
    admitted: { body, subject: subject.subject, call: prepared.call, owner, hold: budget.hold },
  };
}
