import type { Meter as MeterV3 } from '@llm-meter/openmeter-client/v3';
import type { Meter } from '../../openmeter-types.js';

/**
 * A stored meter as v3 shows it: `key` for v1's slug, lowercase `aggregation`, snake_case
 * fields, `dimensions` for v1's `groupBy`.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function convertMeterToV3(meter: Meter): MeterV3 {
  return {
    id: meter.id,
    key: meter.slug,
    name: meter.name ?? meter.slug,
    ...(meter.description ? { description: meter.description } : {}),
    aggregation: meter.aggregation.toLowerCase() as MeterV3['aggregation'],
    event_type: meter.eventType,
    ...(meter.valueProperty ? { value_property: meter.valueProperty } : {}),
    dimensions: meter.groupBy ?? {},
    ...(meter.eventFrom ? { events_from: String(meter.eventFrom) } : {}),
    created_at: String(meter.createdAt),
    updated_at: String(meter.updatedAt),
    ...(meter.deletedAt ? { deleted_at: String(meter.deletedAt) } : {}),
  };
}

/**
 * A v3 `CreateMeterRequest` body as the v1 definition the store checks and keeps (unknown
 * fields are passed on, so the v1 check names them).
 */
export function convertV3MeterCreate(body: Record<string, unknown>): Record<string, unknown> {
  const {
    key,
    name,
    description,
    aggregation,
    event_type,
    value_property,
    dimensions,
    events_from,
    labels: _labels,
    ...rest
  } = body;
  return {
    ...rest,
    slug: key,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    aggregation: typeof aggregation === 'string' ? aggregation.toUpperCase() : aggregation,
    eventType: event_type,
    ...(value_property !== undefined ? { valueProperty: value_property } : {}),
    ...(dimensions !== undefined ? { groupBy: dimensions } : {}),
    ...(events_from !== undefined ? { eventFrom: events_from } : {}),
  };
}
