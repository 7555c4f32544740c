import { AsyncLocalStorage } from 'node:async_hooks';

/** Who pays for the calls made inside a scope, and what else their events carry. */
export interface MeterScope {
  /** The customer billed for the calls (the CloudEvent `subject`). */
  readonly subject: string;
  /**
   * Extra string fields added to each event's `data` (e.g. `{ feature: 'chat' }`), for
   * OpenMeter group-bys. They never replace a usage field.
   */
  readonly dimensions?: Readonly<Record<string, string>> | undefined;
}

/** Thrown when a scope is opened with a subject that cannot be billed. */
export class MeterScopeError extends Error {
  override name = 'MeterScopeError';
}

const storage = new AsyncLocalStorage<MeterScope>();

/**
 * Runs `fn` with `scope` as the payer of every metered call it makes, including calls made in
 * promises, timers and streams it starts. Scopes nest: the innermost one wins, and its
 * dimensions are merged over the outer scope's. Concurrent scopes never see each other.
 *
 * @example
 * await withMeterScope({ subject: 'customer-1' }, () => client.chat.completions.create(body));
 */
export function withMeterScope<T>(scope: MeterScope, fn: () => T): T {
  const subject = checkSubject(scope.subject);
  const outer = storage.getStore();
  const dimensions =
    outer?.dimensions === undefined && scope.dimensions === undefined
      ? undefined
      : { ...outer?.dimensions, ...scope.dimensions };
  return storage.run(dimensions === undefined ? { subject } : { subject, dimensions }, fn);
}

/** Shorthand for `withMeterScope({ subject }, fn)`. */
export function withSubject<T>(subject: string, fn: () => T): T {
  return withMeterScope({ subject }, fn);
}

/** The scope of the running call chain, or `undefined` outside every `withMeterScope`. */
export function currentMeterScope(): MeterScope | undefined {
  return storage.getStore();
}

function checkSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw new MeterScopeError(
      `withMeterScope needs a non-empty subject (the customer to bill), got ${JSON.stringify(subject)}: pass the customer id of the request, e.g. withSubject(req.user.id, () => ...)`,
    );
  }
  return subject;
}
