import type { Database } from 'better-sqlite3';

// Each entry moves the schema one version up; `PRAGMA user_version` records how far a file
// database got. Never edit a shipped entry: append a new one.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    subject TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    ingested_at_ms INTEGER NOT NULL,
    stored_at_ms INTEGER NOT NULL,
    event_json TEXT NOT NULL
  );
  CREATE UNIQUE INDEX events_source_id ON events (source, id);
  CREATE INDEX events_time ON events (time_ms);
  CREATE TABLE meters (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL,
    origin TEXT NOT NULL,
    definition_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
  );
  CREATE UNIQUE INDEX meters_active_slug ON meters (slug) WHERE deleted_at IS NULL;
  CREATE TABLE event_errors (
    event_seq INTEGER NOT NULL,
    meter_seq INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (event_seq, meter_seq)
  ) WITHOUT ROWID;
  CREATE INDEX event_errors_meter ON event_errors (meter_seq);
  CREATE TABLE dictionary (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
  );
  `,
  `
  CREATE TABLE features (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    json TEXT NOT NULL,
    archived_at TEXT
  );
  CREATE UNIQUE INDEX features_active_key ON features (key) WHERE archived_at IS NULL;
  CREATE TABLE entitlements (
    id TEXT PRIMARY KEY,
    subject_key TEXT NOT NULL,
    feature_key TEXT NOT NULL,
    json TEXT NOT NULL,
    deleted_at TEXT
  );
  CREATE UNIQUE INDEX entitlements_active ON entitlements (subject_key, feature_key)
    WHERE deleted_at IS NULL;
  CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    entitlement_id TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX grants_entitlement ON grants (entitlement_id);
  CREATE TABLE entitlement_resets (
    entitlement_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    retain_anchor INTEGER NOT NULL,
    preserve_overage INTEGER NOT NULL
  );
  CREATE INDEX entitlement_resets_entitlement ON entitlement_resets (entitlement_id, at_ms);
  `,
  `
  CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    json TEXT NOT NULL,
    deleted_at TEXT
  );
  CREATE UNIQUE INDEX customers_active_key ON customers (key) WHERE deleted_at IS NULL;
  CREATE TABLE customer_subjects (
    subject_key TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX customer_subjects_customer ON customer_subjects (customer_id);
  `,
  // The meters whose per-hour rollup (meter_hours_<seq>) is complete; each is filled from its
  // value table when the store opens (meter-rollup-table.ts). A release without rollups would
  // ingest without keeping them, so it must refuse this file: the version bump does that.
  `
  CREATE TABLE meter_hour_rollups (
    meter_seq INTEGER PRIMARY KEY
  );
  `,
  `
  CREATE TABLE v3_features (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    json TEXT NOT NULL,
    deleted_at TEXT
  );
  CREATE UNIQUE INDEX v3_features_active_key ON v3_features (key) WHERE deleted_at IS NULL;
  CREATE TABLE llm_cost_overrides (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE UNIQUE INDEX llm_cost_overrides_model ON llm_cost_overrides (provider, model_id, currency);
  `,
  // A new meter reads the stored events of its type (the backfill, in seq order); without this
  // index that read scanned every event of every type. An index holds the rowid (seq) after the
  // type, so it serves `type = ? AND seq > ? ORDER BY seq` as a range. Adds only an index.
  `
  CREATE INDEX events_type ON events (type);
  `,
];

/**
 * Brings a database to the newest schema, one transaction per version, and refuses a file
 * written by a newer release instead of guessing. Each step reads the version inside a write
 * transaction (`BEGIN IMMEDIATE`), so two processes opening one fresh file at once migrate it
 * once: the second waits for the first, then finds nothing left to do.
 */
export function migrateDatabase(database: Database): void {
  const readVersion = () => {
    const current = database.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `The database has schema version ${current} but this openmeter-local knows only ${MIGRATIONS.length}: upgrade @llm-meter/openmeter-local or use another --db file.`,
      );
    }
    return current;
  };
  // An up-to-date database (every start but the first) takes no write lock.
  if (readVersion() === MIGRATIONS.length) return;
  const step = database.transaction((): boolean => {
    const version = readVersion();
    if (version === MIGRATIONS.length) return false;
    database.exec(MIGRATIONS[version] as string);
    database.pragma(`user_version = ${version + 1}`);
    return true;
  });
  let migrated = true;
  while (migrated) migrated = step.immediate();
}
