//! The schema, one migration per version, embedded in the binary and run on open.
//!
//! Written once for both databases: SQLite reads `BIGINT` as an integer and
//! `DOUBLE PRECISION` as a real. Days are `YYYY-MM-DD` text (ISO order sorts and
//! compares as dates; PostgreSQL users cast with `day::date`), moments RFC 3339 text.
//! Every table name starts with `openrouter_`, so a shared PostgreSQL database can hold
//! the store beside other programs' tables.

/// The migrations, oldest first; the schema version is the number applied.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// The newest schema version this crate knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// What `openrouter_store_meta.application` holds in every store.
pub(crate) const APPLICATION: &str = "openrouter-analytics-store";

/// Every table of the store, to recognise another program's tables with our names.
pub(crate) const TABLES: &[&str] = &[
    "openrouter_store_meta",
    "openrouter_sync_run",
    "openrouter_covered_day",
    "openrouter_activity",
    "openrouter_key_activity",
    "openrouter_api_key",
    "openrouter_key_snapshot",
    "openrouter_credit_snapshot",
    "openrouter_budget_snapshot",
    "openrouter_workspace",
    "openrouter_activity_daily",
    "openrouter_key_activity_daily",
    "openrouter_synced_day",
    "openrouter_activity_monthly",
    "openrouter_key_activity_monthly",
];

const V1: &str = "
CREATE TABLE openrouter_sync_run (
    run_id        TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    status        TEXT NOT NULL,
    activity_rows BIGINT NOT NULL,
    key_rows      BIGINT NOT NULL,
    first_day     TEXT,
    last_day      TEXT,
    error         TEXT
);
CREATE TABLE openrouter_covered_day (
    day    TEXT NOT NULL,
    split  TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (day, split)
);
CREATE TABLE openrouter_activity (
    day                  TEXT NOT NULL,
    workspace_id         TEXT NOT NULL,
    endpoint_id          TEXT NOT NULL,
    model_permaslug      TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    run_id               TEXT NOT NULL,
    PRIMARY KEY (day, workspace_id, endpoint_id, model_permaslug)
);
CREATE INDEX openrouter_activity_by_model
    ON openrouter_activity (workspace_id, day, model, provider_name, usage, byok_usage_inference,
                            requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens);
CREATE TABLE openrouter_key_activity (
    day                  TEXT NOT NULL,
    api_key_hash         TEXT NOT NULL,
    endpoint_id          TEXT NOT NULL,
    model_permaslug      TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    run_id               TEXT NOT NULL,
    PRIMARY KEY (day, api_key_hash, endpoint_id, model_permaslug)
);
CREATE TABLE openrouter_api_key (
    api_key_hash TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    label        TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    run_id       TEXT NOT NULL
);
CREATE TABLE openrouter_key_snapshot (
    run_id          TEXT NOT NULL,
    taken_at        TEXT NOT NULL,
    api_key_hash    TEXT NOT NULL,
    disabled        BIGINT NOT NULL,
    usage           DOUBLE PRECISION NOT NULL,
    usage_daily     DOUBLE PRECISION NOT NULL,
    usage_weekly    DOUBLE PRECISION NOT NULL,
    usage_monthly   DOUBLE PRECISION NOT NULL,
    byok_usage      DOUBLE PRECISION NOT NULL,
    key_limit       DOUBLE PRECISION,
    limit_remaining DOUBLE PRECISION,
    limit_reset     TEXT,
    PRIMARY KEY (run_id, api_key_hash)
);
CREATE TABLE openrouter_credit_snapshot (
    run_id        TEXT PRIMARY KEY,
    taken_at      TEXT NOT NULL,
    total_credits DOUBLE PRECISION NOT NULL,
    total_usage   DOUBLE PRECISION NOT NULL
);
CREATE INDEX openrouter_credit_snapshot_by_time ON openrouter_credit_snapshot (taken_at);
CREATE TABLE openrouter_budget_snapshot (
    run_id         TEXT NOT NULL,
    taken_at       TEXT NOT NULL,
    workspace_id   TEXT NOT NULL,
    workspace_name TEXT NOT NULL,
    budget_id      TEXT NOT NULL,
    reset_interval TEXT,
    limit_usd      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, budget_id)
);
";

/// Every workspace's name as the last sync saw it: FOCUS's `SubAccountName`, and the
/// name of workspaces that have no budget (whose snapshots carry it too).
const V2: &str = "
CREATE TABLE openrouter_workspace (
    workspace_id TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    run_id       TEXT NOT NULL
);
";

/// The run log counts the rows dropped for being dated outside the window.
const V3: &str = "
ALTER TABLE openrouter_sync_run ADD COLUMN dropped_rows BIGINT NOT NULL DEFAULT 0;
";

/// The sums per day, group, model and provider that every summary reads (a year is
/// thousands of these rows, not a million raw ones). The sync rewrites the days of
/// its window from the raw rows, in its transaction, whenever a raw row changed; the
/// raw rows stay the source of truth. Filled from the raw rows right after this
/// migration (`Store::rebuild_daily`: its sums differ by backend). The raw
/// rows' covering index served the summaries this table now answers: dropped, as
/// every synced row paid for it.
const V4: &str = "
CREATE TABLE openrouter_activity_daily (
    day                  TEXT NOT NULL,
    workspace_id         TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    raw_rows             BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, model, provider_name)
);
CREATE INDEX openrouter_activity_daily_sums
    ON openrouter_activity_daily (workspace_id, day, model, provider_name, usage, byok_usage_inference,
                                  requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens);
