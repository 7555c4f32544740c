import type { Meter, MeterAggregation } from '../openmeter-types.js';
import { type JsonPathSegments, readJsonPath, safeCompileJsonPath } from './compile-json-path.js';

/**
 * A stored meter with its JSONPaths compiled, ready to read events.
 */
export interface CompiledMeter {
  /** Internal row number; names the meter's value table. */
  sequence: number;
  meter: Meter;
  aggregation: MeterAggregation;
  eventType: string;
  eventFromMilliseconds: number | undefined;
  valueSegments: JsonPathSegments | undefined;
  groupByKeys: string[];
  groupBySegments: JsonPathSegments[];
  tableName: string;
}

/**
 * A meter's reading of one event: what it counts, or why it cannot.
 */
export type MeterReading =
  | { success: true; value: number | null; text: string | null; groups: Array<string | null> }
  | { success: false; error: string };

function compileOrThrow(path: string): JsonPathSegments {
  const compiled = safeCompileJsonPath(path);
  if (!compiled.success) throw new Error(compiled.error);
  return compiled.value;
}

/**
 * Compiles a stored meter definition for reading events.
 */
export function compileMeter({
  sequence,
  meter,
}: {
  sequence: number;
  meter: Meter;
}): CompiledMeter {
  const groupBy = Object.entries(meter.groupBy ?? {});
  return {
    sequence,
    meter,
    aggregation: meter.aggregation,
    eventType: meter.eventType,
    eventFromMilliseconds: meter.eventFrom ? Date.parse(String(meter.eventFrom)) : undefined,
    valueSegments:
      meter.aggregation === 'COUNT' || !meter.valueProperty
        ? undefined
        : compileOrThrow(meter.valueProperty),
    groupByKeys: groupBy.map(([key]) => key),
    groupBySegments: groupBy.map(([, path]) => compileOrThrow(path)),
    tableName: `meter_values_${sequence}`,
  };
}

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function convertGroupValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Reads what a meter counts from an event's `data`: a number or numeric string for
 * SUM/AVG/MIN/MAX/LATEST, a string (or number) for UNIQUE_COUNT, nothing for COUNT; plus the
 * group-by values as strings (null when missing). A missing or non-numeric value, or one
 * beyond ±(2^53 - 1) (1e308 or 1e400, whose sums overflow or lose units), is reported, not thrown: the event stays stored and uncounted, as in OpenMeter.
 */
export function readMeterValue({
  meter,
  data,
}: {
  meter: CompiledMeter;
  data: unknown;
}): MeterReading {
  const groups = meter.groupBySegments.map((segments) =>
    convertGroupValue(readJsonPath({ root: data, segments })),
  );
  if (!meter.valueSegments) return { success: true, value: null, text: null, groups };
  const path = meter.meter.valueProperty;
  const raw = readJsonPath({ root: data, segments: meter.valueSegments });
  if (raw === undefined) {
    return { success: false, error: `meter ${meter.meter.slug}: missing value property ${path}` };
  }
  if (raw === null) {
    return { success: false, error: `meter ${meter.meter.slug}: value property ${path} is null` };
  }
  if (meter.aggregation === 'UNIQUE_COUNT') {
    if (typeof raw === 'string' || typeof raw === 'number') {
      return { success: true, value: null, text: String(raw), groups };
    }
    return {
      success: false,
      error: `meter ${meter.meter.slug}: value property ${path} must be a string for UNIQUE_COUNT`,
    };
  }
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && NUMERIC.test(raw)) value = Number(raw);
  if (value === undefined) {
    return {
      success: false,
      error: `meter ${meter.meter.slug}: value property ${path} must be a number or a numeric string, got ${JSON.stringify(raw)}`,
    };
  }
  if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) {
    return {
      success: false,
      error: `meter ${meter.meter.slug}: value property ${path} is ${typeof raw === 'string' ? raw : String(value)}, outside ±${Number.MAX_SAFE_INTEGER} (2^53 - 1), beyond which sums are no longer exact finite numbers`,
    };
  }
  return { success: true, value, text: null, groups };
}
