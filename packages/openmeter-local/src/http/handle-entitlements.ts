import {
  type BalanceGrant,
  computeEntitlementBalance,
  type EntitlementBalance,
} from '../entitlements/compute-entitlement-balance.js';
import { EntitlementConflictError } from '../entitlements/entitlement-store.js';
import type {
  EntitlementGrant,
  EntitlementMetered,
  StoredEntitlement,
} from '../entitlements/entitlement-types.js';
import { createFeatureUsageMeasure } from '../entitlements/measure-feature-usage.js';
import {
  addPeriods,
  findPeriod,
  formatIntervalIso,
  parsePeriodInterval,
} from '../entitlements/usage-period.js';
import { formatRfc3339, parseRfc3339 } from '../events/parse-rfc3339.js';
import { createUlid } from '../storage/create-ulid.js';
import { HttpProblem } from './http-problem.js';
import { readJsonObject } from './read-json-object.js';
import type { Reply, RouteContext } from './reply.js';

const MINUTE = 60_000;
const EXPIRATION_UNITS = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'] as const;

function badRequest(detail: string): HttpProblem {
  return new HttpProblem(400, detail);
}

function readTime(name: string, value: unknown): number {
  const milliseconds = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (milliseconds === undefined)
    throw badRequest(`${name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z`);
  return milliseconds;
}

