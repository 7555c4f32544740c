import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSubject } from '../meter-scope.js';
import { MeterSubjectError } from '../meter-subject-error.js';
import type { MeterSdkOptions } from '../sdk/meter-sdk-options.js';
import { readMeteringStats } from '../sdk/metering-stats.js';
import { subjectHeader } from '../sdk/take-subject-header.js';
import { createTestBudget } from './create-test-budget.js';
import { type MeteredServers, startMeteredServers } from './start-metered-servers.js';

/** Request options of a Stainless SDK call, as the scenarios pass them. */
interface CallOptions {
  headers?: Record<string, string> | undefined;
}

/**
 * One SDK version under the scenarios every SDK wrapper shares: how to build its client, make a
 * call, and judge the SDK's own errors (each SDK keeps its own error types).
 */
export interface WrapperScenarioSdk {
  /** The SDK and its major version, e.g. `openai 6`. */
  label: string;
  /** The SDK's own client against `servers` (no retries); `fetch` replaces the SDK's. */
  create(input: { servers: MeteredServers; fetch?: typeof fetch | undefined }): object;
  /** The wrapper itself (`meterOpenAI`, `meterAnthropic`). */
  meter(client: object, options: MeterSdkOptions): object;
  /**
   * One blocking call of the metered client: the response id, and whether it has an answer.
   * Calls the SDK at once (not from an `async` function), so a call refused before it is sent
   * throws, as the SDK's own method does.
   */
  callBlocking(
    client: object,
    options?: CallOptions | undefined,
  ): Promise<{ id: string; answered: boolean }>;
  /** One streamed call, read to its end: its response id and how many chunks the caller got. */
  callStream(client: object): Promise<{ id: string; chunks: number }>;
  /** A stream the caller read to its end has more chunks than this. */
  minStreamChunks: number;
  /** The model the calls name, as the refusal event's `requested_model`. */
  model: string;
  /** meter-core's provider id, as the refusal event's `provider`. */
  provider: string;
  /** Checks the SDK's own error of a call the budget refused over quota (status 429). */
  expectQuotaError(error: unknown): void;
  /** Checks the SDK's own error of a call upstream refused with 400. */
  expectBadRequest(error: unknown): void;
}

/**
 * The scenarios every SDK wrapper must pass, run once per SDK version in `sdks` against real
 * servers: who pays (header, default, nobody), a client metered twice, an outbox that refuses
 * events, a call upstream refuses, and the budget gate (over quota, within quota).
 */
