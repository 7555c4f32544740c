import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { genaiPricesVersion } from './prices-version.js';
import { findServiceTierPrice, serviceTierPrices } from './service-tier-prices.js';

describe('serviceTierPrices', () => {
  const openai = findProvider({ providerId: 'openai' });
  const modelIds = new Set(openai?.models.map((model) => model.id));

  it.each(serviceTierPrices)(
    '$tier $model names a genai-prices model, a source and a date',
    (row) => {
      if (row.model !== '*') expect(modelIds.has(row.model)).toBe(true);
      expect(row.source).toMatch(
        /^https:\/\/(openai\.com|developers\.openai\.com|help\.openai\.com)\//,
      );
      expect(row.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(row.checked))).toBe(false);
    },
  );

  it('has one row per tier and model', () => {
    const keys = serviceTierPrices.map((row) => `${row.tier} ${row.model}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('prefers a model row over the every-model row', () => {
    expect(findServiceTierPrice({ tier: 'batch', modelId: 'gpt-4o-mini' })?.model).toBe('*');
    expect(findServiceTierPrice({ tier: 'flex', modelId: 'gpt-4o-mini' })).toBeUndefined();
    expect(findServiceTierPrice({ tier: 'priority', modelId: 'gpt-4o-mini' })?.model).toBe(
      'gpt-4o-mini',
    );
  });

  it('names the installed @pydantic/genai-prices version', () => {
    const require = createRequire(import.meta.url);
    // The package's exports hide package.json; find it beside its entry point.
    const entry = require.resolve('@pydantic/genai-prices');
    const manifest = JSON.parse(
      readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(manifest.version).toBe(genaiPricesVersion);
  });
});
