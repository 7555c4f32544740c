import type { Database } from 'better-sqlite3';
import type { BalanceReset } from './compute-entitlement-balance.js';
import type { EntitlementGrant, Feature, StoredEntitlement } from './entitlement-types.js';

/**
 * A second active entitlement for the same subject and feature, or a taken feature key.
 */
export class EntitlementConflictError extends Error {
  override name = 'EntitlementConflictError' as const;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Features, entitlements, grants and manual resets in openmeter-local's SQLite database, kept as
 * the JSON objects the API answers with.
 */
export class EntitlementStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Stores a new feature; throws `EntitlementConflictError` when its key is taken. */
  createFeature(feature: Feature): void {
    try {
      this.#database
        .prepare('INSERT INTO features (id, key, json) VALUES (?, ?, ?)')
        .run(feature.id, feature.key, JSON.stringify(feature));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EntitlementConflictError(
          `A feature with key "${feature.key}" exists already: archive it first or choose another key.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Features oldest first, archived ones only when asked. */
  listFeatures({ includeArchived }: { includeArchived: boolean }): Feature[] {
    return this.#database
      .prepare(
        `SELECT json FROM features ${includeArchived ? '' : 'WHERE archived_at IS NULL'} ORDER BY rowid`,
      )
      .pluck()
      .all()
      .map((json) => JSON.parse(json as string) as Feature);
  }

  /** The feature with this id, or the active one with this key. */
  findFeature(idOrKey: string): Feature | undefined {
    const json = this.#database
      .prepare(
        'SELECT json FROM features WHERE id = ? OR (key = ? AND archived_at IS NULL) ORDER BY archived_at IS NULL DESC LIMIT 1',
      )
      .pluck()
      .get(idOrKey, idOrKey) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as Feature);
  }

  /** Marks a feature archived (it stays listed with `includeArchived`). */
  archiveFeature({ feature, at }: { feature: Feature; at: string }): void {
    const archived: Feature = { ...feature, archivedAt: at, updatedAt: at };
    this.#database
      .prepare('UPDATE features SET archived_at = ?, json = ? WHERE id = ?')
      .run(at, JSON.stringify(archived), feature.id);
  }

  /**
   * Stores a new entitlement with its grants (the `issueAfterReset` one), in one transaction;
   * throws `EntitlementConflictError` when the subject already has one for the feature.
   */
  createEntitlement({
    entitlement,
    grants,
  }: {
    entitlement: StoredEntitlement;
    grants: readonly EntitlementGrant[];
  }): void {
    try {
      this.#database.transaction(() => {
        this.#database
          .prepare(
            'INSERT INTO entitlements (id, subject_key, feature_key, json) VALUES (?, ?, ?, ?)',
          )
          .run(
            entitlement.id,
            entitlement.subjectKey,
            entitlement.featureKey,
            JSON.stringify(entitlement),
          );
        for (const grant of grants) this.createGrant(grant);
      })();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EntitlementConflictError(
          `Subject ${entitlement.subjectKey} already has an entitlement to ${entitlement.featureKey}: delete it first.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Active entitlements, of one subject or all, oldest first. */
  listEntitlements({ subjectKey }: { subjectKey?: string | undefined }): StoredEntitlement[] {
    const rows =
      subjectKey === undefined
        ? this.#database
            .prepare('SELECT json FROM entitlements WHERE deleted_at IS NULL ORDER BY rowid')
            .pluck()
            .all()
        : this.#database
            .prepare(
              'SELECT json FROM entitlements WHERE deleted_at IS NULL AND subject_key = ? ORDER BY rowid',
            )
            .pluck()
            .all(subjectKey);
    return rows.map((json) => JSON.parse(json as string) as StoredEntitlement);
  }

  /** The active entitlement with this id, or (given a subject) for this feature key. */
  findEntitlement({
    idOrFeatureKey,
    subjectKey,
  }: {
    idOrFeatureKey: string;
    subjectKey?: string | undefined;
  }): StoredEntitlement | undefined {
    const json = this.#database
      .prepare(
        `SELECT json FROM entitlements WHERE deleted_at IS NULL AND (id = ? OR (subject_key = ? AND feature_key = ?)) ${subjectKey === undefined ? '' : 'AND subject_key = ?'} LIMIT 1`,
      )
      .pluck()
      .get(
        idOrFeatureKey,
        subjectKey ?? null,
        idOrFeatureKey,
        ...(subjectKey === undefined ? [] : [subjectKey]),
      ) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as StoredEntitlement);
  }

  /** Marks an entitlement deleted. */
  deleteEntitlement({ id, at }: { id: string; at: string }): void {
    this.#database.prepare('UPDATE entitlements SET deleted_at = ? WHERE id = ?').run(at, id);
  }

  /** Stores a grant. */
  createGrant(grant: EntitlementGrant): void {
    this.#database
      .prepare('INSERT INTO grants (id, entitlement_id, json) VALUES (?, ?, ?)')
      .run(grant.id, grant.entitlementId, JSON.stringify(grant));
  }

  /** The grants of an entitlement, oldest first. */
  listGrants(entitlementId: string): EntitlementGrant[] {
    return this.#database
      .prepare('SELECT json FROM grants WHERE entitlement_id = ? ORDER BY rowid')
      .pluck()
      .all(entitlementId)
      .map((json) => JSON.parse(json as string) as EntitlementGrant);
  }

  /** The grant with this id. */
  findGrant(id: string): EntitlementGrant | undefined {
    const json = this.#database.prepare('SELECT json FROM grants WHERE id = ?').pluck().get(id) as
      | string
      | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as EntitlementGrant);
  }

  /** Replaces a stored grant (to void it). */
  updateGrant(grant: EntitlementGrant): void {
    this.#database
      .prepare('UPDATE grants SET json = ? WHERE id = ?')
      .run(JSON.stringify(grant), grant.id);
  }

  /** Records a manual reset. */
  addReset({ entitlementId, reset }: { entitlementId: string; reset: BalanceReset }): void {
    this.#database
      .prepare(
        'INSERT INTO entitlement_resets (entitlement_id, at_ms, retain_anchor, preserve_overage) VALUES (?, ?, ?, ?)',
      )
      .run(
        entitlementId,
        reset.at,
        reset.retainAnchor ? 1 : 0,
        reset.preserveOverage === undefined ? -1 : reset.preserveOverage ? 1 : 0,
      );
  }

  /** The manual resets of an entitlement, oldest first. */
  listResets(entitlementId: string): BalanceReset[] {
    const rows = this.#database
      .prepare(
        'SELECT at_ms, retain_anchor, preserve_overage FROM entitlement_resets WHERE entitlement_id = ? ORDER BY at_ms',
      )
      .all(entitlementId) as Array<{
      at_ms: number;
      retain_anchor: number;
      preserve_overage: number;
    }>;
    return rows.map((row) => ({
      at: row.at_ms,
      retainAnchor: row.retain_anchor === 1,
      preserveOverage: row.preserve_overage === -1 ? undefined : row.preserve_overage === 1,
    }));
  }
}
