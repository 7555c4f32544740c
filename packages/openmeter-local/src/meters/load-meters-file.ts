import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { MeterCreate } from '../openmeter-types.js';
import { safeParseMeterCreate } from './parse-meter-create.js';

/**
 * Parses meter definitions from YAML in OpenMeter's own config format (a top-level `meters:`
 * list of slug, eventType, aggregation, valueProperty, groupBy; other top-level keys are
 * ignored). Throws one error naming every invalid meter.
 * @see https://openmeter.io/docs/cloud/meters
 */
export function parseMetersYaml({ text, origin }: { text: string; origin: string }): MeterCreate[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    // The parser's message continues with a code frame over several lines: keep the first.
    const [reason] = (error as Error).message.split('\n');
    throw new Error(`${origin} is not valid YAML: ${reason}`, { cause: error });
  }
  const list = (document as { meters?: unknown } | null)?.meters;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new Error(`${origin}: "meters" must be a list of meter definitions`);
  const meters: MeterCreate[] = [];
  const problems: string[] = [];
  list.forEach((candidate, index) => {
    const result = safeParseMeterCreate(candidate);
    const slug = (candidate as { slug?: unknown } | null)?.slug;
    if (result.success) meters.push(result.value);
    else problems.push(`meters[${index}] (${String(slug)}): ${result.errors.join('; ')}`);
  });
  const slugs = meters.map((meter) => meter.slug);
  for (const slug of new Set(slugs.filter((slug, index) => slugs.indexOf(slug) !== index))) {
    problems.push(`slug ${slug} appears more than once`);
  }
  if (problems.length) throw new Error(`${origin} has invalid meters: ${problems.join(' | ')}`);
  return meters;
}

/**
 * Reads and parses a meters file (see `parseMetersYaml`).
 * @see https://openmeter.io/docs/cloud/meters
 */
export function loadMetersFile(path: string): MeterCreate[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the meters file ${path}: ${(error as Error).message}; check --meters / metersFile.`,
      {
        cause: error,
      },
    );
  }
  return parseMetersYaml({ text, origin: path });
}
