-- Records: one row per (table, key). indexes is the record's index map as a
-- JSON object, kept beside the value so a read returns the whole record
-- without touching record_indexes (which exists for scans).
CREATE TABLE records (
    tbl     TEXT    NOT NULL,
    key     TEXT    NOT NULL,
    value   BLOB    NOT NULL,
    version INTEGER NOT NULL,
    indexes TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;

-- One row per (record, index); the primary key is the scan order of an
-- index scan: (index value, key).
CREATE TABLE record_indexes (
    tbl   TEXT NOT NULL,
    idx   TEXT NOT NULL,
    value TEXT NOT NULL,
    key   TEXT NOT NULL,
    PRIMARY KEY (tbl, idx, value, key)
) WITHOUT ROWID;

-- Replacing or deleting a record drops its index rows by key.
CREATE INDEX record_indexes_by_key ON record_indexes (tbl, key);

-- Log heads: len is the last sequence number handed out, so appends are
-- gapless and a log's length is one lookup.
CREATE TABLE logs (
    log TEXT    NOT NULL PRIMARY KEY,
    len INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE log_entries (
    log  TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    data BLOB    NOT NULL,
    PRIMARY KEY (log, seq)
) WITHOUT ROWID;

-- Times are integer nanoseconds since the Unix epoch, UTC. lease is '' and
-- lease_expires 0 when the job is not leased.
CREATE TABLE jobs (
    queue         TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    due           INTEGER NOT NULL,
    payload       BLOB    NOT NULL,
    lease         TEXT    NOT NULL DEFAULT '',
    lease_expires INTEGER NOT NULL DEFAULT 0,
    attempt       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

CREATE INDEX jobs_by_due ON jobs (queue, due, id);
