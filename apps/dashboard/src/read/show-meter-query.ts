import { type MeterQueryParams, serializeQuery } from '@llm-meter/openmeter-client';
import type { ShownQuery } from './shown-query.js';

/**
 * A v1 meter query as the page shows it: `GET <OpenMeter>/api/v1/meters/<meter>/query?...`,
 * with the same parameters the client sent.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 */
export function showMeterQuery({
  baseUrl,
  id,
  meter,
  params,
}: {
  /** OpenMeter's base URL. */
  baseUrl: string;
  id: string;
  meter: string;
  params: MeterQueryParams;
}): ShownQuery {
  const search = serializeQuery(params);
  const path = `/api/v1/meters/${encodeURIComponent(meter)}/query`;
  return {
    id,
    method: 'GET',
    url: `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`,
  };
}