CREATE TABLE openrouter_key_activity_daily (
    day                  TEXT NOT NULL,
    api_key_hash         TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    raw_rows             BIGINT NOT NULL,
    PRIMARY KEY (day, api_key_hash, model, provider_name)
);
DROP INDEX IF EXISTS openrouter_activity_by_model;
";

/// What the last sync that wrote a day of a raw table wrote for it: its rows' count
/// and the wrapping sum of their hashes (key, model, provider and numbers; see
/// `Digest` in sync.rs). A sync whose answer for the day has the same digest skips
/// the day's rows, which it would otherwise compare one by one with the stored ones:
/// a rerun over an unchanged window writes no raw row. Only a shortcut, kept in the
/// sync's transaction: the raw rows stay the source of truth, and a day without a
/// digest (every day of a store from before this version) is compared row by row.
const V5: &str = "
CREATE TABLE openrouter_synced_day (
    raw_table TEXT NOT NULL,
    day       TEXT NOT NULL,
    rows      BIGINT NOT NULL,
    digest    BIGINT NOT NULL,
    run_id    TEXT NOT NULL,
    PRIMARY KEY (raw_table, day)
);
";

/// The raw tables keyed for a sync's writes.
///
/// SQLite: each raw table becomes a `WITHOUT ROWID` table, its rows stored in its
/// primary key's B-tree: one B-tree per inserted row instead of two (the table's and
/// its key's), and a pass over a day range reads the rows in key order without a
/// look-up into the table per row. Rebuilt by copying (SQLite cannot alter this);
/// the columns, their order and every value stay as they were.
///
/// PostgreSQL: nothing ([`postgres_migration`]); it has no such tables (a table's
/// rows and its key's index are always two structures). (The `C` collation on the key columns, to spare
/// `strcoll` in that B-tree, was measured beside this and gained nothing outside the
/// noise of a first sync: not done.)
const V6: &str = "
CREATE TABLE openrouter_activity_v6 (
    day                  TEXT NOT NULL,
    workspace_id         TEXT NOT NULL,
    endpoint_id          TEXT NOT NULL,
    model_permaslug      TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    run_id               TEXT NOT NULL,
    PRIMARY KEY (day, workspace_id, endpoint_id, model_permaslug)
) WITHOUT ROWID;
INSERT INTO openrouter_activity_v6 (day, workspace_id, endpoint_id, model_permaslug, model, provider_name, usage, byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, run_id)
    SELECT day, workspace_id, endpoint_id, model_permaslug, model, provider_name, usage, byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, run_id FROM openrouter_activity;
DROP TABLE openrouter_activity;
ALTER TABLE openrouter_activity_v6 RENAME TO openrouter_activity;
CREATE TABLE openrouter_key_activity_v6 (
    day                  TEXT NOT NULL,
    api_key_hash         TEXT NOT NULL,
    endpoint_id          TEXT NOT NULL,
    model_permaslug      TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    run_id               TEXT NOT NULL,
    PRIMARY KEY (day, api_key_hash, endpoint_id, model_permaslug)
) WITHOUT ROWID;
INSERT INTO openrouter_key_activity_v6 (day, api_key_hash, endpoint_id, model_permaslug, model, provider_name, usage, byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, run_id)
    SELECT day, api_key_hash, endpoint_id, model_permaslug, model, provider_name, usage, byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, run_id FROM openrouter_key_activity;
DROP TABLE openrouter_key_activity;
ALTER TABLE openrouter_key_activity_v6 RENAME TO openrouter_key_activity;
";

/// The sums per month (`YYYY-MM`, as summaries label months), group, model and
/// provider: a summary over whole months reads 12 rows per model and provider a year
/// instead of 365. The sums of the daily sums of the month, which the sync rebuilds for
/// the months of the days it rewrote, in its transaction; filled from the daily sums
/// right after this migration (`Store::rebuild_monthly`). SQLite keeps the rows in their
/// key's B-tree (`WITHOUT ROWID`), so the key is also a covering index.
const V7: &str = "
CREATE TABLE openrouter_activity_monthly (
    month                TEXT NOT NULL,
    workspace_id         TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    raw_rows             BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, month, model, provider_name)
) WITHOUT ROWID;
CREATE TABLE openrouter_key_activity_monthly (
    month                TEXT NOT NULL,
    api_key_hash         TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider_name        TEXT NOT NULL,
    usage                DOUBLE PRECISION NOT NULL,
    byok_usage_inference DOUBLE PRECISION NOT NULL,
    requests             BIGINT NOT NULL,
    prompt_tokens        BIGINT NOT NULL,
    completion_tokens    BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    raw_rows             BIGINT NOT NULL,
    PRIMARY KEY (month, api_key_hash, model, provider_name)
) WITHOUT ROWID;
";

/// The PostgreSQL text of a migration that differs by backend.
pub(crate) fn postgres_migration(version: i64) -> Option<String> {
    match version {
        // Nothing: see [`V6`].
        6 => Some(String::new()),
        // PostgreSQL has no `WITHOUT ROWID`: [`V7`]'s tables as plain tables.
        7 => Some(V7.replace(") WITHOUT ROWID;", ");")),
        _ => None,
    }
}

/// The raw tables, whose daily sums are `{raw}_daily` and monthly sums
/// `{raw}_monthly`: (raw table, its group column).
pub(crate) const DAILY: [(&str, &str); 2] = [
    ("openrouter_activity", "workspace_id"),
    ("openrouter_key_activity", "api_key_hash"),
];