export function describeWrapperScenarios({
  wrapper,
  sdks,
}: {
  /** The wrapper's name, in the suites' titles. */
  wrapper: string;
  sdks: WrapperScenarioSdk[];
}): void {
  let servers: MeteredServers;
  beforeAll(async () => {
    servers = await startMeteredServers();
  });
  afterAll(() => servers.close());

  describe.each(sdks.map((sdk) => [sdk.label, sdk] as const))('%s', (label, sdk) => {
    const tag = label.replace(' ', '');
    const client = () =>
      sdk.meter(sdk.create({ servers }), {
        outbox: servers.outbox,
        logger: { warn: () => undefined },
      });

    describe(`${wrapper}: who pays`, () => {
      it('takes the subject from the per-call header and never sends that header', async () => {
        const sent: Headers[] = [];
        const spied = sdk.meter(
          sdk.create({
            servers,
            fetch: (url, init) => {
              sent.push(new Headers(init?.headers));
              return fetch(url, init);
            },
          }),
          { outbox: servers.outbox },
        );
        const subject = `${tag}-header`;
        const { id } = await sdk.callBlocking(spied, { headers: { [subjectHeader]: subject } });
        expect(sent.map((headers) => headers.has(subjectHeader))).toEqual([false]);
        expect((await servers.metered(subject)).map((event) => event.id)).toEqual([id]);
      });

      it('refuses a call nobody pays for before it is sent, and bills a configured default', async () => {
        const before = servers.billed().length;
        expect(() => sdk.callBlocking(client())).toThrow(MeterSubjectError);
        expect(servers.billed().length).toBe(before);
        const subject = `${tag}-default`;
        const metered = sdk.meter(sdk.create({ servers }), {
          outbox: servers.outbox,
          defaultSubject: subject,
        });
        const { id } = await sdk.callBlocking(metered);
        expect((await servers.metered(subject)).map((event) => event.id)).toEqual([id]);
      });
    });

    describe(`${wrapper}: metering never fails the call`, () => {
      it('refuses to meter one client twice (every call would be billed twice)', () => {
        const metered = client();
        expect(() => sdk.meter(metered, { outbox: servers.outbox })).toThrow(/metered already/);
      });

      it('returns the answer when the outbox refuses its event, and logs and counts the refusal', async () => {
        const outbox: UsageOutbox = await createUsageOutbox({
          client: { events: { ingest: async () => undefined } },
          logger: false,
        });
        await outbox.close();
        const warnings: string[] = [];
        const metered = sdk.meter(sdk.create({ servers }), {
          outbox,
          defaultSubject: `${tag}-closed`,
          logger: { warn: (message) => warnings.push(message) },
        });
        expect((await sdk.callBlocking(metered)).answered).toBe(true);
        expect((await sdk.callStream(metered)).chunks).toBeGreaterThan(sdk.minStreamChunks);
        expect(readMeteringStats(metered)?.failures).toBeGreaterThanOrEqual(2);
        expect(warnings.length).toBe(readMeteringStats(metered)?.failures);
        expect(warnings[0]).toMatch(/^llm-meter: .*\(the call itself went on\)$/);
      });

      it('drops a call upstream refused: nothing billed, nothing metered', async () => {
        const subject = `${tag}-refused`;
        const error = await withSubject(subject, () =>
          sdk.callBlocking(client(), { headers: { 'x-openai-local-fault': '400' } }),
        ).catch((caught: unknown) => caught);
        sdk.expectBadRequest(error);
        await servers.outbox.flush();
        expect(await servers.metered(subject)).toEqual([]);
      });
    });

    describe(`${wrapper} with a budget gate`, () => {
      const { budget, requests, fetch } = createTestBudget({ tag });
      const gated = () =>
        sdk.meter(sdk.create({ servers, fetch }), { outbox: servers.outbox, budget });

      it("refuses a customer over quota before the call, with the SDK's own error", async () => {
        const before = { billed: servers.billed().length, requests: requests.length };
        const subject = `${tag}-broke`;
        const error = await withSubject(subject, () => sdk.callBlocking(gated())).catch(
          (caught: unknown) => caught,
        );
        sdk.expectQuotaError(error);
        // Nothing was sent (not even a retry), billed or metered as usage: OpenMeter has one
        // refusal event (the wrapper's provider), which no token meter reads.
        expect(requests.length).toBe(before.requests);
        expect(servers.billed().length).toBe(before.billed);
        const events = (await servers.metered(subject)) as unknown as Array<{
          type: string;
          data: Record<string, unknown>;
        }>;
        expect(
          events.map(({ type, data }) => [
            type,
            data.provider,
            data.reason,
            data.requested_model,
            data.feature,
          ]),
        ).toEqual([['llm_refusal', sdk.provider, 'over_quota', sdk.model, 'tokens']]);
        expect(Object.keys(events[0]?.data ?? {}).filter((key) => key.endsWith('_tokens'))).toEqual(
          [],
        );
      });

      it('lets a customer within quota through, blocking and streamed, and meters each call', async () => {
        const subject = `${tag}-rich`;
        const metered = gated();
        const ids = await withSubject(subject, async () => [
          (await sdk.callBlocking(metered)).id,
          (await sdk.callStream(metered)).id,
        ]);
        const events = await servers.metered(subject);
        expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
        expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
      });
    });
  });
}