function readNumber({
  name,
  value,
  fallback,
  integer = false,
  minimum,
  maximum = Number.MAX_SAFE_INTEGER,
}: {
  name: string;
  value: unknown;
  fallback?: number;
  integer?: boolean;
  minimum: number;
  maximum?: number;
}): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < minimum ||
    value > maximum
  ) {
    throw badRequest(
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${minimum} to ${maximum}`,
    );
  }
  return value;
}

function findEntitlementOrThrow(
  { store, parameters }: RouteContext,
  name: 'entitlementId' | 'entitlementIdOrFeatureKey',
): StoredEntitlement {
  const subjectKey = parameters.subjectIdOrKey as string;
  const idOrFeatureKey = parameters[name] as string;
  const entitlement = store.entitlements.findEntitlement({
    idOrFeatureKey,
    subjectKey,
  });
  if (!entitlement || (name === 'entitlementId' && entitlement.id !== idOrFeatureKey)) {
    throw new HttpProblem(
      404,
      `Subject ${subjectKey} has no entitlement ${idOrFeatureKey}: list them with GET /api/v1/subjects/${subjectKey}/entitlements.`,
    );
  }
  return entitlement;
}

function convertGrant(grant: EntitlementGrant): BalanceGrant {
  return {
    id: grant.id,
    amount: grant.amount,
    priority: grant.priority ?? 1,
    effectiveAt: Date.parse(grant.effectiveAt),
    expiresAt: grant.expiresAt ? Date.parse(grant.expiresAt) : Number.POSITIVE_INFINITY,
    voidedAt: grant.voidedAt ? Date.parse(grant.voidedAt) : undefined,
    createdAt: Date.parse(grant.createdAt),
    minRolloverAmount: grant.minRolloverAmount ?? 0,
    maxRolloverAmount: grant.maxRolloverAmount ?? 0,
  };
}

function computeBalance({
  context,
  entitlement,
  at,
}: {
  context: RouteContext;
  entitlement: StoredEntitlement;
  at: number;
}): EntitlementBalance {
  const feature = context.store.entitlements.findFeature(entitlement.featureId);
  if (!feature) throw new Error(`feature ${entitlement.featureId} of an entitlement is missing`);
  return computeEntitlementBalance({
    measureUsageFrom: Date.parse(entitlement.measureUsageFrom),
    anchor: Date.parse(entitlement.usagePeriod.anchor),
    step: parsePeriodInterval(entitlement.usagePeriod.interval) as NonNullable<
      ReturnType<typeof parsePeriodInterval>
    >,
    resets: context.store.entitlements.listResets(entitlement.id),
    grants: context.store.entitlements.listGrants(entitlement.id).map(convertGrant),
    preserveOverageAtReset: entitlement.preserveOverageAtReset ?? false,
    at: Math.max(at, Date.parse(entitlement.measureUsageFrom)),
    measureUsage: createFeatureUsageMeasure({
      store: context.store,
      feature,
      subjectKey: entitlement.subjectKey,
    }),
  });
}

// The computed fields: the current usage period and when it began.
function describeEntitlement({
  context,
  entitlement,
}: {
  context: RouteContext;
  entitlement: StoredEntitlement;
}): EntitlementMetered {
  const now = context.now().getTime();
  const step = parsePeriodInterval(entitlement.usagePeriod.interval);
  const resets = context.store.entitlements.listResets(entitlement.id).filter((r) => r.at <= now);
  let anchor = Date.parse(entitlement.usagePeriod.anchor);
  for (const reset of resets) if (!reset.retainAnchor) anchor = reset.at;
  const automatic = step ? findPeriod({ anchor, step, at: now }) : { from: now, to: now };
  const lastManual = resets.at(-1)?.at;
  const from = Math.max(
    automatic.from,
    lastManual ?? Number.NEGATIVE_INFINITY,
    Date.parse(entitlement.measureUsageFrom),
  );
  return {
    ...entitlement,
    lastReset: formatRfc3339(from),
    currentUsagePeriod: { from: formatRfc3339(from), to: formatRfc3339(automatic.to) },
  };
}

function createGrant({
  entitlementId,
  body,
  annotations,
  now: clock,
}: {
  entitlementId: string;
  body: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** The server's clock: the grant's creation time and id. */
  now: () => Date;
}): EntitlementGrant {
  const amount = readNumber({ name: 'amount', value: body.amount, minimum: 0 });
  const priority = readNumber({
    name: 'priority',
    value: body.priority,
    fallback: 1,
    integer: true,
    minimum: 1,
    maximum: 255,
  });
  // OpenMeter ceils effectiveAt to its metering window, the minute.
  const effectiveAt = Math.ceil(readTime('effectiveAt', body.effectiveAt) / MINUTE) * MINUTE;
  const expiration = body.expiration as { duration?: unknown; count?: unknown } | undefined;
  if (
    typeof expiration !== 'object' ||
    expiration === null ||
    !EXPIRATION_UNITS.includes(expiration.duration as (typeof EXPIRATION_UNITS)[number])
  ) {
    throw badRequest(
      `expiration must be {"duration": ${EXPIRATION_UNITS.join(' | ')}, "count": 1-1000}`,
    );
  }
  const count = readNumber({
    name: 'expiration.count',
    value: expiration.count,
    integer: true,
    minimum: 1,
    maximum: 1000,
  });
  if (body.recurrence !== undefined) {
    throw badRequest(
      'recurrence on grants is not supported by openmeter-local: issue the grant per period, or use issueAfterReset on the entitlement',
    );
  }
  const duration = expiration.duration as (typeof EXPIRATION_UNITS)[number];
  const expiresAt =
    duration === 'MONTH' || duration === 'YEAR'
      ? addPeriods({
          anchor: effectiveAt,
          step: { months: duration === 'YEAR' ? 12 : 1, milliseconds: 0 },
          count,
        })
      : effectiveAt + count * { HOUR: 3_600_000, DAY: 86_400_000, WEEK: 604_800_000 }[duration];
  const minRolloverAmount = readNumber({
    name: 'minRolloverAmount',
    value: body.minRolloverAmount,
    fallback: 0,
    minimum: 0,
  });
  const maxRolloverAmount = readNumber({
    name: 'maxRolloverAmount',
    value: body.maxRolloverAmount,
    fallback: 0,
    minimum: 0,
  });
  const moment = clock();
  const now = moment.toISOString();
  return {
    id: createUlid({ time: moment }),
    entitlementId,
    amount,
    priority,
    effectiveAt: formatRfc3339(effectiveAt),
    expiration: { duration, count },
    expiresAt: formatRfc3339(expiresAt),
    minRolloverAmount,
    maxRolloverAmount,
    ...(body.metadata === undefined
      ? {}
      : { metadata: body.metadata as EntitlementGrant['metadata'] }),
    ...(annotations ? { annotations } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * `POST /api/v1/subjects/{subjectIdOrKey}/entitlements`: creates a metered entitlement (201)
 * with its usage period (`interval` DAY, WEEK, MONTH, YEAR or an ISO 8601 duration; `anchor`
 * defaults to now), `measureUsageFrom` (a date-time, `NOW` or `CURRENT_PERIOD_START`; default
 * now), `isSoftLimit`, `preserveOverageAtReset` and `issueAfterReset` (a grant of that amount
 * that every reset refills). 409 when the subject already has an entitlement to the feature.
 */
export async function handleCreateEntitlement(context: RouteContext): Promise<Reply> {
  const { request, store, parameters } = context;
  const subjectKey = parameters.subjectIdOrKey as string;
  const body = await readJsonObject({ request, name: 'EntitlementMeteredCreateInputs' });
  if (body.type !== 'metered') {
    throw badRequest('type must be "metered": openmeter-local supports metered entitlements only');
  }
  const featureRef = body.featureId ?? body.featureKey;
  if (typeof featureRef !== 'string') throw badRequest('featureKey or featureId is required');
  const feature = store.entitlements.findFeature(featureRef);
  if (!feature || feature.archivedAt) {
    throw new HttpProblem(
      404,
      `Feature ${featureRef} not found: create it with POST /api/v1/features.`,
    );
  }
  createFeatureUsageMeasure({ store, feature, subjectKey });
  const period = body.usagePeriod as { interval?: unknown; anchor?: unknown } | undefined;
  if (typeof period !== 'object' || period === null || !parsePeriodInterval(period.interval)) {
    throw badRequest(
      'usagePeriod must be {"interval": DAY | WEEK | MONTH | YEAR | an ISO 8601 duration such as P1D, "anchor"?: date-time}',
    );
  }
  const step = parsePeriodInterval(period.interval) as NonNullable<
    ReturnType<typeof parsePeriodInterval>
  >;
  const now = context.now().getTime();
  const anchor = period.anchor === undefined ? now : readTime('usagePeriod.anchor', period.anchor);
  let measureUsageFrom: number;
  if (body.measureUsageFrom === undefined || body.measureUsageFrom === 'NOW')
    measureUsageFrom = now;
  else if (body.measureUsageFrom === 'CURRENT_PERIOD_START')
    measureUsageFrom = findPeriod({ anchor, step, at: now }).from;
  else measureUsageFrom = readTime('measureUsageFrom', body.measureUsageFrom);
  for (const flag of ['isSoftLimit', 'preserveOverageAtReset', 'isUnlimited'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
      throw badRequest(`${flag} must be a boolean`);
  }
  const issueAfterReset =
    body.issueAfterReset === undefined || body.issueAfterReset === null
      ? undefined
      : readNumber({ name: 'issueAfterReset', value: body.issueAfterReset, minimum: 0 });
  const issueAfterResetPriority = readNumber({
    name: 'issueAfterResetPriority',
    value: body.issueAfterResetPriority,
    fallback: 1,
    integer: true,
    minimum: 1,
    maximum: 255,
  });
  const createdAt = new Date(now).toISOString();
  const interval = period.interval as string;
  const entitlement: StoredEntitlement = {
    type: 'metered',
    id: createUlid({ time: new Date(now) }),
    subjectKey,
    featureId: feature.id,
    featureKey: feature.key,
    isSoftLimit: body.isSoftLimit === true,
    isUnlimited: false,
    preserveOverageAtReset: body.preserveOverageAtReset === true,
    issueAfterResetPriority,
    ...(issueAfterReset === undefined ? {} : { issueAfterReset }),
    ...(body.metadata === undefined
      ? {}
      : { metadata: body.metadata as StoredEntitlement['metadata'] }),
    usagePeriod: {
      interval,
      intervalISO: formatIntervalIso(interval),
      anchor: formatRfc3339(anchor),
    },
    measureUsageFrom: formatRfc3339(measureUsageFrom),
    activeFrom: formatRfc3339(measureUsageFrom),
    createdAt,
    updatedAt: createdAt,
  };
  const grants =
    issueAfterReset === undefined
      ? []
      : [
          createGrant({
            entitlementId: entitlement.id,
            body: {
              amount: issueAfterReset,
              priority: issueAfterResetPriority,
              effectiveAt: formatRfc3339(Math.floor(measureUsageFrom / MINUTE) * MINUTE),
              expiration: { duration: 'YEAR', count: 1000 },
              minRolloverAmount: issueAfterReset,
              maxRolloverAmount: issueAfterReset,
            },
            annotations: { issueAfterReset: true },
            now: () => new Date(now),
          }),
        ];
  try {
    store.entitlements.createEntitlement({ entitlement, grants });
  } catch (error) {
    if (error instanceof EntitlementConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
  return { status: 201, body: describeEntitlement({ context, entitlement }) };
}

/** `GET /api/v1/subjects/{subjectIdOrKey}/entitlements`. */
export function handleListSubjectEntitlements(context: RouteContext): Reply {
  const subjectKey = context.parameters.subjectIdOrKey as string;
  const entitlements = context.store.entitlements.listEntitlements({ subjectKey });
  return {
    status: 200,
    body: entitlements.map((entitlement) => describeEntitlement({ context, entitlement })),
  };
}

/** `GET /api/v1/entitlements`: every active entitlement. */
export function handleListEntitlements(context: RouteContext): Reply {
  const subjects = context.url.searchParams.getAll('subject');
  const features = context.url.searchParams.getAll('feature');
  const entitlements = context.store.entitlements
    .listEntitlements({})
    .filter((entitlement) => subjects.length === 0 || subjects.includes(entitlement.subjectKey))
    .filter(
      (entitlement) =>
        features.length === 0 ||
        features.includes(entitlement.featureKey) ||
        features.includes(entitlement.featureId),
    );
  return {
    status: 200,
    body: entitlements.map((entitlement) => describeEntitlement({ context, entitlement })),
  };
}

/** `GET /api/v1/entitlements/{entitlementId}`. */
export function handleGetEntitlementById(context: RouteContext): Reply {
  const id = context.parameters.entitlementId as string;
  const entitlement = context.store.entitlements.findEntitlement({ idOrFeatureKey: id });
  if (!entitlement || entitlement.id !== id) {
    throw new HttpProblem(
      404,
      `Entitlement ${id} not found: list them with GET /api/v1/entitlements.`,
    );
  }
  return { status: 200, body: describeEntitlement({ context, entitlement }) };
}

/** `GET /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementId}`. */
export function handleGetEntitlement(context: RouteContext): Reply {
  const entitlement = findEntitlementOrThrow(context, 'entitlementId');
  return { status: 200, body: describeEntitlement({ context, entitlement }) };
}

/** `DELETE /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementId}` (204). */
export function handleDeleteEntitlement(context: RouteContext): Reply {
  const entitlement = findEntitlementOrThrow(context, 'entitlementId');
  context.store.entitlements.deleteEntitlement({
    id: entitlement.id,
    at: context.now().toISOString(),
  });
  return { status: 204 };
}

/**
 * `GET /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value`:
 * `hasAccess` (balance above 0, or a soft limit), `balance`, `usage` and `overage` of the
 * current usage period and `totalAvailableGrantAmount`, at `time` (default now), computed from
 * the stored events.
 */
export function handleGetEntitlementValue(context: RouteContext): Reply {
  const entitlement = findEntitlementOrThrow(context, 'entitlementIdOrFeatureKey');
  const timeText = context.url.searchParams.get('time');
  const at = timeText === null ? context.now().getTime() : readTime('time', timeText);
  const balance = computeBalance({ context, entitlement, at });
  return {
    status: 200,
    body: {
      hasAccess: entitlement.isSoftLimit === true || balance.balance > 0,
      balance: balance.balance,
      usage: balance.usage,
      overage: balance.overage,
      totalAvailableGrantAmount: balance.totalAvailableGrantAmount,
    },
  };
}

/**
 * `POST /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/grants`:
 * grants `amount` from `effectiveAt` (ceiled to the minute) until its `expiration`, burnt in
 * `priority` order (1 first); `minRolloverAmount`/`maxRolloverAmount` say what a reset keeps.
 */
export async function handleCreateGrant(context: RouteContext): Promise<Reply> {
  const entitlement = findEntitlementOrThrow(context, 'entitlementIdOrFeatureKey');
  const body = await readJsonObject({
    request: context.request,
    name: 'EntitlementGrantCreateInput',
  });
  const grant = createGrant({ entitlementId: entitlement.id, body, now: context.now });
  context.store.entitlements.createGrant(grant);
  return { status: 201, body: grant };
}

/** `GET /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/grants`. */
export function handleListGrants(context: RouteContext): Reply {
  const entitlement = findEntitlementOrThrow(context, 'entitlementIdOrFeatureKey');
  const includeDeleted = context.url.searchParams.get('includeDeleted') === 'true';
  const grants = context.store.entitlements
    .listGrants(entitlement.id)
    .filter((grant) => includeDeleted || !grant.voidedAt);
  return { status: 200, body: grants };
}

/**
 * `DELETE /api/v1/grants/{grantId}`: voids a grant from now on (204); what it already covered
 * stays covered.
 */
export function handleVoidGrant({ store, parameters, now: clock }: RouteContext): Reply {
  const id = parameters.grantId as string;
  const grant = store.entitlements.findGrant(id);
  if (!grant) throw new HttpProblem(404, `Grant ${id} not found.`);
  if (grant.voidedAt) throw new HttpProblem(409, `Grant ${id} was voided already.`);
  const now = clock().toISOString();
  store.entitlements.updateGrant({ ...grant, voidedAt: now, updatedAt: now });
  return { status: 204 };
}

/**
 * `POST /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementId}/reset`: starts a new
 * usage period at `effectiveAt` (default now, never in the future), rolling grants over; the
 * anchor moves there unless `retainAnchor`; `preserveOverage` overrides the entitlement's
 * `preserveOverageAtReset`.
 */
export async function handleResetEntitlement(context: RouteContext): Promise<Reply> {
  const entitlement = findEntitlementOrThrow(context, 'entitlementId');
  const text = await context.request.text();
  const body =
    text.trim() === ''
      ? {}
      : await readJsonObject({
          request: new Request(context.request.url, {
            method: 'POST',
            headers: context.request.headers,
            body: text,
          }),
          name: 'ResetEntitlementUsageInput',
        });
  const now = context.now().getTime();
  const at = body.effectiveAt === undefined ? now : readTime('effectiveAt', body.effectiveAt);
  if (at > now) throw badRequest('effectiveAt must not be in the future');
  if (at < Date.parse(entitlement.measureUsageFrom)) {
    throw badRequest(
      'effectiveAt must not be before the entitlement measures usage (measureUsageFrom)',
    );
  }
  for (const flag of ['retainAnchor', 'preserveOverage'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
      throw badRequest(`${flag} must be a boolean`);
  }
  context.store.entitlements.addReset({
    entitlementId: entitlement.id,
    reset: {
      at,
      retainAnchor: body.retainAnchor === true,
      preserveOverage: body.preserveOverage as boolean | undefined,
    },
  });
  return { status: 204 };
}
