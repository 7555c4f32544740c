import type { Feature, LlmCostPrice } from '@llm-meter/openmeter-client/v3';
import type { Database } from 'better-sqlite3';
import { createUlid } from '../storage/create-ulid.js';

/** A feature key is already another active v3 feature's. */
export class FeatureConflictError extends Error {
  override name = 'FeatureConflictError' as const;
}

/** What creates a v3 feature: the stored feature without its id and times. */
export type FeatureInput = Omit<Feature, 'id' | 'created_at' | 'updated_at' | 'deleted_at'>;

/** What creates or updates an override: an LLM cost price without its id, source and times. */
export type OverrideInput = Omit<LlmCostPrice, 'id' | 'source' | 'created_at' | 'updated_at'>;

/**
 * OpenMeter's v3 features and per-namespace LLM cost overrides on the embedded database. v3
 * features live apart from v1's (`/api/v1/features`), whose shape differs (a meter slug, no unit
 * cost); an override is unique per provider, model and currency, and creating one again updates
 * it, as the spec's `LLMCostOverrideCreate` says.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export class LlmCostStore {
  readonly #database: Database;
  readonly #now: () => Date;

  constructor({ database, now }: { database: Database; now: () => Date }) {
    this.#database = database;
    this.#now = now;
  }

  /** Active features, oldest first. */
  listFeatures(): Feature[] {
    return this.#database
      .prepare('SELECT json FROM v3_features WHERE deleted_at IS NULL ORDER BY rowid')
      .pluck()
      .all()
      .map((json) => JSON.parse(json as string) as Feature);
  }

  /** The feature with this id, deleted ones included (a get answers 410 for those). */
  getFeature(id: string): Feature | undefined {
    const json = this.#database
      .prepare('SELECT json FROM v3_features WHERE id = ?')
      .pluck()
      .get(id) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as Feature);
  }

  /** Creates a feature; throws `FeatureConflictError` when an active feature has its key. */
  createFeature(input: FeatureInput): Feature {
    const moment = this.#now();
    const at = moment.toISOString();
    const feature: Feature = {
      ...input,
      id: createUlid({ time: moment }),
      created_at: at,
      updated_at: at,
    };
    try {
      this.#database
        .prepare('INSERT INTO v3_features (id, key, json) VALUES (?, ?, ?)')
        .run(feature.id, feature.key, JSON.stringify(feature));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new FeatureConflictError(
          `A feature with key ${feature.key} exists: delete it first or choose another key.`,
          { cause: error },
        );
      }
      throw error;
    }
    return feature;
  }

  /** Sets or clears (`null`) an active feature's unit cost; undefined when there is none. */
  updateFeatureUnitCost({
    id,
    unitCost,
  }: {
    id: string;
    unitCost: Feature['unit_cost'] | null;
  }): Feature | undefined {
    const current = this.getFeature(id);
    if (!current || current.deleted_at) return undefined;
    const { unit_cost: _, ...rest } = current;
    const feature: Feature = {
      ...rest,
      ...(unitCost === null || unitCost === undefined ? {} : { unit_cost: unitCost }),
      updated_at: this.#now().toISOString(),
    };
    this.#database
      .prepare('UPDATE v3_features SET json = ? WHERE id = ?')
      .run(JSON.stringify(feature), id);
    return feature;
  }

  /** Marks an active feature deleted (kept, so a get answers 410); false if there is none. */
  deleteFeature(id: string): boolean {
    const current = this.getFeature(id);
    if (!current || current.deleted_at) return false;
    const at = this.#now().toISOString();
    this.#database
      .prepare('UPDATE v3_features SET deleted_at = ?, json = ? WHERE id = ?')
      .run(at, JSON.stringify({ ...current, updated_at: at, deleted_at: at }), id);
    return true;
  }

  /** The namespace's overrides, by provider, then model. */
  listOverrides(): LlmCostPrice[] {
    return this.#database
      .prepare('SELECT json FROM llm_cost_overrides ORDER BY provider, model_id, currency')
      .pluck()
      .all()
      .map((json) => JSON.parse(json as string) as LlmCostPrice);
  }

  /** Creates the override of its provider, model and currency, or replaces the existing one. */
  upsertOverride(input: OverrideInput): { price: LlmCostPrice; created: boolean } {
    const moment = this.#now();
    const at = moment.toISOString();
    return this.#database.transaction(() => {
      const existing = this.#database
        .prepare(
          'SELECT json FROM llm_cost_overrides WHERE provider = ? AND model_id = ? AND currency = ?',
        )
        .pluck()
        .get(input.provider.id, input.model.id, input.currency) as string | undefined;
      const previous = existing === undefined ? undefined : (JSON.parse(existing) as LlmCostPrice);
      const price: LlmCostPrice = {
        ...input,
        id: previous?.id ?? createUlid({ time: moment }),
        source: 'manual',
        created_at: previous?.created_at ?? at,
        updated_at: at,
      };
      this.#database
        .prepare(
          'INSERT OR REPLACE INTO llm_cost_overrides (id, provider, model_id, currency, json) VALUES (?, ?, ?, ?, ?)',
        )
        .run(price.id, price.provider.id, price.model.id, price.currency, JSON.stringify(price));
      return { price, created: previous === undefined };
    })();
  }

  /** Deletes an override; false if there is none with this id. */
  deleteOverride(id: string): boolean {
    return (
      this.#database.prepare('DELETE FROM llm_cost_overrides WHERE id = ?').run(id).changes > 0
    );
  }
}
