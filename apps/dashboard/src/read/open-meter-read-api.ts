import type { OpenMeterApiVersion, OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import type { ShownQuery } from './shown-query.js';

/** A subject's balance of one metered entitlement (its budget), as OpenMeter answers `/value`. */
export interface EntitlementBalance {
  featureKey: string;
  hasAccess: boolean;
  balance: number | undefined;
  usage: number | undefined;
  overage: number | undefined;
}

/** An ingested event as both APIs list it (v1's `IngestedEvent`, v3's `MeteringIngestedEvent`). */
export interface ListedEvent {
  event: { id: string; type: string; time?: string | null | undefined; data?: unknown };
}

/** The OpenMeter customer a subject's usage is attributed to (v3). */
export interface AttributedCustomer {
  id: string;
  key: string | undefined;
  name: string;
}

/** A read and the query a page shows for it. */
export interface ShownRead<Value> {
  query: ShownQuery;
  load(): Promise<Value>;
}

/**
 * What differs between OpenMeter's two APIs for the dashboard: the meter reader (v1's client, or
 * v3's through `createV3MeterReader`), how each read is shown, the events list, entitlements and
 * customers. The reader (`createOpenMeterReader`) asks the same questions of either.
 */
export interface OpenMeterReadApi {
  apiVersion: OpenMeterApiVersion;
  meters: OpenMeterMeterReader;
  /** The query `meters.query(meter, params)` sends, as the page shows it. */
  showMeterQuery(input: {
    id: string;
    meter: string;
    params: Parameters<OpenMeterMeterReader['meters']['query']>[1] & object;
  }): Promise<ShownQuery>;
  /** The subject's latest events in `[from, to)`, its usage events first to be shown. */
  listEvents(input: {
    subject: string;
    from: Date;
    to: Date;
    limit: number;
  }): ShownRead<ListedEvent[]>;
  /** The subject's metered entitlements; undefined where the API serves no balances. */
  readEntitlements(input: { subject: string }): ShownRead<EntitlementBalance[]> | undefined;
  /** The customer the subject is attributed to (null: none); undefined on v1 (no customers). */
  findCustomer(input: { subject: string }): ShownRead<AttributedCustomer | null> | undefined;
}
